"""Messages between actors: commands in the imperative, events in the past tense."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from woken.storage.database import StoredResult
from woken.storage.models import JobState


@dataclass(frozen=True)
class StartJob:
    """Persist, submit and watch the coordinator's job."""


@dataclass(frozen=True)
class PollStatus:
    """Ask the backend how the job is doing."""


@dataclass(frozen=True)
class CancelJob:
    reason: str = "cancelled by the client"


@dataclass(frozen=True)
class JobEnded:
    """A job reached a terminal state; its result (or error) is stored."""

    job_id: str
    state: JobState
    result: StoredResult
    volume: Path

    @property
    def succeeded(self) -> bool:
        return self.state is JobState.SUCCEEDED and self.result.error is None
