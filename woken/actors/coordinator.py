"""CoordinatorActor: one job, from submission to its stored result.

State diagram::

    IDLE ──StartJob──▶ QUEUED ──PollStatus|JobChanged (backend: running)──▶ RUNNING
                         │                                        │
                         │ PollStatus|JobChanged (backend: ended) │ PollStatus|JobChanged
                         ▼                                        ▼
               DONE (result stored, reply sent)  ◀────────────────┘
    QUEUED / RUNNING ──StateTimeout──▶ FAILED   (job cancelled on the backend, error stored)
    QUEUED / RUNNING ──Cancel────▶ CANCELLED (job cancelled, error stored)
    any state ──handler raised──▶ crash: error stored if possible, reply sent

Terminal states: DONE, FAILED, CANCELLED. Every path ends with exactly one call
of `reply(JobEnded)`: the caller never waits forever.

RUNNING is written into woken-db only once the job has run for
`RUNNING_RECORD_DELAY_S` (RecordRunning): most jobs end before, and their end
writes their start time with their result (one transaction fewer per job). A
resumed Woken treats a queued and a running job alike (both are run again).

PollStatus is the timer's tick (it schedules the next one); JobChanged is the
backend's own word that the job started or ended (a backend that pushes changes
is polled only as a safety net, every `poll_interval_max_s`).

The job's state comes from the backend (`status`), not from the results table:
a job that dies without writing a result is seen, and reported with its exit
code and the tail of its stderr.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from woken.actors.context import ActorContext
from woken.actors.fsm import FsmActor, StateTimeout, on, tell_quietly
from woken.actors.messages import (
    Cancel,
    JobChanged,
    JobEnded,
    PollStatus,
    RecordRunning,
    StartJob,
)
from woken.algorithms.common.volume import read_json, result_path
from woken.backends.base import JobSpec, JobStatus
from woken.container.job_environment import job_environment
from woken.container.job_errors import crash_message, server_directories, user_error
from woken.container.volumes import write_inputs
from woken.errors import WorkInterrupted
from woken.planning.job_plan import JobPlan
from woken.states import JobState
from woken.storage.database import ResultRow, StoredResult
from woken.storage.fencing import lease_owner
from woken.storage.leases import lease_expiry
from woken.storage.tables import Job, utc_now

log = logging.getLogger(__name__)

# How long past its own timeout a running job may go unreported before Woken gives up on it.
RUNNING_GRACE_S = 30.0
# How long a job runs before its RUNNING state is written (a shorter one writes only its end).
RUNNING_RECORD_DELAY_S = 0.25
ERROR_SHAPE = "error"


class CoordinatorState(StrEnum):
    """The states of a CoordinatorActor (diagram in the module docstring)."""

    IDLE = "idle"
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class CoordinatorActor(FsmActor):
    """One job: submitted, watched on its backend, its result stored, its end replied."""

    initial_state = CoordinatorState.IDLE
    terminal_states = frozenset(
        {CoordinatorState.DONE, CoordinatorState.FAILED, CoordinatorState.CANCELLED}
    )

    def __init__(
        self,
        services: ActorContext,
        plan: JobPlan,
        job_id: str,
        volume: Path,
        reply: Callable[[JobEnded], None],
        command: str = "compute",
        experiment_id: str | None = None,
        step: str | None = None,
        pin_to_host: str | None = None,
    ) -> None:
        super().__init__()
        self.services = services
        self.plan = plan
        self.job_id = job_id
        self.volume = volume
        self.command = command
        self.experiment_id = experiment_id
        self.step = step
        self.pin_to_host = pin_to_host
        # Whose lease covers the job: given with each write of its state.
        self.lease_owner = lease_owner(job_id, experiment_id)
        self._running_since: float | None = None
        # When the backend was first seen running it; None once written into woken-db.
        self._started_at: datetime | None = None
        self._reply = reply
        self._poll_interval = services.config.poll_interval_min_s

    @property
    def node(self) -> str:
        return self.services.config.node

    def queued_row(self) -> Job:
        """The job's row before it is submitted.

        Written once, already queued: if the submit fails, the crash handler stores the
        failure (one commit per job start instead of two).
        """
        return self.row_of(self.services, self.plan, self.job_id, self.volume, self.command,
                           self.experiment_id, self.step)

    @staticmethod
    def row_of(services: ActorContext, plan: JobPlan, job_id: str, volume: Path,
               command: str = "compute", experiment_id: str | None = None,
               step: str | None = None) -> Job:
        """`queued_row` of the coordinator these arguments start, without asking it."""
        # An experiment's job points to its experiment, which holds the request.
        request = (
            plan.step_request(experiment_id, step or "") if experiment_id else plan.request
        )
        return Job.pending(
            job_id, algorithm=plan.algorithm.code, command=command,
            node=services.config.node, backend=services.backend.name, request=request,
            volume=volume, timeout_s=plan.timeout_s,
            experiment_id=experiment_id, step=step,
            context=None if experiment_id or plan.context is None else plan.context.to_json(),
            lease_expires_at=(
                None if experiment_id else lease_expiry(services.config.lease_s)
            ),
            state=JobState.QUEUED,
        )

    @on(CoordinatorState.IDLE, message=StartJob)
    def start_job(self, message: StartJob) -> None:
        config = self.services.config
        if message.stored is None:
            self.services.woken_db.add_job(self.queued_row())
        elif message.stored is JobState.PENDING:
            # The row is the one `queued_row` would write, but for its state.
            self.services.woken_db.set_job_state(self.job_id, JobState.QUEUED,
                                                 owner=self.lease_owner)
        if self.command != "test":  # `test` runs on the volume its `train` filled
            write_inputs(self.volume, self.plan, self.job_id)
        self.services.backend.submit(JobSpec(
            job_id=self.job_id,
            algorithm=self.plan.algorithm.code,
            docker_image=self.plan.algorithm.docker_image,
            entrypoint=self.plan.algorithm.entrypoint,
            command=self.command,
            volume=self.volume,
            environment=job_environment(
                self.plan, self.job_id, self.node, str(self.volume), self._legacy_databases()
            ),
            timeout_s=self.plan.timeout_s,
            resources=self.plan.algorithm.resources,
            pin_to_host=self.pin_to_host,
        ), on_change=self._backend_changed)
        self._schedule_poll()
        self.go_to(CoordinatorState.QUEUED, timeout_s=config.queue_timeout_s)

    @on(CoordinatorState.QUEUED, CoordinatorState.RUNNING, message=PollStatus)
    def poll_status(self, _: PollStatus) -> CoordinatorState | None:
        next_state = self._check_status()
        if next_state is None:
            self._schedule_poll()
        return next_state

    @on(CoordinatorState.QUEUED, CoordinatorState.RUNNING, message=JobChanged)
    def job_changed(self, _: JobChanged) -> CoordinatorState | None:
        return self._check_status()  # the polls already scheduled go on as a safety net

    @on(CoordinatorState.RUNNING, message=RecordRunning)
    def record_running(self, _: RecordRunning) -> None:
        started_at, self._started_at = self._started_at, None
        self.services.woken_db.set_job_state(self.job_id, JobState.RUNNING, started_at=started_at,
                                             owner=self.lease_owner)

    @on(CoordinatorState.QUEUED, CoordinatorState.RUNNING, message=StateTimeout)
    def give_up(self, timeout: StateTimeout) -> CoordinatorState:
        self.services.backend.cancel(self.job_id)
        waited = "to start" if timeout.state == CoordinatorState.QUEUED else "to end"
        self._finish(JobStatus(
            JobState.LOST,
            message=f"the {self.services.backend.name} backend did not report the job {waited} "
                    "in time; it was cancelled",
        ))
        return CoordinatorState.FAILED

    @on(CoordinatorState.QUEUED, CoordinatorState.RUNNING, message=Cancel)
    def cancel(self, message: Cancel) -> CoordinatorState:
        self.services.backend.cancel(self.job_id)
        self._finish(JobStatus(JobState.CANCELLED, message=message.reason))
        return CoordinatorState.CANCELLED

    def on_stop(self) -> None:
        super().on_stop()
        # The outcome is stored: the backend need not remember the job any longer.
        self.services.backend.forget(self.job_id)

    def on_crash(self, error: BaseException) -> None:
        # The user gets the cause, less the hosts, paths and credentials it may quote; the
        # log (on_failure) has the traceback.
        status = JobStatus(JobState.FAILED,
                           message=crash_message("job", error, self.services.config))
        try:
            self.services.backend.cancel(self.job_id)
            if isinstance(error, WorkInterrupted):
                # Adopted by another instance, or woken-db away: this copy writes nothing
                # more, and its job is killed (the one resuming it runs it again).
                self.services.backend.forget(self.job_id)
                raise error
            self._finish(status)
        except Exception as failed:
            if not isinstance(failed, WorkInterrupted):
                log.exception("%s: could not store the failure of job %s", self.name, self.job_id)
            self._send_reply(JobEnded(self.job_id, JobState.FAILED, StoredResult(
                job_id=self.job_id, node=self.node, timestamp=utc_now(),
                function=self.plan.algorithm.code, shape=ERROR_SHAPE, data=None,
                error=status.message,
            ), self.volume))

    # Helpers

    def _backend_changed(self) -> None:
        """Called by the backend's thread: only tells this actor to look."""
        tell_quietly(self.actor_ref, JobChanged())

    def _check_status(self) -> CoordinatorState | None:
        status = self.services.backend.status(self.job_id)
        if status.is_terminal:
            self._finish(status)
            return CoordinatorState.DONE
        if status.state is JobState.RUNNING and self.state is CoordinatorState.QUEUED:
            self._running_since = time.monotonic()
            self._started_at = utc_now()
            self.tell_self_later(RUNNING_RECORD_DELAY_S, RecordRunning())
            # A short job ends soon after it starts: poll from the shortest interval again.
            self._poll_interval = self.services.config.poll_interval_min_s
            self.go_to(CoordinatorState.RUNNING, timeout_s=self.plan.timeout_s + RUNNING_GRACE_S)
        return None

    def _legacy_databases(self) -> dict[str, str] | None:
        """Legacy MIP images read the features database and write woken-db themselves."""
        if not self.plan.algorithm.legacy_database:
            return None
        config = self.services.config
        return {"IN": config.features_db, "OUT": config.woken_db}

    def _schedule_poll(self) -> None:
        config = self.services.config
        if self.services.backend.pushes_changes:
            # The backend tells of every change: polling is only a safety net.
            self.tell_self_later(config.poll_interval_max_s, PollStatus())
            return
        self.tell_self_later(self._poll_interval, PollStatus())
        self._poll_interval = min(self._poll_interval * 2, config.poll_interval_max_s)

    def _finish(self, status: JobStatus) -> None:
        """Store the job's result or error, record its final state, and reply."""
        collected = self._collect(status)
        state = status.state if collected.error is None else _failed_state(status.state)
        db = self.services.woken_db
        if isinstance(collected, ResultRow):
            # The result and the job's final state in one transaction.
            result = db.finish_job(self.job_id, state, collected, exit_code=status.exit_code,
                                   message=collected.error, host=status.host,
                                   started_at=self._started_at, owner=self.lease_owner)
        else:
            result = collected
            db.set_job_state(self.job_id, state, exit_code=status.exit_code,
                             message=result.error, host=status.host, started_at=self._started_at,
                             owner=self.lease_owner)
        # The backend's own figure when it has one: a short job may end between two polls.
        duration = status.runtime_s
        if duration is None and self._running_since is not None:
            duration = time.monotonic() - self._running_since
        self._send_reply(
            JobEnded(self.job_id, state, result, self.volume, duration, host=status.host)
        )

    def _collect(self, status: JobStatus) -> ResultRow | StoredResult:
        """The result to store, or the one a legacy image stored itself."""
        db, algorithm = self.services.woken_db, self.plan.algorithm
        document, problem = self._read_result_file()
        if status.state is JobState.SUCCEEDED:
            if document is not None:
                return ResultRow(
                    job_id=self.job_id, node=self.node, function=algorithm.code,
                    shape=str(document.get("shape") or ERROR_SHAPE), data=document.get("data"),
                    error=document.get("error"), parameters=self.plan.parameters,
                )
            if algorithm.legacy_database:
                legacy = db.get_result(self.job_id, self.node)
                if legacy is not None:
                    return legacy
            error = f"algorithm '{algorithm.code}' exited with 0 but wrote no result: {problem}"
        else:
            cause = f"algorithm '{algorithm.code}' {_describe(status)}"
            if document is not None and document.get("error"):
                cause += f": {document['error']}"
            # One line for the user; the whole stderr stays in the job's log file.
            error = user_error(cause, self.services.backend.logs(self.job_id), self._hidden())
        return ResultRow(
            job_id=self.job_id, node=self.node, function=algorithm.code, shape=ERROR_SHAPE,
            error=error, parameters=self.plan.parameters,
        )

    def _hidden(self) -> dict[Path, str]:
        return server_directories(self.services.config)

    def _read_result_file(self) -> tuple[dict | None, str]:
        path = result_path(self.volume, self.command)
        try:
            document = read_json(path)
        except FileNotFoundError:
            return None, f"no {path.relative_to(self.volume)} in its volume"
        except (OSError, ValueError) as error:
            return None, f"unreadable {path.name}: {error}"
        if not isinstance(document, dict):
            return None, f"{path.name} is not a JSON object"
        return document, ""

    def _send_reply(self, ended: JobEnded) -> None:
        self.report_once(lambda: self._reply(ended))


def _describe(status: JobStatus) -> str:
    if status.state is JobState.FAILED and status.exit_code is not None:
        return f"failed with exit code {status.exit_code}"
    if status.state is JobState.TIMED_OUT:
        return f"timed out: {status.message}"
    if status.state is JobState.CANCELLED:
        return f"was cancelled: {status.message}"
    if status.state is JobState.LOST:
        return f"was lost: {status.message}"
    return f"failed: {status.message}"


def _failed_state(state: JobState) -> JobState:
    """A job that exited 0 without a usable result counts as failed."""
    return JobState.FAILED if state is JobState.SUCCEEDED else state

