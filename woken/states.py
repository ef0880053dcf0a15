"""The states of a job and of an experiment: upper-case members, lower-case values.

Coarse states, as Prefect and Airflow have them; the detail (exit code, message)
lives beside them in woken-db. Backends, actors, storage and the API share them.
"""

from __future__ import annotations

from enum import StrEnum


class JobState(StrEnum):
    """A job's coarse state; detail (exit code, message) lives in the row's other columns.

    Terminal states: SUCCEEDED, FAILED, TIMED_OUT, CANCELLED, LOST, SKIPPED.

    SKIPPED is a planned job that will never run because what it needed failed (the
    `test` of a failed `train`, the rest of an experiment that ended); its message says
    why. A planned job of a cancelled experiment ends CANCELLED instead.
    """

    PENDING = "pending"
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    TIMED_OUT = "timed_out"
    CANCELLED = "cancelled"
    LOST = "lost"
    SKIPPED = "skipped"

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL_JOB_STATES


TERMINAL_JOB_STATES = frozenset(
    {JobState.SUCCEEDED, JobState.FAILED, JobState.TIMED_OUT, JobState.CANCELLED, JobState.LOST,
     JobState.SKIPPED}
)


class ExperimentState(StrEnum):
    """An experiment's coarse state. Terminal: COMPLETED, CANCELLED, FAILED.

    COMPLETED means every algorithm has an answer: a result or its own error.
    FAILED means Woken could not run the experiment at all (its `error` says why).
    """

    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    FAILED = "failed"

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL_EXPERIMENT_STATES


TERMINAL_EXPERIMENT_STATES = frozenset(
    {ExperimentState.COMPLETED, ExperimentState.CANCELLED, ExperimentState.FAILED}
)
