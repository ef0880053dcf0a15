"""The embedded backend: each job is the algorithm's entrypoint run as a local process.

The process gets what the Docker container would get: the command argument
(`compute`, `train`, `test`), the Woken environment, and its volume directory
(``JOB_VOLUME``). At most `max_concurrent` jobs run at once; the others wait in
submission order. A job that outlives its timeout is killed (its whole process
group: SIGTERM, then SIGKILL after a grace period) and reported TIMED_OUT.

Two launchers start the process (see `woken.backends.launch`):

- ``exec``: the entrypoint script, as a new process;
- ``fork`` (the default): a warm fork server (one per backend, with numpy,
  scipy and scikit-learn loaded) forks a child that runs the algorithm's module,
  which saves the interpreter's start-up and imports. Algorithms that are not
  Python packages under the server's ``algorithms`` folder are exec'd.

Statuses, exit codes, timeouts, cancel, logs and the concurrency bound are the
same with both. If the fork server dies, the jobs it was running are FAILED
with a message saying so, jobs it had not yet started are queued again, and a
new server is started; after `MAX_SERVER_START_FAILURES` servers in a row die
before being ready, the backend gives up forking and execs every job.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import select
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from woken.backends.base import JobSpec, JobStatus
from woken.backends.job_table import JobTable, notify
from woken.backends.launch import (
    ForkServer,
    ForkServerGone,
    die_with_parent,
    forkable_module,
    process_environment,
)
from woken.backends.logs import tail
from woken.errors import BackendError
from woken.states import JobState

log = logging.getLogger(__name__)

KILL_GRACE_S = 3.0
# The monitor sleeps until something happens (a submit or cancel, a server event, an
# exec'd process's exit) or a deadline falls due; this is only its longest sleep.
MONITOR_SAFETY_NET_S = 1.0
LAUNCHERS = ("fork", "exec")
# The folder holding Woken's `algorithms` package: what the fork server imports.
ALGORITHMS_ROOT = Path(__file__).resolve().parents[2]
# A job sent to the fork server that has no pid after this long means a hung server.
SERVER_ANSWER_TIMEOUT_S = 60.0
MAX_SERVER_START_FAILURES = 3


@dataclass
class _LocalJob:
    spec: JobSpec
    state: JobState = JobState.QUEUED
    # "exec" or "fork": how the running process was started.
    launcher: str = ""
    process: subprocess.Popen[bytes] | None = None
    # Also its process group; None while the fork server has not answered.
    pid: int | None = None
    started: float = 0.0
    ended: float | None = None
    exit_code: int | None = None
    message: str = ""
    terminated_at: float | None = None
    # Set when Woken stopped the process: the state it ends in once it has exited.
    final_state: JobState | None = None
    stderr: IO[bytes] | None = None
    stdout: IO[bytes] | None = None
    # An exec'd process's pidfd: readable once it has exited, which wakes the monitor.
    pidfd: int | None = None
    # Sent back to the queue once already (its fork server died before starting it).
    requeued: bool = False
    # Called (under the backend's lock) when the job starts and when it ends.
    on_change: Callable[[], None] | None = None


class LocalBackend:
    """The backend that runs each job as a local process, a few at a time."""

    name = "local"
    pushes_changes = True

    def __init__(
        self,
        logs_dir: Path,
        max_concurrent: int = 2,
        stderr_tail_chars: int = 2000,
        launcher: str = "fork",
        algorithms_root: Path = ALGORITHMS_ROOT,
        fork_server_python: str | None = None,
    ):
        if max_concurrent < 1:
            raise ValueError("max_concurrent must be at least 1")
        if launcher not in LAUNCHERS:
            raise ValueError(f"unknown launcher {launcher!r} (known: {', '.join(LAUNCHERS)})")
        self.logs_dir = logs_dir
        self.max_concurrent = max_concurrent
        self.stderr_tail_chars = stderr_tail_chars
        self.launcher = launcher
        self.algorithms_root = algorithms_root
        self._fork_server_python = fork_server_python
        self._server: ForkServer | None = None
        self._server_failures = 0
        # Why forking was given up ('' while it is not).
        self._fork_disabled = ""
        self._table: JobTable[_LocalJob] = JobTable(self.name, threading.Condition())
        self._jobs, self._lock = self._table.jobs, self._table.lock
        self._queue: deque[str] = deque()
        # Written to wake the monitor (a job was submitted or cancelled, or the backend closes).
        self._wake_read, self._wake_write = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        # Every process is started from this thread: the death signal of a child follows
        # the thread that started it, and this one lives as long as the backend.
        self._monitor = threading.Thread(target=self._watch, name="local-backend", daemon=True)
        self._monitor.start()

    # The Backend interface

    def submit(self, spec: JobSpec, on_change: Callable[[], None] | None = None) -> None:
        if not spec.entrypoint.is_file():
            raise BackendError(f"algorithm {spec.algorithm}: no entrypoint at {spec.entrypoint}")
        with self._lock:
            # An ended job whose coordinator stopped before forgetting it (its copy of the
            # experiment stopped, woken.storage.fencing) may run again when it is resumed.
            self._table.add(_LocalJob(spec, on_change=on_change), replace_ended=True)
            self._queue.append(spec.job_id)
        self._wake()

    def status(self, job_id: str) -> JobStatus:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return self._table.unknown(job_id)
            runtime = None
            if job.started:
                runtime = (job.ended or time.monotonic()) - job.started
            return JobStatus(job.state, job.exit_code, job.message, host="localhost",
                             runtime_s=runtime)

    def cancel(self, job_id: str) -> None:
        with self._lock:
            job = self._table.unended(job_id)
            if job is None:
                return
            if job.state is JobState.QUEUED:
                self._queue.remove(job_id)
                self._end(job, JobState.CANCELLED, None, "cancelled before it started")
            else:
                job.message = "cancelled"
                self._terminate(job, JobState.CANCELLED)
        self._wake()

    def logs(self, job_id: str) -> str:
        return tail(self.logs_dir / f"{job_id}.stderr", self.stderr_tail_chars)

    def forget(self, job_id: str) -> None:
        self._table.forget(job_id)

    def close(self) -> None:
        with self._lock:
            for job in self._table.close():
                if job.state is JobState.RUNNING:
                    self._kill(job, signal.SIGKILL)
        self._wake()
        # The monitor stops the fork server (which kills what is left) on its way out.
        self._monitor.join(timeout=10)

    # What tests and benchmarks look at

    def launcher_of(self, job_id: str) -> str | None:
        """How the job's process was started ("exec" or "fork"); None before it started."""
        with self._lock:
            job = self._jobs.get(job_id)
            return job.launcher or None if job is not None else None

    @property
    def fork_server_pid(self) -> int | None:
        with self._lock:
            return None if self._server is None else self._server.pid

    @property
    def fork_server_ready(self) -> bool:
        with self._lock:
            return self._server is not None and self._server.ready

    # The monitor thread: starts queued jobs, reaps ended ones, kills late ones.

    def _watch(self) -> None:
        try:
            while True:
                with self._lock:
                    if self._table.closed:
                        return
                    if self.launcher == "fork":
                        self._tend_server()
                    self._reap()
                    self._start_queued()
                    fds, timeout = self._wake_sources(), self._next_deadline()
                self._sleep(fds, timeout)
        except Exception:
            log.exception("the local backend's monitor thread failed: no job is started any more")
            raise
        finally:
            with self._lock:
                server, self._server = self._server, None
                for job in self._jobs.values():
                    _close_pidfd(job)
            if server is not None:
                server.stop()
            os.close(self._wake_read)
            os.close(self._wake_write)

    # Waking the monitor: no polling interval on the path of a job.

    def _wake(self) -> None:
        with contextlib.suppress(BlockingIOError, OSError):  # full: it is awake anyway
            os.write(self._wake_write, b"\0")

    def _wake_sources(self) -> list[int]:
        """What the monitor waits on: the wake pipe, the server's socket, exec'd pidfds."""
        fds = [self._wake_read]
        server_fd = None if self._server is None else self._server.fileno()
        if server_fd is not None:
            fds.append(server_fd)
        fds.extend(job.pidfd for job in self._jobs.values() if job.pidfd is not None)
        return fds

    def _next_deadline(self) -> float:
        """Seconds until the next timeout, kill grace or server-answer deadline falls due."""
        if self.launcher == "fork" and self._server is None and not self._fork_disabled:
            return 0.0  # a server to start again
        now, due = time.monotonic(), MONITOR_SAFETY_NET_S
        for job in self._jobs.values():
            if job.state is not JobState.RUNNING:
                continue
            if job.terminated_at is not None:
                limit = job.terminated_at + KILL_GRACE_S
            elif job.launcher == "fork" and job.pid is None:
                limit = job.started + SERVER_ANSWER_TIMEOUT_S
            else:
                limit = job.started + job.spec.timeout_s
            due = min(due, limit - now)
        return max(due, 0.0)

    def _sleep(self, fds: list[int], timeout_s: float) -> None:
        poller = select.poll()
        for fd in fds:
            poller.register(fd, select.POLLIN)
        poller.poll(timeout_s * 1000)
        with contextlib.suppress(BlockingIOError):
            while os.read(self._wake_read, 4096):
                pass

    def _start_queued(self) -> None:
        running = sum(1 for job in self._jobs.values() if job.state is JobState.RUNNING)
        while self._queue and running < self.max_concurrent:
            job_id = self._queue.popleft()
            job = self._jobs[job_id]
            try:
                self._launch(job)
                running += 1
            except ForkServerGone as gone:
                self._queue.appendleft(job_id)
                if self._server is not None:
                    self._server.kill(str(gone))
                    self._server_died(self._server)
                return
            except (OSError, ValueError) as error:
                # ValueError: what Popen says of an environment it cannot pass on.
                self._end(job, JobState.FAILED, None, f"could not start the process: {error}")

    def _launch(self, job: _LocalJob) -> None:
        spec = job.spec
        module = self._fork_module(spec)
        self.logs_dir.mkdir(parents=True, exist_ok=True)
        stdout = open(self.logs_dir / f"{spec.job_id}.stdout", "wb")  # noqa: SIM115
        stderr = open(self.logs_dir / f"{spec.job_id}.stderr", "wb")  # noqa: SIM115
        environment = process_environment(spec)
        if module is None or self._server is None:
            job.stdout, job.stderr = stdout, stderr
            job.process = subprocess.Popen(
                [str(spec.entrypoint), spec.command],
                cwd=spec.volume,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
                # Its own process group, so that a timeout kills the children too.
                start_new_session=True,
                # It dies with Woken: no orphan writing into a volume.
                preexec_fn=die_with_parent(),
            )
            job.launcher, job.pid = "exec", job.process.pid
            with contextlib.suppress(OSError):
                job.pidfd = os.pidfd_open(job.pid)
        else:
            # The server holds its own copies of the log files once they are sent.
            with stdout, stderr:
                _check_environment(environment)
                if not spec.volume.is_dir():
                    # What the exec path's Popen would raise for its working directory.
                    raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT),
                                            str(spec.volume))
                self._server.run(spec.job_id, module, spec.command, spec.volume, environment,
                                 stdout.fileno(), stderr.fileno())
            job.launcher, job.pid = "fork", None
        job.started = time.monotonic()
        job.state = JobState.RUNNING
        log.info("job %s (%s %s) started by %s, pid %s", spec.job_id, spec.algorithm,
                 spec.command, job.launcher, job.pid if job.pid is not None else "to come")
        notify(job)

    def _fork_module(self, spec: JobSpec) -> str | None:
        if self.launcher != "fork" or self._fork_disabled or self._server is None:
            return None
        return forkable_module(spec.entrypoint, self.algorithms_root)

    def _reap(self) -> None:
        now = time.monotonic()
        for job in self._jobs.values():
            if job.state is not JobState.RUNNING:
                continue
            if job.process is not None:
                code = job.process.poll()
                if code is not None:
                    self._finish(job, code)
                    continue
            if job.launcher == "fork" and job.pid is None:
                # Not started yet: its timeout runs from the fork. A server that does not
                # answer at all is killed (and its jobs dealt with as for any death).
                if self._server is not None and now - job.started > SERVER_ANSWER_TIMEOUT_S:
                    self._server.kill(f"it had not started job {job.spec.job_id} "
                                      f"in {SERVER_ANSWER_TIMEOUT_S:g} s")
                continue
            if job.terminated_at is not None:
                if now - job.terminated_at > KILL_GRACE_S:
                    self._kill(job, signal.SIGKILL)
            elif now - job.started > job.spec.timeout_s:
                job.message = f"killed after its timeout of {job.spec.timeout_s:g} s"
                self._terminate(job, JobState.TIMED_OUT)

    def _finish(self, job: _LocalJob, code: int) -> None:
        """The process exited with ``code`` (negative: killed by that signal, as Popen says)."""
        self._end(job, JobState.SUCCEEDED if code == 0 else JobState.FAILED, code,
                  "" if code == 0 else f"exit code {code}")

    def _terminate(self, job: _LocalJob, final_state: JobState) -> None:
        """Ask the process group to stop; the state is final once it has exited."""
        job.terminated_at = time.monotonic()
        job.final_state = final_state
        if job.launcher == "fork":
            # Read the server's news first: never signal a pid it has already reaped.
            self._read_server_events()
            if job.state.is_terminal:
                return
        self._kill(job, signal.SIGTERM)

    def _kill(self, job: _LocalJob, sig: signal.Signals) -> None:
        # A forked job without a pid yet is signalled when the server reports it.
        if job.pid is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(job.pid, sig)

    def _end(self, job: _LocalJob, state: JobState, code: int | None, message: str) -> None:
        if job.final_state is not None:
            state, message = job.final_state, job.message
        job.state, job.exit_code = state, code
        job.message = message or job.message
        job.ended = time.monotonic()
        for stream in (job.stdout, job.stderr):
            if stream is not None:
                stream.close()
        _close_pidfd(job)
        log.info("job %s ended: %s %s", job.spec.job_id, state.value, job.message)
        notify(job)

    # The fork server (monitor thread only, under the lock)

    def _tend_server(self) -> None:
        """Start the server if there is none, read its events, notice its death."""
        if self._fork_disabled:
            return
        server = self._server
        if server is None:
            server = ForkServer(self.algorithms_root, self.logs_dir / "fork-server.log",
                                **({"python": self._fork_server_python}
                                   if self._fork_server_python else {}))
            try:
                server.start()
            except OSError as error:
                self._count_server_failure(f"it could not be started: {error}")
                return
            self._server = server
        self._read_server_events()
        if server.has_died():
            self._server_died(server)

    def _read_server_events(self) -> None:
        server = self._server
        if server is None:
            return
        for event in server.events():
            self._on_server_event(event)

    def _on_server_event(self, event: dict[str, Any]) -> None:
        kind = event.get("event")
        if kind == "ready":
            self._server_failures = 0
            return
        job = self._jobs.get(str(event.get("job")))
        if job is None or job.launcher != "fork" or job.state is not JobState.RUNNING:
            return
        if kind == "started":
            job.pid = int(event["pid"])
            # Its run time, and its timeout, count from here: a server still loading its
            # libraries is no part of the job (as the time before an exec'd process is not).
            job.started = time.monotonic()
            log.info("job %s forked, pid %d", job.spec.job_id, job.pid)
            if job.terminated_at is not None:
                # Cancelled while the server was starting it: its grace period starts now.
                job.terminated_at = job.started
                self._kill(job, signal.SIGTERM)
        elif kind == "exited":
            self._finish(job, int(event["code"]) if "code" in event else -int(event["signal"]))
        elif kind == "error":
            self._end(job, JobState.FAILED, None,
                      f"could not start the process: {event.get('message', '')}")

    def _server_died(self, server: ForkServer) -> None:
        """Fail the jobs it ran, queue again those it had not started, start another."""
        reason = server.death_reason()
        server.stop()
        self._server = None
        log.error("the fork server died: %s", reason)
        requeue: list[_LocalJob] = []
        for job in self._jobs.values():
            if job.state is not JobState.RUNNING or job.launcher != "fork":
                continue
            never_started = job.pid is None and job.final_state is None
            if never_started and (not server.ready or not job.requeued):
                requeue.append(job)
                continue
            # Its children, if any, outlive the job's process: they go too.
            self._kill(job, signal.SIGKILL)
            self._end(job, JobState.FAILED, None,
                      f"the fork server running the job died ({reason}); the job was stopped")
        for job in reversed(requeue):
            job.state, job.launcher, job.started, job.requeued = JobState.QUEUED, "", 0.0, True
            self._queue.appendleft(job.spec.job_id)
        if not server.ready:
            self._count_server_failure(reason)

    def _count_server_failure(self, reason: str) -> None:
        self._server_failures += 1
        if self._server_failures >= MAX_SERVER_START_FAILURES:
            self._fork_disabled = reason
            log.error("the fork server failed %d times in a row (%s): jobs are exec'd from now on",
                      self._server_failures, reason)


def _close_pidfd(job: _LocalJob) -> None:
    if job.pidfd is not None:
        os.close(job.pidfd)
        job.pidfd = None


def _check_environment(environment: dict[str, str]) -> None:
    """Refuse what the exec path's Popen refuses, with its error."""
    for name, value in environment.items():
        if "\0" in name or "\0" in value:
            raise ValueError("embedded null byte")
        if "=" in name:
            raise ValueError("illegal environment variable name")
