"""The cluster backend: each job is a one-shot Chronos job running the algorithm's Docker image.

`submit` validates and posts the job (throttled); `status` finds it by exact
name and reads its state by the rules of contract §6 (`woken.chronos.status`). What
this backend adds to Chronos:

- a job Chronos does not list within `unseen_timeout_s` of its submission is
  LOST, and one that disappears after it was seen is LOST at once;
- Chronos has no per-job time limit: a job running longer than its timeout is
  killed and deleted here, and reported TIMED_OUT;
- a job that ended (or was cancelled, or timed out) is deleted from Chronos; its
  final state is remembered here, so `status` still answers after the deletion;
- a Chronos that stays unreachable or answers 5xx (after the client's retries)
  fails the job with Chronos's message instead of leaving it to hang.

The job's volume is the host directory `spec.volume` (seen by the agents at
`host_volumes_dir`, if that differs) mounted at `container_volume` (``/data``),
and ``JOB_VOLUME`` says the container path. `spec.pin_to_host` (the host that
ran the train job of a pair) becomes a ``hostname EQUALS`` constraint.

Logs: Chronos keeps none, and reports no exit code. The container's stderr is in
the Mesos sandbox of its task on the agent; when the agents' work directory is
readable from here (`mesos_work_dir`, single-host stacks) `logs` reads it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from woken.backends.base import JobSpec, JobStatus
from woken.backends.logs import tail
from woken.chronos.client import ChronosClient
from woken.chronos.errors import ChronosError, InvalidJob
from woken.chronos.model import ChronosJob, Constraint, Container, Volume, job_name
from woken.chronos.status import ChronosJobStatus, ChronosState
from woken.config.chronos import ChronosSettings
from woken.errors import BackendError
from woken.states import JobState

log = logging.getLogger(__name__)


@dataclass
class _Tracked:
    spec: JobSpec
    name: str
    submitted_at: float
    seen: bool = False
    running_since: float | None = None
    final: JobStatus | None = None
    last: JobStatus | None = None
    checked_at: float = 0.0
    on_chronos: bool = True


class ChronosBackend:
    """The backend that runs each job as a one-shot Chronos job."""

    name = "chronos"
    # Chronos tells nobody when a job ends: it is polled.
    pushes_changes = False

    def __init__(
        self,
        settings: ChronosSettings,
        client: ChronosClient | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.client = client or ChronosClient(
            settings.url, settings.api_version, timeout_s=settings.request_timeout_s,
            retries=settings.retries, backoff_s=settings.retry_backoff_s,
            submit_interval_s=settings.submit_interval_s,
        )
        self._clock = clock
        self._jobs: dict[str, _Tracked] = {}
        # Ended jobs Chronos could not delete (it was down): tried again later.
        self._undeleted: dict[str, _Tracked] = {}
        self._lock = threading.Lock()

    # The job Chronos gets

    def chronos_job(self, spec: JobSpec) -> ChronosJob:
        s = self.settings
        environment = {**spec.environment, "JOB_VOLUME": s.container_volume}
        resources = spec.resources
        return ChronosJob(
            name=job_name(spec.algorithm, spec.job_id),
            command=spec.command,
            container=Container(
                image=spec.docker_image,
                volumes=(Volume(s.container_volume, self.host_path(spec.volume), "RW"),),
                network=s.network,
                force_pull_image=s.force_pull_image,
                parameters=(("network", s.docker_network),) if s.docker_network else (),
            ),
            environment=tuple(sorted(environment.items())),
            cpus=float(resources.get("cpus", s.cpus)),
            mem=float(resources.get("mem", s.mem)),
            disk=float(resources.get("disk", s.disk)),
            owner=s.owner,
            description=f"Woken: {spec.algorithm} {spec.command}, job {spec.job_id}",
            constraints=(Constraint.on_host(spec.pin_to_host),) if spec.pin_to_host else (),
        )

    def host_path(self, volume: Path) -> str:
        """The volume's path on the agents."""
        s = self.settings
        if s.host_volumes_dir and s.volumes_dir is not None:
            try:
                return str(Path(s.host_volumes_dir) / volume.resolve().relative_to(s.volumes_dir))
            except ValueError:
                raise BackendError(f"volume {volume} is not under {s.volumes_dir}") from None
        return str(volume.resolve())

    # The Backend interface

    def submit(self, spec: JobSpec, on_change: Callable[[], None] | None = None) -> None:
        job = self.chronos_job(spec)
        self._retry_deletions()
        with self._lock:
            if spec.job_id in self._jobs:
                raise BackendError(f"job {spec.job_id} was already submitted")
            tracked = _Tracked(spec, job.name, self._clock())
            self._jobs[spec.job_id] = tracked
        try:
            self.client.submit(job)
        except InvalidJob as error:
            self._forget(spec.job_id)
            raise BackendError(str(error)) from error
        except ChronosError as error:
            # A 5xx may come after Chronos stored the job: do not leave it there.
            self._delete(tracked)
            self._forget(spec.job_id)
            raise BackendError(f"Chronos did not take job {job.name}: {error}") from error
        tracked.submitted_at = self._clock()
        log.info("job %s submitted to Chronos as %s", spec.job_id, job.name)

    def status(self, job_id: str) -> JobStatus:
        with self._lock:
            tracked = self._jobs.get(job_id)
        if tracked is None:
            return JobStatus(JobState.LOST, message=f"the Chronos backend has no job {job_id}")
        if tracked.final is not None:
            return tracked.final
        now = self._clock()
        fresh = now - tracked.checked_at < self.settings.status_min_interval_s
        if tracked.last is not None and fresh:
            return tracked.last
        try:
            seen = self.client.status(tracked.name)
        except ChronosError as error:
            return self._end(tracked, JobStatus(JobState.FAILED, message=str(error)))
        status = self._interpret(tracked, seen, now)
        tracked.last, tracked.checked_at = status, now
        if status.is_terminal:
            return self._end(tracked, status)
        return status

    def cancel(self, job_id: str) -> None:
        with self._lock:
            tracked = self._jobs.get(job_id)
        if tracked is None or tracked.final is not None:
            return
        self._end(tracked, JobStatus(JobState.CANCELLED, message="cancelled"), kill=True)

    def logs(self, job_id: str) -> str:
        with self._lock:
            tracked = self._jobs.get(job_id)
        if tracked is None:
            return ""
        stderr = self._sandbox_stderr(tracked.name)
        if stderr is not None:
            return tail(stderr, self.settings.stderr_tail_chars)
        return (
            f"(Chronos keeps no logs: the container's stderr is in the Mesos sandbox of task "
            f"'ct:…:{tracked.name}:' on the agent that ran it; see the Mesos UI)"
        )

    def forget(self, job_id: str) -> None:
        """Drop what the backend remembers of an ended job."""
        with self._lock:
            tracked = self._jobs.get(job_id)
            if tracked is not None and tracked.final is not None:
                del self._jobs[job_id]

    def close(self) -> None:
        with self._lock:
            unfinished = [t for t in self._jobs.values() if t.final is None]
        stopped = JobStatus(JobState.CANCELLED, message="Woken shut down")
        for n, tracked in enumerate(unfinished):
            self._end(tracked, stopped, kill=True)
            if tracked.on_chronos:  # Chronos is unreachable: do not wait on it once per job
                left = [t.name for t in unfinished[n:]]
                log.warning("Chronos is unreachable: %d job(s) left on it: %s", len(left),
                            ", ".join(left))
                for rest in unfinished[n + 1:]:
                    rest.final = stopped
                break
        else:
            self._retry_deletions()
        self.client.close()

    # Helpers

    def _interpret(self, tracked: _Tracked, seen: ChronosJobStatus, now: float) -> JobStatus:
        spec = tracked.spec
        if seen.state is ChronosState.LOST:
            if tracked.seen:
                tracked.on_chronos = False
                return JobStatus(JobState.LOST, message=f"Chronos no longer has job {tracked.name}")
            if now - tracked.submitted_at < self.settings.unseen_timeout_s:
                return JobStatus(JobState.QUEUED, message="submitted; Chronos does not list it yet")
            return JobStatus(JobState.LOST, message=(
                f"Chronos did not list job {tracked.name} within "
                f"{self.settings.unseen_timeout_s:g} s of its submission"
            ))
        tracked.seen = True
        if seen.state is ChronosState.SUCCEEDED:
            return JobStatus(JobState.SUCCEEDED, exit_code=0, message=seen.message)
        if seen.state is ChronosState.FAILED:
            return JobStatus(JobState.FAILED, message=(
                f"{seen.message} (Chronos does not report exit codes)"
            ))
        if seen.state is ChronosState.RUNNING:
            if tracked.running_since is None:
                tracked.running_since = now
            elif now - tracked.running_since > spec.timeout_s:
                return JobStatus(
                    JobState.TIMED_OUT, message=f"killed after its timeout of {spec.timeout_s:g} s"
                )
            return JobStatus(JobState.RUNNING, message=seen.message)
        return JobStatus(JobState.QUEUED, message=seen.message)

    def _end(self, tracked: _Tracked, status: JobStatus, kill: bool = False) -> JobStatus:
        """Record the final state, then make sure Chronos keeps nothing of the job."""
        with self._lock:
            if tracked.final is not None:
                return tracked.final
            tracked.final = status
        if kill or status.state is JobState.TIMED_OUT:
            try:
                if self.client.find(tracked.name) is not None:
                    self.client.kill(tracked.name)
            except ChronosError as error:
                log.warning("could not kill the tasks of %s: %s", tracked.name, error)
        self._delete(tracked)
        log.info("job %s (%s) ended: %s %s", tracked.spec.job_id, tracked.name,
                 status.state.value, status.message)
        return status

    def _delete(self, tracked: _Tracked) -> None:
        if not tracked.on_chronos:
            return
        try:
            self.client.delete(tracked.name)
            tracked.on_chronos = False
        except ChronosError as error:
            log.warning("could not delete %s from Chronos: %s", tracked.name, error)
            with self._lock:
                self._undeleted[tracked.name] = tracked
            return
        with self._lock:
            self._undeleted.pop(tracked.name, None)

    def _retry_deletions(self) -> None:
        with self._lock:
            pending = list(self._undeleted.values())
        for tracked in pending:
            self._delete(tracked)

    def _forget(self, job_id: str) -> None:
        with self._lock:
            self._jobs.pop(job_id, None)

    def _sandbox_stderr(self, name: str) -> Path | None:
        """The newest Mesos sandbox stderr of this job's tasks, if the work dir is readable."""
        if not self.settings.mesos_work_dir:
            return None
        root = Path(self.settings.mesos_work_dir)
        pattern = f"slaves/*/frameworks/*/executors/ct:*:{name}:*/runs/latest/stderr"
        found = sorted(root.glob(pattern), key=lambda p: p.stat().st_mtime)
        return found[-1] if found else None
