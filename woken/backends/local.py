"""The embedded backend: each job is the algorithm's entrypoint run as a local process.

The process gets what the Docker container would get: the command argument
(`compute`, `train`, `test`), the Woken environment, and its volume directory
(``JOB_VOLUME``). At most `max_concurrent` jobs run at once; the others wait in
submission order. A job that outlives its timeout is killed (its whole process
group: SIGTERM, then SIGKILL after a grace period) and reported TIMED_OUT.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from woken.backends.base import JobSpec, JobStatus
from woken.errors import BackendError
from woken.storage.models import JobState

log = logging.getLogger(__name__)

KILL_GRACE_S = 3.0
MONITOR_INTERVAL_S = 0.01


@dataclass
class _LocalJob:
    spec: JobSpec
    state: JobState = JobState.QUEUED
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    exit_code: int | None = None
    message: str = ""
    terminated_at: float | None = None
    # Set when Woken stopped the process: the state it ends in once it has exited.
    final_state: JobState | None = None
    stderr: IO[bytes] | None = None
    stdout: IO[bytes] | None = None


class LocalBackend:
    name = "local"

    def __init__(self, logs_dir: Path, max_concurrent: int = 2, stderr_tail_chars: int = 2000):
        if max_concurrent < 1:
            raise ValueError("max_concurrent must be at least 1")
        self.logs_dir = logs_dir
        self.max_concurrent = max_concurrent
        self.stderr_tail_chars = stderr_tail_chars
        self._jobs: dict[str, _LocalJob] = {}
        self._queue: deque[str] = deque()
        self._lock = threading.Condition()
        self._closed = False
        self._monitor = threading.Thread(target=self._watch, name="local-backend", daemon=True)
        self._monitor.start()

    # The Backend interface

    def submit(self, spec: JobSpec) -> None:
        if not spec.entrypoint.is_file():
            raise BackendError(f"algorithm {spec.algorithm}: no entrypoint at {spec.entrypoint}")
        with self._lock:
            if self._closed:
                raise BackendError("the local backend is shut down")
            if spec.job_id in self._jobs:
                raise BackendError(f"job {spec.job_id} was already submitted")
            self._jobs[spec.job_id] = _LocalJob(spec)
            self._queue.append(spec.job_id)
            self._lock.notify()

    def status(self, job_id: str) -> JobStatus:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return JobStatus(JobState.LOST, message=f"the local backend has no job {job_id}")
            return JobStatus(job.state, job.exit_code, job.message, host="localhost")

    def cancel(self, job_id: str) -> None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.state.is_terminal:
                return
            if job.state is JobState.QUEUED:
                self._queue.remove(job_id)
                self._end(job, JobState.CANCELLED, None, "cancelled before it started")
            else:
                job.message = "cancelled"
                self._terminate(job, JobState.CANCELLED)

    def logs(self, job_id: str) -> str:
        return tail(self.logs_dir / f"{job_id}.stderr", self.stderr_tail_chars)

    def forget(self, job_id: str) -> None:
        """Drop what the backend remembers of an ended job."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None and job.state.is_terminal:
                del self._jobs[job_id]

    def close(self) -> None:
        with self._lock:
            self._closed = True
            for job in self._jobs.values():
                if job.state is JobState.RUNNING:
                    self._kill(job, signal.SIGKILL)
            self._lock.notify()
        self._monitor.join(timeout=5)

    # The monitor thread: starts queued jobs, reaps ended ones, kills late ones.

    def _watch(self) -> None:
        while True:
            with self._lock:
                if self._closed:
                    return
                self._reap()
                self._start_queued()
                self._lock.wait(MONITOR_INTERVAL_S)

    def _start_queued(self) -> None:
        running = sum(1 for job in self._jobs.values() if job.state is JobState.RUNNING)
        while self._queue and running < self.max_concurrent:
            job = self._jobs[self._queue.popleft()]
            try:
                self._launch(job)
                running += 1
            except OSError as error:
                self._end(job, JobState.FAILED, None, f"could not start the process: {error}")

    def _launch(self, job: _LocalJob) -> None:
        spec = job.spec
        self.logs_dir.mkdir(parents=True, exist_ok=True)
        job.stdout = open(self.logs_dir / f"{spec.job_id}.stdout", "wb")  # noqa: SIM115
        job.stderr = open(self.logs_dir / f"{spec.job_id}.stderr", "wb")  # noqa: SIM115
        environment = {
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "PYTHONUNBUFFERED": "1",
            "HOME": os.environ.get("HOME", "/tmp"),
            "LANG": os.environ.get("LANG", "C.UTF-8"),
            **spec.environment,
            "JOB_VOLUME": str(spec.volume),
        }
        job.process = subprocess.Popen(
            [str(spec.entrypoint), spec.command],
            cwd=spec.volume,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=job.stdout,
            stderr=job.stderr,
            # Its own process group, so that a timeout kills the children too.
            start_new_session=True,
        )
        job.started = time.monotonic()
        job.state = JobState.RUNNING
        log.info("job %s (%s %s) started, pid %d", spec.job_id, spec.algorithm, spec.command,
                 job.process.pid)

    def _reap(self) -> None:
        now = time.monotonic()
        for job in self._jobs.values():
            if job.state is not JobState.RUNNING or job.process is None:
                continue
            code = job.process.poll()
            if code is not None:
                self._end(job, JobState.SUCCEEDED if code == 0 else JobState.FAILED, code,
                          "" if code == 0 else f"exit code {code}")
            elif job.terminated_at is not None:
                if now - job.terminated_at > KILL_GRACE_S:
                    self._kill(job, signal.SIGKILL)
            elif now - job.started > job.spec.timeout_s:
                job.message = f"killed after its timeout of {job.spec.timeout_s:g} s"
                self._terminate(job, JobState.TIMED_OUT)

    def _terminate(self, job: _LocalJob, final_state: JobState) -> None:
        """Ask the process group to stop; the state is final once it has exited."""
        job.terminated_at = time.monotonic()
        job.final_state = final_state
        self._kill(job, signal.SIGTERM)

    def _kill(self, job: _LocalJob, sig: signal.Signals) -> None:
        if job.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(job.process.pid, sig)

    def _end(self, job: _LocalJob, state: JobState, code: int | None, message: str) -> None:
        if job.final_state is not None:
            state, message = job.final_state, job.message
        job.state, job.exit_code = state, code
        job.message = message or job.message
        for stream in (job.stdout, job.stderr):
            if stream is not None:
                stream.close()
        log.info("job %s ended: %s %s", job.spec.job_id, state.value, job.message)


def tail(path: Path, max_chars: int) -> str:
    """The last `max_chars` characters of a text file ('' if it does not exist)."""
    try:
        with path.open("rb") as source:
            source.seek(0, os.SEEK_END)
            size = source.tell()
            source.seek(max(0, size - max_chars * 4))
            text = source.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return ""
    return text[-max_chars:]
