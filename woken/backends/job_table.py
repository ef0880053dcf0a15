"""The jobs one backend knows, under one lock: shared by the local, Dask and Kubernetes backends.

A backend adds a job when it is submitted, finds it by id, and forgets it once it
has ended and its coordinator has stored the outcome (`Backend.forget`), so that
the table does not grow for the life of the process. Once closed, it takes no new
job. The lock is the backend's own (reentrant): the backend holds it for its own
state changes too.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Generic, Protocol, TypeVar

from woken.backends.base import JobSpec, JobStatus, notify_change, runtime_so_far
from woken.errors import BackendError
from woken.states import JobState


class TrackedJob(Protocol):
    """What the table reads of a backend's own record of a job."""

    spec: JobSpec
    state: JobState
    on_change: Callable[[], None] | None


class TimedJob(TrackedJob, Protocol):
    """A job whose record keeps its outcome and its run time (the Dask and Kubernetes ones)."""

    exit_code: int | None
    message: str
    started: float | None
    runtime_s: float | None


J = TypeVar("J", bound=TrackedJob)


class JobTable(Generic[J]):
    """A backend's jobs by id; `lock` guards them and the backend's other state."""

    def __init__(self, backend: str, lock: threading.RLock | threading.Condition) -> None:
        self.backend = backend
        self.lock = lock
        self.jobs: dict[str, J] = {}
        self.closed = False

    def add(self, job: J, replace_ended: bool = False) -> J:
        """Take a submitted job; BackendError once closed, or for an id already taken.

        With `replace_ended`, an id whose job has ended (and was not forgotten) is taken
        again: the job runs anew.
        """
        with self.lock:
            if self.closed:
                raise BackendError(f"the {self.backend} backend is shut down")
            known = self.jobs.get(job.spec.job_id)
            if known is not None and not (replace_ended and known.state.is_terminal):
                raise BackendError(f"job {job.spec.job_id} was already submitted")
            self.jobs[job.spec.job_id] = job
            return job

    def get(self, job_id: str) -> J | None:
        with self.lock:
            return self.jobs.get(job_id)

    def unended(self, job_id: str) -> J | None:
        """The job, if the backend has it and it has not ended (what a cancel may stop)."""
        with self.lock:
            job = self.jobs.get(job_id)
            return None if job is None or job.state.is_terminal else job

    def unknown(self, job_id: str) -> JobStatus:
        """The status of a job the backend does not have (never had, or forgot)."""
        return JobStatus(JobState.LOST, message=f"the {self.backend} backend has no job {job_id}")

    def forget(self, job_id: str) -> J | None:
        """Drop what the backend remembers of an ended job; the job dropped, if any."""
        with self.lock:
            job = self.jobs.get(job_id)
            if job is None or not job.state.is_terminal:
                return None
            del self.jobs[job_id]
            return job

    def close(self) -> list[J]:
        """Take no more jobs; the ones not ended yet, for the backend to stop."""
        with self.lock:
            self.closed = True
            return [job for job in self.jobs.values() if not job.state.is_terminal]

    def __iter__(self) -> Iterator[J]:
        """The jobs (the caller holds the lock)."""
        return iter(self.jobs.values())


def job_status(job: TimedJob, host: str | None) -> JobStatus:
    """What the backend says of a job it has (under its lock)."""
    return JobStatus(job.state, job.exit_code, job.message, host=host,
                     runtime_s=runtime_so_far(job.runtime_s, job.started))


def notify(job: TrackedJob) -> None:
    """Tell whoever waits on the job that it changed (`base.notify_change`)."""
    notify_change(job.spec.job_id, job.on_change)
