"""How the local backend starts a job's process: exec of its entrypoint, or a fork of a warm server.

Both launchers give the algorithm the same process: the same environment
(`process_environment`), working directory, log files, process group and exit
code. The exec path runs ``entrypoint.sh`` (which execs ``python3 -m
woken.algorithms.<code>``); the fork path asks `ForkServer`, a long-lived process with
numpy, scipy and scikit-learn already imported (``fork_server.py``), to fork a
child that runs the same module. Only an algorithm whose entrypoint is that
standard script of a Python package under the server's ``woken/algorithms`` folder
can be forked (`forkable_module`); anything else is exec'd.

Every process started here dies with its parent (``PR_SET_PDEATHSIG``), so a
killed Woken leaves no job writing into a volume. The signal follows the
*thread* that started the process: the backend starts them all from its
long-lived monitor thread.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import select
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

from woken.backends.base import JobSpec
from woken.backends.job_process import base_environment, die_with_parent
from woken.backends.logs import tail

log = logging.getLogger(__name__)

SERVER_SCRIPT = Path(__file__).resolve().with_name("fork_server.py")
# How long a request may wait to be written into the server's socket.
SEND_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 5.0
LOG_TAIL_CHARS = 600

# The fork server's allocator: CPython's own for Python's objects, and glibc's malloc on
# transparent huge pages for the large blocks CPython hands it (numpy's arrays).
# Measured by what a job costs (benchmarks/fork_allocator.py): with glibc's malloc for
# every object (PYTHONMALLOC=malloc) an empty child's fork and exit were cheaper, but a
# job wrote to about twice as many pages of the heap it shares with the server (each a
# copy-on-write fault), and P1's batched jobs took about 20 % longer. A job's own
# subprocesses do not inherit it (a job gets its own environment).
FORK_SERVER_ALLOCATOR = {"GLIBC_TUNABLES": "glibc.malloc.hugetlb=1"}


def fork_server_environment(root: Path) -> dict[str, str]:
    """The fork server's environment: a job's, its allocator, and the algorithms' root."""
    return {**base_environment(), **FORK_SERVER_ALLOCATOR, "PYTHONPATH": str(root)}


def process_environment(spec: JobSpec) -> dict[str, str]:
    """The whole environment of the job's process (nothing else of Woken's leaks in)."""
    return {**base_environment(), **spec.environment, "JOB_VOLUME": str(spec.volume)}


def forkable_module(entrypoint: Path, root: Path) -> str | None:
    """``woken.algorithms.<code>`` if the fork server under ``root`` can run it, else None.

    The entrypoint, symlinks resolved, must be ``<root>/woken/algorithms/<code>/entrypoint.sh``
    exec'ing ``python3 -m woken.algorithms.<code>``, and the package must have a ``__main__.py``.
    """
    try:
        real = entrypoint.resolve(strict=True)
        package_dir = real.parent
        code = package_dir.name
        if (real.name != "entrypoint.sh" or not code.isidentifier() or code == "common"
                or package_dir.parent != (root / "woken" / "algorithms").resolve()
                or not (package_dir / "__main__.py").is_file()
                or not (package_dir.parent / "__init__.py").is_file()):
            return None
        script = real.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    standard = rf'^\s*exec python3 -m woken\.algorithms\.{re.escape(code)} "\$@"\s*$'
    if re.search(standard, script, re.MULTILINE) is None:
        return None
    return f"woken.algorithms.{code}"


class ForkServerGone(Exception):
    """The server cannot take a request any more (it died, or stopped reading)."""


class ForkServer:
    """Woken's end of one fork server process: start, send jobs, read events, stop."""

    def __init__(self, root: Path, log_path: Path, python: str = sys.executable):
        self.root = root
        self.log_path = log_path
        self.python = python
        self.process: subprocess.Popen[bytes] | None = None
        self.ready = False
        self._socket: socket.socket | None = None
        self._buffer = b""
        self._end_of_socket = False
        self._log_start = 0
        self._killed_because = ""

    @property
    def pid(self) -> int | None:
        return None if self.process is None else self.process.pid

    def fileno(self) -> int | None:
        """The socket to wait on for events (None once it has ended)."""
        if self._socket is None or self._end_of_socket:
            return None
        return self._socket.fileno()

    def start(self) -> None:
        """Start the server process (it preloads in the background). Raises OSError."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            with self.log_path.open("ab") as server_log:
                self._log_start = server_log.tell()
                self.process = subprocess.Popen(
                    [self.python, str(SERVER_SCRIPT), "--socket-fd", str(theirs.fileno()),
                     "--root", str(self.root)],
                    pass_fds=(theirs.fileno(),),
                    env=fork_server_environment(self.root),
                    cwd=self.root,
                    stdin=subprocess.DEVNULL, stdout=server_log, stderr=subprocess.STDOUT,
                    # Not in Woken's process group: a Ctrl-C meant for Woken is not for it.
                    start_new_session=True,
                    preexec_fn=die_with_parent(),
                )
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        ours.settimeout(SEND_TIMEOUT_S)
        self._socket = ours
        log.info("fork server started, pid %d", self.process.pid)

    def run(self, job_id: str, module: str, command: str, cwd: Path, env: dict[str, str],
            stdout_fd: int, stderr_fd: int) -> None:
        """Ask for one job; its pid comes back in a `started` event."""
        request = {"op": "run", "job": job_id, "module": module, "command": command,
                   "cwd": str(cwd), "env": env}
        line = json.dumps(request).encode() + b"\n"
        if self._socket is None or self._end_of_socket:
            raise ForkServerGone("the fork server is not running")
        try:
            sent = socket.send_fds(self._socket, [line], [stdout_fd, stderr_fd])
            if sent < len(line):
                self._socket.sendall(line[sent:])
        except OSError as error:
            raise ForkServerGone(f"could not send the job to the fork server: {error}") from error

    def events(self) -> list[dict[str, Any]]:
        """The events the server has sent since the last call (never blocks)."""
        sock = self._socket
        while sock is not None and not self._end_of_socket:
            readable, _, _ = select.select([sock], [], [], 0)
            if not readable:
                break
            try:
                data = sock.recv(1 << 16)
            except OSError:
                data = b""
            if not data:
                self._end_of_socket = True
                break
            self._buffer += data
        *lines, self._buffer = self._buffer.split(b"\n")
        events = [json.loads(line) for line in lines if line.strip()]
        for event in events:
            if event.get("event") == "ready":
                self.ready = True
                log.info("fork server %s ready after %s s%s", event.get("pid"),
                         event.get("seconds"),
                         f"; could not preload {event['failed']}" if event.get("failed") else "")
        return events

    def has_died(self) -> bool:
        return self._end_of_socket or (self.process is not None and self.process.poll() is not None)

    def death_reason(self) -> str:
        """Why it died: its exit status and the end of its log."""
        process = self.process
        if process is None:
            return "it was never started"
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=1.0)
        code = process.returncode
        if code is None:
            reason = f"pid {process.pid} closed its socket"
        elif code < 0:
            reason = f"pid {process.pid} was killed by {_signal_name(-code)}"
        else:
            reason = f"pid {process.pid} exited with code {code}"
        if self._killed_because:
            reason += f" (Woken killed it: {self._killed_because})"
        if not self.ready:
            reason += " before it was ready"
        output = tail(self.log_path, LOG_TAIL_CHARS, start=self._log_start).strip()
        return f"{reason}; its log ends with: {output}" if output else reason

    def kill(self, because: str) -> None:
        if self.process is not None and self.process.poll() is None:
            self._killed_because = self._killed_because or because
            self.process.kill()

    def stop(self) -> None:
        """Close its socket (it then kills its jobs and exits); kill it if it lingers."""
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        process = self.process
        if process is None:
            return
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
