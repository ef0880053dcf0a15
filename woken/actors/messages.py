"""Messages between actors: commands in the imperative, events in the past tense."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from woken.states import JobState
from woken.storage.database import StoredResult


@dataclass(frozen=True)
class StartJob:
    """Persist, submit and watch the coordinator's job.

    ``stored``: the state of the job's row if the caller already wrote it. None: there
    is none, the coordinator writes it, queued. QUEUED: a single job's row, written
    before its answer; nothing is written again. PENDING: a new experiment's job,
    written with the experiment's plan; only its state is changed to queued.
    """

    stored: JobState | None = None


@dataclass(frozen=True)
class PollStatus:
    """Ask the backend how the job is doing (a timer's tick: the next one is scheduled)."""


@dataclass(frozen=True)
class RecordRunning:
    """The job still runs a while after it started: write RUNNING into woken-db now."""


@dataclass(frozen=True)
class JobChanged:
    """The backend says the job started or ended: ask it now (nothing is scheduled)."""


@dataclass(frozen=True)
class Cancel:
    """Stop the work (any actor): jobs are cancelled, what finished is kept."""

    reason: str = "cancelled by the client"


@dataclass(frozen=True)
class JobEnded:
    """A job reached a terminal state; its result (or error) is stored."""

    job_id: str
    state: JobState
    result: StoredResult
    volume: Path
    # Wall time of the run itself (not of its wait in the queue), when known.
    duration_s: float | None = None
    # The host that ran it, when the backend tells: the test of a pair runs there too.
    host: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.state is JobState.SUCCEEDED and self.result.error is None


@dataclass(frozen=True)
class Start:
    """Begin the work (experiment, algorithm, cross-validation, train/test pair)."""


@dataclass(frozen=True)
class FoldPredicted:
    """A fold's train/test pair ended: its predictions of the held-out rows, or why not."""

    fold: int
    predictions: list[Any] | None
    error: str | None = None
    fit_time_s: float | None = None


@dataclass(frozen=True)
class ValidationCompleted:
    """A validation of an algorithm ended; `entry` is its `cells.validations` element."""

    index: int
    entry: dict[str, Any]
    fit_times_s: tuple[float, ...] = ()


@dataclass(frozen=True)
class AlgorithmCompleted:
    """An algorithm of an experiment ended; `entry` is its element of the result's data."""

    index: int
    entry: dict[str, Any]


@dataclass(frozen=True)
class StorePartialResult:
    """The experiment still runs a while after an algorithm ended: store its results so far."""


@dataclass(frozen=True)
class ScoreCrossValidation:
    """Ask the validation pool to score a cross-validation; it answers `CrossValidationScored`."""

    problem: str
    truths: list[list[Any]]
    predictions: list[list[Any]]
    labels: list[str] | None
    reply_to: Any  # pykka.ActorRef


@dataclass(frozen=True)
class CrossValidationScored:
    """The validation pool's answer: the cross-validation's score, or why it has none."""

    score: dict[str, Any] | None
    error: str | None = None
