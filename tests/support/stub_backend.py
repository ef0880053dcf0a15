"""An in-memory Backend for actor tests, as Mopidy tests its actors against a dummy backend.

It implements `woken.backends.base.Backend` (and the local backend's `forget`) and
starts no process. Each job's outcome is scripted, per algorithm and command:

- `Succeed`: the job writes ``results/<command>.json`` (and, for ``train``, a
  ``model/`` folder) into its volume, as a real algorithm does, and exits 0;
- `Fail`: it exits with a code, leaves its stderr for `logs`, and may write an
  error result, as the container runner does on a crash;
- `Hang`: it stays queued or running until cancelled (or `finish`ed by the test);
- `Lost`: the backend loses track of it (status LOST);
- `Refuse`: `submit` raises BackendError;
- `Unreachable`: `status` raises BackendError (a scheduler that does not answer).

Outcomes resolve inside `submit` (calling `on_change` for each change, as the
local backend does from its thread), so tests need no sleeps. Every call is
recorded in `calls`; `wait_for` waits, with a timeout, until a call is seen.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from woken.algorithms.common.volume import (
    MODEL_DIR,
    TEST_DATA_FILE,
    read_json,
    result_path,
    write_json_atomically,
)
from woken.backends.base import JobSpec, JobStatus
from woken.errors import BackendError
from woken.states import JobState

DataOf = Callable[[JobSpec], Any]


@dataclass(frozen=True)
class Succeed:
    """Exit 0 after writing `data` (or `data(spec)`) as the command's result."""

    data: Any = None
    shape: str = "pfa_json"
    # Extra files written into the volume: relative path -> JSON document.
    files: Mapping[str, Any] = field(default_factory=dict)
    write_result: bool = True
    runtime_s: float | None = 0.01


@dataclass(frozen=True)
class Fail:
    """Exit with `exit_code`, `stderr` on the error output; `error` also goes in the result."""

    exit_code: int = 1
    stderr: str = ""
    error: str | None = None


@dataclass(frozen=True)
class Hang:
    """Stay queued (or running, if `started`) until cancelled or finished by the test.

    With `cancel_blocks`, `cancel` waits for that event (at most `cancel_wait_s`):
    a scheduler that is slow to answer a cancel.
    """

    started: bool = True
    cancel_blocks: threading.Event | None = None
    cancel_wait_s: float = 10.0


@dataclass(frozen=True)
class Lost:
    message: str = "the stub backend lost the job"


@dataclass(frozen=True)
class Refuse:
    message: str = "the stub backend refuses the job"


@dataclass(frozen=True)
class Unreachable:
    message: str = "the stub backend does not answer"


Outcome = Succeed | Fail | Hang | Lost | Refuse | Unreachable


@dataclass(frozen=True)
class Call:
    method: str
    job_id: str | None = None
    spec: JobSpec | None = None


@dataclass
class _StubJob:
    spec: JobSpec
    outcome: Outcome
    on_change: Callable[[], None] | None
    state: JobState = JobState.QUEUED
    exit_code: int | None = None
    message: str = ""
    stderr: str = ""
    runtime_s: float | None = None


def predictions(value: Any) -> DataOf:
    """A `test` result: `value` predicted for each row of the volume's test.json."""

    def data(spec: JobSpec) -> dict[str, Any]:
        rows = read_json(spec.volume / TEST_DATA_FILE)["rows"]
        return {"predictions": [value] * len(rows)}

    return data


class StubBackend:
    name = "stub"

    def __init__(self, *, pushes_changes: bool = True, stderr_tail_chars: int = 2000) -> None:
        self.pushes_changes = pushes_changes
        self.stderr_tail_chars = stderr_tail_chars
        self.calls: list[Call] = []
        self._scripts: dict[tuple[str | None, str | None], Outcome] = {}
        self._job_scripts: dict[str, Outcome] = {}
        self._jobs: dict[str, _StubJob] = {}
        self._closed = False
        self._lock = threading.Condition()

    # Scripting (the test's side)

    def script(self, outcome: Outcome, *, algorithm: str | None = None,
               command: str | None = None, job_id: str | None = None) -> None:
        """The outcome of one job, or of the jobs of `algorithm` running `command` (None: any).

        The most specific script wins: the job's own, then algorithm and command, then
        either; a job nothing scripts succeeds with no data.
        """
        with self._lock:
            if job_id is not None:
                self._job_scripts[job_id] = outcome
            else:
                self._scripts[(algorithm, command)] = outcome

    def outcome_for(self, spec: JobSpec) -> Outcome:
        if spec.job_id in self._job_scripts:
            return self._job_scripts[spec.job_id]
        for key in ((spec.algorithm, spec.command), (spec.algorithm, None),
                    (None, spec.command), (None, None)):
            if key in self._scripts:
                return self._scripts[key]
        return Succeed()

    def start(self, job_id: str) -> None:
        """A queued job starts running."""
        with self._lock:
            job = self._jobs[job_id]
            self._change(job, JobState.RUNNING)

    def finish(self, job_id: str, outcome: Succeed | Fail | Lost) -> None:
        """A hanging job ends with `outcome`."""
        with self._lock:
            self._resolve(self._jobs[job_id], outcome)

    # What tests assert on

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    @property
    def submitted(self) -> list[JobSpec]:
        return [c.spec for c in self.calls_to("submit") if c.spec is not None]

    @property
    def cancelled(self) -> list[str]:
        return [c.job_id for c in self.calls_to("cancel") if c.job_id is not None]

    def wait_for(self, method: str, count: int = 1, timeout_s: float = 5.0) -> list[Call]:
        """Wait until `method` was called `count` times; AssertionError on timeout."""
        deadline = time.monotonic() + timeout_s
        with self._lock:
            while len(seen := [c for c in self.calls if c.method == method]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{method} called {len(seen)} times, not {count}, "
                                         f"within {timeout_s:g} s")
                self._lock.wait(left)
            return seen

    # The Backend interface

    def submit(self, spec: JobSpec, on_change: Callable[[], None] | None = None) -> None:
        with self._lock:
            self._record(Call("submit", spec.job_id, spec))
            if self._closed:
                raise BackendError("the stub backend is shut down")
            if spec.job_id in self._jobs:
                raise BackendError(f"job {spec.job_id} was already submitted")
            outcome = self.outcome_for(spec)
            if isinstance(outcome, Refuse):
                raise BackendError(outcome.message)
            job = _StubJob(spec, outcome, on_change)
            self._jobs[spec.job_id] = job
            if isinstance(outcome, Hang):
                if outcome.started:
                    self._change(job, JobState.RUNNING)
            elif not isinstance(outcome, Unreachable):
                self._change(job, JobState.RUNNING)
                self._resolve(job, outcome)

    def status(self, job_id: str) -> JobStatus:
        with self._lock:
            self._record(Call("status", job_id))
            job = self._jobs.get(job_id)
            if job is None:
                return JobStatus(JobState.LOST, message=f"the stub backend has no job {job_id}")
            if isinstance(job.outcome, Unreachable):
                raise BackendError(job.outcome.message)
            return JobStatus(job.state, job.exit_code, job.message, host="stub",
                             runtime_s=job.runtime_s)

    def cancel(self, job_id: str) -> None:
        with self._lock:
            self._record(Call("cancel", job_id))
            job = self._jobs.get(job_id)
            if job is None or job.state.is_terminal:
                return
            blocker = job.outcome.cancel_blocks if isinstance(job.outcome, Hang) else None
            wait_s = job.outcome.cancel_wait_s if isinstance(job.outcome, Hang) else 0.0
        if blocker is not None:
            blocker.wait(wait_s)
        with self._lock:
            if not job.state.is_terminal:
                job.message = "cancelled"
                self._change(job, JobState.CANCELLED)

    def logs(self, job_id: str) -> str:
        with self._lock:
            self._record(Call("logs", job_id))
            job = self._jobs.get(job_id)
            return "" if job is None else job.stderr[-self.stderr_tail_chars:]

    def forget(self, job_id: str) -> None:
        with self._lock:
            self._record(Call("forget", job_id))
            job = self._jobs.get(job_id)
            if job is not None and job.state.is_terminal:
                del self._jobs[job_id]

    def close(self) -> None:
        with self._lock:
            self._record(Call("close"))
            self._closed = True
            for job in self._jobs.values():
                if not job.state.is_terminal:
                    job.message = "the backend shut down"
                    self._change(job, JobState.CANCELLED)

    # Under the lock

    def _record(self, call: Call) -> None:
        self.calls.append(call)
        self._lock.notify_all()

    def _change(self, job: _StubJob, state: JobState) -> None:
        job.state = state
        if job.on_change is not None:
            job.on_change()

    def _resolve(self, job: _StubJob, outcome: Succeed | Fail | Lost | Outcome) -> None:
        spec = job.spec
        if isinstance(outcome, Succeed):
            _write_success(spec, outcome)
            job.exit_code, job.runtime_s = 0, outcome.runtime_s
            self._change(job, JobState.SUCCEEDED)
        elif isinstance(outcome, Fail):
            if outcome.error is not None:
                _write_result(spec, "error", None, outcome.error)
            job.exit_code, job.stderr = outcome.exit_code, outcome.stderr
            job.message = f"exit code {outcome.exit_code}"
            self._change(job, JobState.FAILED)
        elif isinstance(outcome, Lost):
            job.message = outcome.message
            self._change(job, JobState.LOST)


def _write_success(spec: JobSpec, outcome: Succeed) -> None:
    if spec.command == "train":
        write_json_atomically(spec.volume / MODEL_DIR / "model.json", {"trained_by": spec.job_id})
    for relative, document in outcome.files.items():
        write_json_atomically(spec.volume / relative, document)
    if outcome.write_result:
        data = outcome.data(spec) if callable(outcome.data) else outcome.data
        _write_result(spec, outcome.shape, data, None)


def _write_result(spec: JobSpec, shape: str, data: Any, error: str | None) -> None:
    write_json_atomically(result_path(spec.volume, spec.command),
                          {"shape": shape, "data": data, "error": error})
