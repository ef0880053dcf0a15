"""A job's process, as the backends that run the entrypoint start it. Standard library only.

This module is shipped *by value* to Dask workers (`cloudpickle.register_pickle_by_value`):
a worker needs the algorithms, never Woken. So it imports nothing but the
standard library, and holds no unpicklable module globals (the C library is
looked up per call, before the fork).

- `base_environment`: what every job process gets besides its own variables;
- `die_with_parent`: a ``preexec_fn`` so no job outlives the thread that started it;
- `run_entrypoint`: the Dask task. It runs the entrypoint in a fresh directory
  holding the job's input files (or in place, on a shared volume), enforces the
  timeout, stops when asked, and returns the exit code, the output files and the
  tails of stdout and stderr.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PR_SET_PDEATHSIG = 1
VOLUME_VARIABLE = "JOB_VOLUME"


# One job is one fit on one core: the backend runs several at once, so a native
# thread pool per job only oversubscribes the cores (a knn predict took 40 ms with
# OpenMP's default pool against 2.6 ms with one thread). A job's own environment
# may still ask for more. Set before any library loads, so the fork server's
# children inherit the same pools.
SINGLE_THREADED = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "BLIS_NUM_THREADS": "1",
    "VECLIB_MAXIMUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
}


def base_environment(python: str = sys.executable) -> dict[str, str]:
    """What every job process gets besides its own variables (its Python first on PATH)."""
    return {
        "PATH": f"{Path(python).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONUNBUFFERED": "1",
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": os.environ.get("LANG", "C.UTF-8"),
        **SINGLE_THREADED,
        # loky (joblib) counts physical cores by spawning `lscpu` unless a smaller
        # count than the machine's is set; a job uses one core (n_jobs=1 throughout).
        "LOKY_MAX_CPU_COUNT": "1",
    }


def die_with_parent() -> Callable[[], None]:
    """A ``preexec_fn``: the child gets SIGKILL when the thread that started it ends.

    Everything the child calls between fork and exec is looked up here, before the
    fork: an import or a dynamic-loader lookup there could block.
    """
    parent = os.getpid()
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    sigkill, getppid, exit_now = int(signal.SIGKILL), os.getppid, os._exit

    def arm() -> None:
        prctl(PR_SET_PDEATHSIG, sigkill, 0, 0, 0)
        if getppid() != parent:
            # The parent died before the signal was armed.
            exit_now(1)

    return arm


@dataclass(frozen=True)
class RunOptions:
    """How a job's process runs, besides its command, environment and timeout.

    With ``inputs`` (relative path -> content) the job runs in a fresh temporary
    directory holding them, and the files it created or changed come back in
    ``outputs``; with ``workdir`` it runs there, in place (a shared volume).
    ``should_stop`` is asked every ``stop_poll_s``: true means cancelled; a killed
    job gets ``kill_grace_s`` between SIGTERM and SIGKILL; stdout and stderr come
    back as their last ``tail_bytes``.
    """

    inputs: dict[str, bytes] | None = None
    workdir: str | None = None
    should_stop: Callable[[], bool] | None = None
    stop_poll_s: float = 0.25
    kill_grace_s: float = 3.0
    tail_bytes: int = 16_000


DEFAULT_OPTIONS = RunOptions()


def run_entrypoint(job_id: str, entrypoint: str, command: str, environment: dict[str, str],
                   timeout_s: float, options: RunOptions = DEFAULT_OPTIONS) -> dict[str, Any]:
    """Run ``entrypoint command`` as the job, on this machine; the Dask task."""
    inputs, workdir, tail_bytes = options.inputs, options.workdir, options.tail_bytes
    scratch = None
    if workdir is None:
        scratch = tempfile.mkdtemp(prefix=f"woken-{job_id[:36]}-")
        workdir = scratch
        write_files(Path(workdir), inputs or {})
    try:
        env = {**base_environment(), **environment, VOLUME_VARIABLE: workdir}
        with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
            started = time.monotonic()
            process = subprocess.Popen(
                [entrypoint, command], cwd=workdir, env=env, stdin=subprocess.DEVNULL,
                stdout=stdout, stderr=stderr,
                # Its own process group, so that a timeout or a cancel kills its children too.
                start_new_session=True,
                # It dies with the worker: a killed worker leaves no job running.
                preexec_fn=die_with_parent(),
            )
            ending = _wait(process, timeout_s, options.should_stop, options.stop_poll_s,
                           options.kill_grace_s)
            runtime = time.monotonic() - started
            outputs = _changed_files(Path(workdir), inputs or {}) if scratch else {}
            return {
                "exit_code": process.returncode,
                "ending": ending,
                "runtime_s": runtime,
                "outputs": outputs,
                "stdout": _tail(stdout, tail_bytes),
                "stderr": _tail(stderr, tail_bytes),
                "hostname": socket.gethostname(),
                "pid": process.pid,
                "launcher": "exec",
            }
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def _wait(process: subprocess.Popen[bytes], timeout_s: float,
          should_stop: Callable[[], bool] | None, poll_s: float, grace_s: float) -> str:
    """Wait for the process: 'exited', or 'timed_out' / 'cancelled' once it was killed."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            process.wait(timeout=max(0.0, min(poll_s, deadline - time.monotonic())))
            return "exited"
        except subprocess.TimeoutExpired:
            pass
        ending = ""
        if time.monotonic() >= deadline:
            ending = "timed_out"
        elif should_stop is not None and _asked_to_stop(should_stop):
            ending = "cancelled"
        if ending:
            _stop_group(process, grace_s)
            return ending


def _asked_to_stop(should_stop: Callable[[], bool]) -> bool:
    # A scheduler that cannot answer is no reason to kill the job: its timeout still holds.
    try:
        return bool(should_stop())
    except Exception:
        return False


def _stop_group(process: subprocess.Popen[bytes], grace_s: float) -> None:
    """SIGTERM the process group, SIGKILL it after the grace period."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGTERM)
    stop_group_and_reap(process, grace_s)


def stop_group_and_reap(process: subprocess.Popen[bytes], grace_s: float) -> None:
    """Wait up to `grace_s` for the group's leader, SIGKILL what is left of its group, reap it.

    The group is killed while its leader is still unreaped (a zombie holds its pid):
    once reaped, the pid may be reused, and a late ``killpg`` would hit another
    process group (pids wrap around on a busy machine: pid_max is often 32768).
    """
    deadline = time.monotonic() + grace_s
    while process.returncode is None and _unreaped_exit(process.pid) is None:
        if time.monotonic() >= deadline:
            break
        time.sleep(0.02)
    if process.returncode is None:
        # Alive or a zombie: either way the pid, and so the group id, is still ours.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _unreaped_exit(pid: int) -> os.waitid_result | None:
    """The exit of child `pid` if it has ended, without reaping it (None while it runs)."""
    try:
        return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:
        return None


def write_files(root: Path, files: dict[str, bytes]) -> None:
    for name, content in files.items():
        path = _inside(root, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def _changed_files(root: Path, before: dict[str, bytes]) -> dict[str, bytes]:
    """The files under ``root`` that are new, or differ from what was written there."""
    changed = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        name = path.relative_to(root).as_posix()
        content = path.read_bytes()
        if before.get(name) != content:
            changed[name] = content
    return changed


def _inside(root: Path, name: str) -> Path:
    """``root / name``, refusing a name that would leave ``root``."""
    path = (root / name).resolve()
    if not path.is_relative_to(root.resolve()):
        raise ValueError(f"file name {name!r} leaves the job's directory")
    return path


def _tail(stream: Any, max_bytes: int) -> str:
    stream.seek(0, os.SEEK_END)
    stream.seek(max(0, stream.tell() - max_bytes))
    return stream.read().decode("utf-8", errors="replace")
