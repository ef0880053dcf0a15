"""The Dask backend: each job is one Dask task running the algorithm's entrypoint on a worker.

Warm workers (`warm_workers`, the default): a worker plugin keeps a fork server on
each worker, and the task of a Python algorithm (`woken.backends.dask_warm.run_forked`)
forks its process from it, as the local backend's fork launcher does. Otherwise the
task (`woken.backends.job_process.run_entrypoint`, standard library only) runs the
entrypoint as a subprocess with the job's command and environment. Both are
shipped by value, so workers need the algorithms, not Woken. Its volume:

- by default the input files travel with the task: Woken reads the job's volume
  into the task's arguments, the worker recreates it in a fresh temporary
  directory, and the files the job created or changed come back and are written
  into the volume, where Woken reads the result as with any backend;
- with `shared_volumes_dir` (where the workers see Woken's volumes root) the job
  runs in place.

Placement: `JobSpec.pin_to_host` (the worker that ran the train of a pair) becomes
``workers=[address], allow_other_workers=False``; `JobStatus.host` is the address
of the worker that ran the job. A pinned worker that has gone is not waited for:
the inputs travel (or are shared), so the job runs anywhere. An algorithm's
resources (``cpus``, ``mem``) become Dask resources when some worker declares them.

Faults (no wait without a timeout):
- a worker that dies while it holds the job: the job is resubmitted once when that
  is safe (its files travel: a presumed-dead worker cannot write into the volume),
  otherwise FAILED with the worker's address as the cause;
- a scheduler that cannot be reached: each job submitted meanwhile FAILs at once
  with the reason (one connection attempt per `connect_timeout_s`); one lost for
  longer than `connect_timeout_s` fails the jobs it held; the next submission
  connects again;
- cancel sets a Dask `Event` that the task polls: it kills the job's process group.

The client is a synchronous `distributed.Client` with its own event-loop thread,
used from the actors' threads and from this backend's monitor thread, never from
the aiohttp loop. The monitor asks the scheduler which jobs are running where
(`processing`, then `call_stack` for those not yet known to run), collects
finished tasks and pushes every change through `on_change`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cloudpickle
from distributed import Client, Event, Future
from distributed.security import Security

from woken.backends import dask_warm, job_process
from woken.backends.base import JobSpec, JobStatus
from woken.backends.job_table import JobTable, job_status, notify
from woken.backends.launch import FORK_SERVER_ALLOCATOR, SERVER_SCRIPT, forkable_module
from woken.backends.logs import tail
from woken.config.dask import DaskSettings
from woken.errors import BackendError
from woken.states import JobState

log = logging.getLogger(__name__)

# Workers get the task's modules by value: they need the algorithms, not Woken.
cloudpickle.register_pickle_by_value(job_process)
cloudpickle.register_pickle_by_value(dask_warm)
# The folder holding Woken's `algorithms` package: an entrypoint under it can be forked.
ALGORITHMS_ROOT = Path(__file__).resolve().parents[2]

# The manifest's resources a worker may declare (``dask worker --resources "cpus=4,mem=8192"``).
RESOURCE_NAMES = ("cpus", "mem")


def security(settings: DaskSettings) -> Security | None:
    """The TLS settings of a ``tls://`` scheduler, or None for plain TCP."""
    if not (settings.tls_ca_file or settings.tls_cert_file or settings.tls_key_file):
        return None
    return Security(tls_ca_file=settings.tls_ca_file or None,
                    tls_client_cert=settings.tls_cert_file or None,
                    tls_client_key=settings.tls_key_file or None,
                    require_encryption=True)


@dataclass
class _DaskJob:
    spec: JobSpec
    on_change: Callable[[], None] | None
    future: Future | None = None
    attempt: int = 0
    state: JobState = JobState.QUEUED
    exit_code: int | None = None
    message: str = ""
    # The worker the job is assigned to (then ran on).
    worker: str | None = None
    started: float | None = None
    runtime_s: float | None = None
    resubmitted: bool = False
    # How its process was started on the worker: "fork" (a warm worker) or "exec".
    launcher: str | None = None
    # Why it was resubmitted (said in its final message).
    history: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"woken-{self.spec.job_id}-{self.attempt}"


class DaskBackend:
    """The backend that runs each job as a Dask task on a worker of a distributed cluster."""

    name = "dask"
    pushes_changes = True

    def __init__(self, settings: DaskSettings):
        self.settings = settings
        self._table: JobTable[_DaskJob] = JobTable(self.name, threading.RLock())
        self._jobs, self._lock = self._table.jobs, self._table.lock
        self._connect_lock = threading.Lock()
        self._client: Client | None = None
        # The last failed connection: (when, why); jobs meanwhile fail with its reason.
        self._unreachable: tuple[float, str] | None = None
        self._lost_since: float | None = None
        # Cancelled jobs whose task may still be killing its process: their Events are
        # cleared once it has ended.
        self._draining: dict[str, tuple[Future, float]] = {}
        self._wake = threading.Event()
        self._monitor = threading.Thread(target=self._watch, name="dask-backend", daemon=True)
        self._monitor.start()

    # The Backend interface

    def submit(self, spec: JobSpec, on_change: Callable[[], None] | None = None) -> None:
        job = self._table.add(_DaskJob(spec, on_change))
        try:
            client = self._connected()
            self._send(client, job, spec.pin_to_host)
        except Exception as error:  # whatever it is, the job says it and nothing hangs
            message = str(error) if isinstance(error, BackendError) else (
                f"could not submit it to the Dask scheduler: {error!r}")
            with self._lock:
                self._end(job, JobState.FAILED, None, message)

    def status(self, job_id: str) -> JobStatus:
        with self._lock:
            job = self._jobs.get(job_id)
            return self._table.unknown(job_id) if job is None else job_status(job, job.worker)

    def cancel(self, job_id: str) -> None:
        with self._lock:
            job = self._table.unended(job_id)
            if job is None:
                return
            future = job.future
            self._end(job, JobState.CANCELLED, None, "cancelled")
        if future is not None:
            self._stop_task(job_id, future)

    def logs(self, job_id: str) -> str:
        return tail(self.settings.logs_dir / f"{job_id}.stderr", self.settings.stderr_tail_chars)

    def forget(self, job_id: str) -> None:
        self._table.forget(job_id)

    def close(self) -> None:
        with self._lock:
            unfinished = self._table.close()
            running = [(j.spec.job_id, j.future) for j in unfinished if j.future is not None]
            for job in unfinished:
                self._end(job, JobState.CANCELLED, None, "Woken is shutting down")
        for job_id, future in running:
            if future is not None:
                self._stop_task(job_id, future)
        self._wake.set()
        self._monitor.join(timeout=10)
        client, self._client = self._client, None
        if client is not None:
            _close_client(client, self.settings.connect_timeout_s)

    # What tests look at

    def launcher_of(self, job_id: str) -> str | None:
        """How the job's process was started on its worker: "fork", "exec" (None before)."""
        with self._lock:
            job = self._jobs.get(job_id)
            return None if job is None else job.launcher

    def worker_of(self, job_id: str) -> str | None:
        with self._lock:
            job = self._jobs.get(job_id)
            return None if job is None else job.worker

    # Connection

    def _connected(self) -> Client:
        """The client, connected; BackendError if the scheduler cannot be reached."""
        with self._connect_lock:
            client = self._client
            if client is not None and client.status == "running":
                return client
            now = time.monotonic()
            if self._unreachable and now - self._unreachable[0] < self.settings.connect_timeout_s:
                raise BackendError(self._unreachable[1])
            if client is not None:
                _close_client(client, self.settings.connect_timeout_s)
                self._client = None
            address = self.settings.scheduler_address
            try:
                client = Client(address, timeout=self.settings.connect_timeout_s,
                                security=security(self.settings), set_as_default=False)
            except (OSError, TimeoutError, ValueError) as error:
                reason = (f"the Dask scheduler at {address} cannot be reached "
                          f"(connect timeout {self.settings.connect_timeout_s:g} s): {error}")
                self._unreachable = (time.monotonic(), reason)
                log.error("%s", reason)
                raise BackendError(reason) from error
            self._client, self._unreachable, self._lost_since = client, None, None
            if self.settings.warm_workers:
                self._warm(client)
            log.info("connected to the Dask scheduler at %s", address)
            return client

    def _warm(self, client: Client) -> None:
        """Each worker, present and future, keeps a fork server (`dask_warm`)."""
        plugin = dask_warm.WarmWorkers(SERVER_SCRIPT.read_text(encoding="utf-8"),
                                       FORK_SERVER_ALLOCATOR)
        try:
            client.register_plugin(plugin, name=dask_warm.PLUGIN_NAME)
        except Exception as error:  # the jobs are exec'd instead: slower, not wrong
            log.warning("the Dask workers could not be warmed (jobs are exec'd): %s", error)

    def _workers(self, client: Client) -> dict[str, dict[str, Any]]:
        identity = _ask(client, "identity", self.settings.connect_timeout_s, n_workers=-1)
        return dict(identity.get("workers", {}))

    # Submission

    def _send(self, client: Client, job: _DaskJob, pin: str | None) -> None:
        spec, settings = job.spec, self.settings
        # The workers' identities only matter to a pinned job, or one that asks resources
        # (a request to the scheduler spared for the others).
        wanted = {k for k in spec.resources if k in RESOURCE_NAMES}
        workers = self._workers(client) if pin or wanted else {}
        placement: dict[str, Any] = {}
        if pin and pin in workers:
            placement = {"workers": [pin], "allow_other_workers": False}
        elif pin:
            job.history.append(f"its pinned worker {pin} had gone; it ran on another")
        resources = _dask_resources(spec.resources, workers)
        workdir = self._shared_workdir(spec.volume)
        inputs = None if workdir is not None else _read_files(spec.volume)
        module = (forkable_module(spec.entrypoint, ALGORITHMS_ROOT)
                  if settings.warm_workers else None)
        task: tuple[Any, ...] = (
            (dask_warm.run_forked, spec.job_id, module) if module else
            (job_process.run_entrypoint, spec.job_id))
        future = client.submit(
            *task, str(spec.entrypoint), spec.command,
            spec.environment, spec.timeout_s, job_process.RunOptions(
                inputs=inputs, workdir=workdir,
                should_stop=Event(_stop_event(spec.job_id), client=client).is_set,
                stop_poll_s=settings.cancel_poll_s, kill_grace_s=settings.kill_grace_s,
                tail_bytes=settings.stderr_tail_chars * 4),
            key=job.key, pure=False, retries=0, resources=resources or None, **placement,
        )
        future.add_done_callback(lambda _: self._wake.set())
        with self._lock:
            job.future = future
        log.info("job %s (%s %s) submitted to Dask as %s%s", spec.job_id, spec.algorithm,
                 spec.command, job.key, f" on {pin}" if placement else "")

    def _shared_workdir(self, volume: Path) -> str | None:
        shared, root = self.settings.shared_volumes_dir, self.settings.volumes_dir
        if not shared or root is None:
            return None
        return str(Path(shared) / volume.resolve().relative_to(root.resolve()))

    def _stop_task(self, job_id: str, future: Future) -> None:
        """Tell the task to kill its process; forget the future once it has ended."""
        client = self._client
        if client is None:
            return
        try:
            Event(_stop_event(job_id), client=client).set()
        except Exception as error:  # the scheduler is gone: so are its tasks' futures
            log.warning("job %s: could not tell its task to stop: %s", job_id, error)
            return
        with self._lock:
            self._draining[job_id] = (future, time.monotonic())

    # The monitor thread

    def _watch(self) -> None:
        while not self._table.closed:
            self._wake.wait(self.settings.monitor_interval_s)
            self._wake.clear()
            try:
                self._tick()
            except Exception:
                log.exception("the dask backend's monitor failed a round")

    def _tick(self) -> None:
        client = self._client
        with self._lock:
            active = [j for j in self._jobs.values()
                      if not j.state.is_terminal and j.future is not None]
        if client is None or (not active and not self._draining):
            return
        for job in active:
            if job.future is not None and job.future.done():
                self._collect(client, job)
        try:
            processing = _ask(client, "processing", self.settings.connect_timeout_s, workers=None)
        except Exception as error:
            self._scheduler_silent(client, error)
            return
        self._lost_since = None
        self._place(client, {w: set(keys) for w, keys in processing.items()})
        self._drain(client)

    def _place(self, client: Client, processing: dict[str, set[str]]) -> None:
        """Note which jobs run where; deal with jobs whose worker has gone."""
        where = {key: worker for worker, keys in processing.items() for key in keys}
        with self._lock:
            active = [j for j in self._jobs.values()
                      if not j.state.is_terminal and j.future is not None
                      and not j.future.done()]
        unknown = []
        for job in active:
            worker = where.get(job.key)
            if job.worker is not None and job.worker not in processing:
                self._worker_died(client, job, job.worker)
            elif worker is not None and job.state is JobState.QUEUED:
                unknown.append(job)
            elif (worker is None and job.spec.pin_to_host and job.state is JobState.QUEUED
                  and job.spec.pin_to_host not in processing and job.attempt == 0):
                # Pinned to a worker that has gone since: it would wait for ever.
                self._resend(client, job, f"its pinned worker {job.spec.pin_to_host} had gone")
        if not unknown:
            return
        # `processing` includes tasks waiting in a worker's queue: ask which really run.
        stacks = _ask(client, "call_stack", self.settings.connect_timeout_s,
                      keys=[j.key for j in unknown])
        running = {key: worker for worker, keys in (stacks or {}).items() for key in keys}
        with self._lock:
            for job in unknown:
                if job.key in running and job.state is JobState.QUEUED:
                    job.worker, job.started = running[job.key], time.monotonic()
                    job.state = JobState.RUNNING
                    log.info("job %s running on %s", job.spec.job_id, job.worker)
                    notify(job)

    def _collect(self, client: Client, job: _DaskJob) -> None:
        future = job.future
        assert future is not None
        timeout = self.settings.connect_timeout_s
        if future.status == "finished":
            try:
                result = future.result(timeout=timeout)
                # A warm worker says who it is; for the others, ask who holds the result.
                worker = (result.get("worker") if isinstance(result, dict) else None) or (
                    _holder(client, future, timeout) or job.worker)
            except Exception as error:
                self._fail(job, f"its result could not be fetched from Dask: {error}")
                return
            self._finished(job, result, worker)
        elif future.status == "error":
            raised = future.exception(timeout=timeout)
            if type(raised).__name__ == "KilledWorker":
                self._worker_died(client, job, job.worker or "(unknown)")
            else:
                self._fail(job, f"its Dask task raised {raised!r}")
        else:  # cancelled or lost: not by Woken (a cancelled job is terminal already)
            self._fail(job, f"Dask reports its task {future.status}: the connection to the "
                            f"scheduler at {self.settings.scheduler_address} was lost")

    def _finished(self, job: _DaskJob, result: dict[str, Any], worker: str | None) -> None:
        spec = job.spec
        try:
            job_process.write_files(spec.volume, result["outputs"])
            self.settings.logs_dir.mkdir(parents=True, exist_ok=True)
            for stream in ("stdout", "stderr"):
                (self.settings.logs_dir / f"{spec.job_id}.{stream}").write_text(
                    result[stream], encoding="utf-8")
        except (OSError, ValueError) as error:
            self._fail(job, f"its outputs could not be written into its volume: {error}")
            return
        code, ending = result["exit_code"], result["ending"]
        with self._lock:
            if job.state.is_terminal:
                return
            job.worker, job.runtime_s = worker, float(result["runtime_s"])
            job.launcher = result.get("launcher")
            if ending == "timed_out":
                self._end(job, JobState.TIMED_OUT, code,
                          f"killed after its timeout of {spec.timeout_s:g} s")
            elif code is None:
                self._end(job, JobState.FAILED, None, ending)
            elif code == 0:
                self._end(job, JobState.SUCCEEDED, 0, "")
            else:
                self._end(job, JobState.FAILED, code, f"exit code {code}")
        if job.future is not None:
            job.future.release()
            job.future = None

    def _worker_died(self, client: Client, job: _DaskJob, worker: str) -> None:
        cause = f"the Dask worker {worker} running it died"
        if job.resubmitted or self.settings.shared_volumes_dir:
            # In place, a worker presumed dead may still be writing into the volume.
            self._fail(job, cause)
            return
        job.resubmitted = True
        self._resend(client, job, cause)

    def _resend(self, client: Client, job: _DaskJob, why: str) -> None:
        old = job.future
        with self._lock:
            if job.state.is_terminal:
                return
            job.history.append(f"{why}; it was resubmitted")
            job.attempt += 1
            job.worker, job.started, job.state = None, None, JobState.QUEUED
        log.warning("job %s: %s; resubmitting it", job.spec.job_id, why)
        if old is not None:
            old.release()
        try:
            self._send(client, job, None)
        except Exception as error:
            self._fail(job, f"{why}; it could not be resubmitted: {error}")

    def _scheduler_silent(self, client: Client, error: BaseException) -> None:
        now = time.monotonic()
        self._lost_since = self._lost_since or now
        if now - self._lost_since < self.settings.connect_timeout_s:
            return
        reason = (f"the Dask scheduler at {self.settings.scheduler_address} did not answer "
                  f"for {now - self._lost_since:.0f} s ({error!r})")
        log.error("%s: failing the jobs it held", reason)
        with self._lock:
            for job in list(self._jobs.values()):
                if not job.state.is_terminal:
                    self._end(job, JobState.FAILED, None, reason)
            self._draining.clear()
        with self._connect_lock:
            if self._client is client:
                self._client = None
        _close_client(client, 1.0)
        self._lost_since = None

    def _drain(self, client: Client) -> None:
        """Clear the stop Events of cancelled tasks that have ended (or never will)."""
        limit = self.settings.cancel_poll_s + self.settings.kill_grace_s + 10.0
        with self._lock:
            done = [(job_id, future) for job_id, (future, since) in self._draining.items()
                    if future.done() or time.monotonic() - since > limit]
            for job_id, _ in done:
                del self._draining[job_id]
        for job_id, future in done:
            future.release()
            try:
                Event(_stop_event(job_id), client=client).clear()
            except Exception as error:
                log.warning("job %s: could not clear its stop event: %s", job_id, error)

    # State changes (under the lock)

    def _fail(self, job: _DaskJob, message: str) -> None:
        with self._lock:
            self._end(job, JobState.FAILED, None, message)
        if job.future is not None:
            job.future.release()
            job.future = None

    def _end(self, job: _DaskJob, state: JobState, code: int | None, message: str) -> None:
        if job.state.is_terminal:
            return
        if job.started is not None and job.runtime_s is None:
            job.runtime_s = time.monotonic() - job.started
        job.state, job.exit_code = state, code
        job.message = "; ".join([message, *job.history]) if message else "; ".join(job.history)
        log.info("job %s ended on %s: %s %s", job.spec.job_id, job.worker, state.value,
                 job.message)
        notify(job)


def _stop_event(job_id: str) -> str:
    return f"woken-stop-{job_id}"


def _holder(client: Client, future: Future, timeout: float) -> str | None:
    """The worker that holds the task's result: the one that ran it."""
    holders = _ask(client, "who_has", timeout, keys=[future.key])
    workers = (holders or {}).get(future.key) or []
    return str(workers[0]) if workers else None


def _ask(client: Client, method: str, timeout: float, **arguments: Any) -> Any:
    """One request to the scheduler, bounded by ``timeout``."""
    scheduler = client.scheduler
    if scheduler is None:
        raise BackendError("the Dask client is not connected")
    return client.sync(getattr(scheduler, method), callback_timeout=timeout, **arguments)


def _dask_resources(wanted: dict[str, float], workers: dict[str, dict[str, Any]]) -> dict:
    """The algorithm's resources that some worker declares (others would never be met)."""
    declared = {name for info in workers.values() for name in (info.get("resources") or {})}
    return {name: float(amount) for name, amount in wanted.items()
            if name in RESOURCE_NAMES and name in declared}


def _read_files(root: Path) -> dict[str, bytes]:
    """Every file of the volume, by its path relative to it."""
    if not root.is_dir():
        raise BackendError(f"the job's volume {root} does not exist")
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file() and not path.is_symlink()}


def _close_client(client: Client, timeout: float) -> None:
    try:
        client.close(timeout=timeout)
    except Exception as error:
        log.warning("closing the Dask client: %s", error)
