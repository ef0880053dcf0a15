"""Warm Dask workers: each worker keeps a fork server, and each job is a fork of it.

A fresh interpreter that imports numpy, scipy and scikit-learn costs more than a
small job (issue 23 measured a Dask experiment 20 times slower than the local
backend). `WarmWorkers`, a Dask worker plugin registered by the backend, starts on
each worker (present and future) the same fork server as the local backend's
(``fork_server.py``, carried in the plugin as text: workers need the algorithms,
never Woken), with the algorithms' package found on the worker. `run_forked`,
the task, asks it for one child per job:

- still one process per job, in its own session, with the job's environment,
  working directory (its inputs in a fresh directory, or the shared volume) and
  log files; its timeout and a cancel kill its process group (SIGTERM, then
  SIGKILL after the grace period);
- it dies with the fork server, which dies with the worker (``PR_SET_PDEATHSIG``):
  a killed worker leaves no job running, and the backend resubmits the job once;
- a fork server that died is started again for the next job; the job it held
  fails with the reason. A worker without the plugin, or whose server cannot
  start, runs the job by exec (`job_process.run_entrypoint`), as before.

Shipped by value to the workers like `job_process`: standard library and
`distributed` only, no Woken import.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from distributed import WorkerPlugin, get_worker

from woken.backends import job_process

PLUGIN_NAME = "woken-warm-fork-server"
ALGORITHMS_PACKAGE = "woken.algorithms"
# A job sent to the server that has no pid after this long: the server is hung.
START_TIMEOUT_S = 60.0


class Forker:
    """The worker's end of its fork server: send a job, wait for its events."""

    def __init__(self, script: str, root: str, environment: dict[str, str]):
        self._script, self._root, self._environment = script, root, environment
        self._lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._waiting: dict[str, queue.Queue[dict[str, Any]]] = {}
        self._process: subprocess.Popen[bytes] | None = None
        self._socket: socket.socket | None = None
        self._folder = tempfile.mkdtemp(prefix="woken-fork-server-")
        self._generation = 0

    def _ensure(self) -> socket.socket:
        """The server's socket, starting the server if it is not running."""
        with self._lock:
            if self._socket is not None and self._process is not None \
                    and self._process.poll() is None:
                return self._socket
            if self._socket is not None:
                self._socket.close()
            if self._process is not None:
                # Reap the server that ended (or kill one whose socket is gone) before
                # its Popen is replaced: an unreaped child outlives its object.
                _reap(self._process)
            script = Path(self._folder) / "fork_server.py"
            script.write_text(self._script, encoding="utf-8")
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                with (Path(self._folder) / "fork-server.log").open("ab") as server_log:
                    self._process = subprocess.Popen(
                        [sys.executable, str(script), "--socket-fd", str(theirs.fileno()),
                         "--root", self._root],
                        pass_fds=(theirs.fileno(),), env=self._environment, cwd=self._root,
                        stdin=subprocess.DEVNULL, stdout=server_log, stderr=subprocess.STDOUT,
                        start_new_session=True, preexec_fn=job_process.die_with_parent(),
                    )
            finally:
                theirs.close()
            self._socket = ours
            self._generation += 1
            threading.Thread(target=self._read, args=(ours, self._generation),
                             name="woken-fork-events", daemon=True).start()
            return ours

    def _read(self, sock: socket.socket, generation: int) -> None:
        buffer = b""
        while True:
            try:
                data = sock.recv(1 << 16)
            except OSError:
                data = b""
            if not data:
                break
            buffer += data
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                if line.strip():
                    event = json.loads(line)
                    waiting = self._waiting.get(str(event.get("job")))
                    if waiting is not None:
                        waiting.put(event)
        # The server has gone: every job it held hears it.
        with self._lock:
            if self._generation == generation:
                self._socket = None
            process = self._process
        sock.close()
        code = None
        if process is not None:
            # The socket closes as the server exits: give the exit a moment to land.
            with contextlib.suppress(subprocess.TimeoutExpired):
                code = process.wait(timeout=2)
        for waiting in list(self._waiting.values()):
            waiting.put({"event": "gone", "message": f"the worker's fork server ended "
                                                     f"(exit status {code})"})

    def run(self, job_id: str, module: str, command: str, cwd: str, env: dict[str, str],
            stdout_fd: int, stderr_fd: int) -> queue.Queue[dict[str, Any]]:
        """Send the job; its events (started, exited, error, gone) come in the queue."""
        events: queue.Queue[dict[str, Any]] = queue.Queue()
        self._waiting[job_id] = events
        request = {"op": "run", "job": job_id, "module": module, "command": command,
                   "cwd": cwd, "env": env}
        line = json.dumps(request).encode() + b"\n"
        sock = self._ensure()
        with self._send_lock:
            sent = socket.send_fds(sock, [line], [stdout_fd, stderr_fd])
            if sent < len(line):
                sock.sendall(line[sent:])
        return events

    def done(self, job_id: str) -> None:
        self._waiting.pop(job_id, None)

    def close(self) -> None:
        with self._lock:
            sock, self._socket = self._socket, None
            process = self._process
        if sock is not None:
            sock.close()
        if process is not None:
            _reap(process, grace_s=5)


def _reap(process: subprocess.Popen[bytes], grace_s: float = 0.0) -> None:
    """Wait for `process` to end (killing it after `grace_s`), so no zombie is left."""
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


class WarmWorkers(WorkerPlugin):
    """Starts a fork server on each worker; `run_forked` uses it."""

    name = PLUGIN_NAME

    def __init__(self, server_script: str, allocator: dict[str, str]):
        self.server_script = server_script
        self.allocator = allocator

    def setup(self, worker: Any) -> None:
        root = algorithms_root()
        if root is None:
            return  # no algorithms package here: jobs are exec'd
        environment = {**job_process.base_environment(), **self.allocator, "PYTHONPATH": root}
        forker = Forker(self.server_script, root, environment)
        with contextlib.suppress(OSError):
            forker._ensure()  # preloads while the worker waits for work
        worker._woken_forker = forker

    def teardown(self, worker: Any) -> None:
        forker = getattr(worker, "_woken_forker", None)
        if forker is not None:
            forker.close()


def algorithms_root() -> str | None:
    """The folder holding the ``woken.algorithms`` package on this worker, if any."""
    try:
        found = importlib.util.find_spec(ALGORITHMS_PACKAGE)
    except (ImportError, ValueError):
        return None
    if found is None or not found.submodule_search_locations:
        return None
    return str(Path(next(iter(found.submodule_search_locations))).parent.parent)


def run_forked(job_id: str, module: str, entrypoint: str, command: str,
               environment: dict[str, str], timeout_s: float,
               options: job_process.RunOptions = job_process.DEFAULT_OPTIONS) -> dict[str, Any]:
    """The Dask task: `job_process.run_entrypoint`'s contract, the process a fork."""
    try:
        worker = get_worker()
    except ValueError:
        worker = None
    forker = getattr(worker, "_woken_forker", None)
    if worker is None or forker is None:
        return job_process.run_entrypoint(job_id, entrypoint, command, environment, timeout_s,
                                          options)
    result = run_with(forker, job_id, module, command, environment, timeout_s, options.inputs,
                      options.workdir, options.should_stop, options.stop_poll_s,
                      options.kill_grace_s, options.tail_bytes)
    # The backend learns the worker's address here, without asking the scheduler.
    result["worker"] = worker.address
    return result


def run_with(
    forker: Forker, job_id: str, module: str, command: str, environment: dict[str, str],
    timeout_s: float, inputs: dict[str, bytes] | None, workdir: str | None,
    should_stop: Any, stop_poll_s: float, kill_grace_s: float, tail_bytes: int,
) -> dict[str, Any]:
    """`run_forked` on a given fork server."""
    scratch = None
    if workdir is None:
        scratch = tempfile.mkdtemp(prefix=f"woken-{job_id[:36]}-")
        workdir = scratch
        job_process.write_files(Path(workdir), inputs or {})
    try:
        env = {**job_process.base_environment(), **environment,
               job_process.VOLUME_VARIABLE: workdir}
        with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
            started = time.monotonic()
            events = forker.run(job_id, module, command, workdir, env,
                                stdout.fileno(), stderr.fileno())
            try:
                code, ending, pid = _wait(events, timeout_s, should_stop, stop_poll_s,
                                          kill_grace_s)
            finally:
                forker.done(job_id)
            outputs = job_process._changed_files(Path(workdir), inputs or {}) if scratch else {}
            return {
                "exit_code": code,
                "ending": ending,
                "runtime_s": time.monotonic() - started,
                "outputs": outputs,
                "stdout": job_process._tail(stdout, tail_bytes),
                "stderr": job_process._tail(stderr, tail_bytes) + (
                    f"\n{ending}" if ending.startswith("the worker's fork server") else ""),
                "hostname": socket.gethostname(),
                "pid": pid,
                "launcher": "fork",
            }
    finally:
        if scratch is not None:
            import shutil

            shutil.rmtree(scratch, ignore_errors=True)


def _wait(events: queue.Queue[dict[str, Any]], timeout_s: float, should_stop: Any,
          poll_s: float, grace_s: float) -> tuple[int | None, str, int | None]:
    """(exit code, ending, pid): ending is 'exited', 'timed_out', 'cancelled' or a failure.

    A job to stop gets SIGTERM, then SIGKILL once its grace period is over; its group
    is signalled only before its exit is reported (the server reaps it then).
    """
    pid: int | None = None
    deadline = time.monotonic() + START_TIMEOUT_S
    ending, kill_at = "", 0.0
    while True:
        now = time.monotonic()
        wait = min(poll_s, deadline - now) if not ending else kill_at - now
        try:
            event: dict[str, Any] | None = events.get(timeout=max(0.0, wait))
        except queue.Empty:
            event = None
        if event is not None:
            kind = event.get("event")
            if kind == "started":
                pid = int(event["pid"])
                if ending:  # cancelled before it started
                    _signal_group(pid, signal.SIGTERM)
                    kill_at = time.monotonic() + grace_s
                else:
                    deadline = time.monotonic() + timeout_s
            elif kind == "exited":
                code = event.get("code")
                if code is None:
                    code = -int(event.get("signal", signal.SIGKILL))
                return code, ending or "exited", pid
            elif kind in ("error", "gone"):
                return None, str(event.get("message")), pid
            continue
        if ending:
            if time.monotonic() >= kill_at:
                if pid is None:
                    return None, ending, None  # never started
                _signal_group(pid, signal.SIGKILL)
                kill_at = time.monotonic() + START_TIMEOUT_S
            continue
        if time.monotonic() >= deadline:
            if pid is None:
                return None, "the worker's fork server did not start the job in time", None
            ending = "timed_out"
        elif should_stop is not None and job_process._asked_to_stop(should_stop):
            ending = "cancelled"
        if ending and pid is not None:
            _signal_group(pid, signal.SIGTERM)
            kill_at = time.monotonic() + grace_s
        elif ending:
            kill_at = time.monotonic() + START_TIMEOUT_S  # its start is awaited, then killed


def _signal_group(pid: int, number: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, number)
