"""The interface every backend implements: submit, status, cancel, logs."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from woken.states import JobState

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobSpec:
    """One run of an algorithm container: what a backend needs and nothing more."""

    job_id: str
    algorithm: str
    docker_image: str
    entrypoint: Path
    command: str
    volume: Path
    environment: dict[str, str]
    timeout_s: float
    resources: dict[str, float] = field(default_factory=dict)
    # The host that ran the first job of a train/test pair: the second must run there too
    # (a backend with one host, like the local one, ignores it).
    pin_to_host: str | None = None


@dataclass(frozen=True)
class JobStatus:
    """A job's state on its backend, with its exit code, message, host and runtime when known."""

    state: JobState
    exit_code: int | None = None
    message: str = ""
    host: str | None = None
    # How long the job has run (or ran), when the backend knows it.
    runtime_s: float | None = None

    @property
    def is_terminal(self) -> bool:
        return self.state.is_terminal


class Backend(Protocol):
    """What Woken asks of a backend: submit a job, then its status, cancel, logs and forget."""

    name: str

    # True if the backend calls `on_change` whenever a job starts or ends: its callers
    # then poll only as a safety net. A backend that must be asked (Chronos) is polled.
    pushes_changes: bool

    def submit(self, spec: JobSpec, on_change: Callable[[], None] | None = None) -> None:
        """Accept the job; it runs when the backend has room. Raises BackendError.

        `on_change` must be quick and must not call the backend back (it only tells an
        actor to ask for the status).
        """

    def status(self, job_id: str) -> JobStatus:
        """The job's state now; LOST for a job the backend does not know."""

    def cancel(self, job_id: str) -> None:
        """Stop the job if it has not ended; no error if it has."""

    def logs(self, job_id: str) -> str:
        """The tail of the job's error output, for error messages."""

    def forget(self, job_id: str) -> None:
        """Drop what the backend remembers of an ended job (its caller stored the outcome).

        A job that has not ended is kept: forgetting never loses a running job.
        """

    def close(self) -> None:
        """Stop every job and release resources (service shutdown)."""


def notify_change(job_id: str, on_change: Callable[[], None] | None) -> None:
    """Call a job's change callback; its failure is logged, never raised into the backend."""
    if on_change is None:
        return
    try:
        on_change()
    except Exception:
        log.exception("job %s: its change callback failed", job_id)


def runtime_so_far(final_s: float | None, started: float | None) -> float | None:
    """A job's runtime: its final one when known, else the time since it started (monotonic)."""
    if final_s is None and started is not None:
        return time.monotonic() - started
    return final_s
