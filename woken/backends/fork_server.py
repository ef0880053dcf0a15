"""The warm fork server: a Python process with the algorithms' libraries loaded, one fork per job.

Starting ``python3 -m woken.algorithms.knn`` costs more than a small job itself (the
interpreter, then numpy, scipy and scikit-learn). This server pays that once:
the local backend starts it as a separate program (``python fork_server.py
--socket-fd N --root DIR``, never forked from Woken, so no Woken thread is
copied into it), it imports the libraries and the ``woken.algorithms`` package found
under ``--root``, and then, for each job, forks one child that becomes what the
exec path would have started:

- its own session and process group (the backend's timeout kills the group);
- killed if the server dies (``PR_SET_PDEATHSIG``), checked against the race;
- stdin ``/dev/null``, stdout and stderr the job's log files (passed as file
  descriptors with the request), every other descriptor closed;
- the job's volume as working directory and on ``sys.path[0]`` (as ``-m`` does);
- ``os.environ`` replaced by the job's environment plus what the entrypoint
  script and ``sh`` add (``PYTHONPATH``, ``PWD``);
- ``sys.argv = [<module file>, command]``, the module run as ``__main__`` by
  ``runpy``, and its exit code kept: ``SystemExit``'s code, or 1 with the
  traceback on stderr for an uncaught exception.

The algorithm's own modules (``woken.algorithms.<code>.*``, not ``woken.algorithms.common``)
are imported in the server only to load what they import; the child drops them
and imports them again, so that their module-level code runs in the job's
environment as it would in a fresh process.

Protocol, over a Unix stream socket inherited from the backend, one JSON object
per line. Requests::

    {"op": "run", "job": id, "module": "woken.algorithms.knn", "command": "compute",
     "cwd": volume, "env": {...}}      + SCM_RIGHTS: [stdout fd, stderr fd]

Events::

    {"event": "ready", "pid": n, "seconds": t, "failed": {module: error}}
    {"event": "started", "job": id, "pid": n}
    {"event": "exited", "job": id, "pid": n, "code": c}  (or "signal": s)
    {"event": "error", "job": id, "message": text}      (the fork itself failed)

The fork is kept off a job's path: the server forks one *spare* child ahead, which
does at once everything that does not depend on the job (its session, the death
signal, closing the server's descriptors, dropping the algorithm's modules,
fresh random seeds) and then waits on its own socket for one request. A job's
request goes to the spare, which becomes that job and nothing else; the server
then forks the next spare. A spare serves exactly one job (one process per job,
never reused); a spare that died is replaced, and without one the server forks
the job's child directly.

The server is single-threaded in Python (OpenBLAS's own worker threads are shut
down around ``fork`` by its ``pthread_atfork`` handlers) and reaps every child
itself with ``waitpid`` (a pidfd per child tells it when). When the backend goes
away (end of file on the socket) it kills every child's process group and exits.

This file imports nothing from Woken: it runs with the algorithms' environment.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import ctypes
import gc
import importlib
import json
import os
import pkgutil
import selectors
import signal
import socket
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any, NoReturn

# Imported before any job, in this order; a failure is reported, never fatal.
THIRD_PARTY = ("numpy", "scipy", "scipy.stats", "sklearn", "joblib")
ALGORITHMS_PACKAGE = "woken.algorithms"
COMMON_PACKAGE = "woken.algorithms.common"
NO_WARM_VARIABLE = "WOKEN_FORK_SERVER_NO_WARM"

PR_SET_PDEATHSIG = 1
# A child that cannot become the job (setup failed) exits with this code, as a
# shell does for a command it cannot run; its reason is on the job's stderr.
EXIT_SETUP_FAILED = 127
MAX_FDS_PER_MESSAGE = 16
# The selector's mark of the spare child's pidfd (job ids mark the jobs' pidfds).
SPARE = object()
READ_SIZE = 1 << 16

_libc = ctypes.CDLL(None, use_errno=True)
_prctl = _libc.prctl


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--socket-fd", type=int, required=True)
    parser.add_argument("--root", type=Path, required=True,
                        help="the folder holding the woken.algorithms package")
    args = parser.parse_args(argv)
    control = socket.socket(fileno=args.socket_fd)
    # The script's own folder (woken/backends) must not be importable as top-level names.
    script_dir = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != script_dir]
    root = str(args.root)
    if root not in sys.path:
        sys.path.insert(0, root)
    started = time.monotonic()
    failed = preload(args.root)
    # Off only to measure what the warming saves (benchmarks/job_breakdown.py).
    if os.environ.get(NO_WARM_VARIABLE) != "1":
        warm_lookups()
    # The preloaded objects are never collected: keep the collector off their pages,
    # so that children share them instead of copying them.
    gc.collect()
    gc.freeze()
    server = Server(control, root)
    server.emit({"event": "ready", "pid": os.getpid(),
                 "seconds": round(time.monotonic() - started, 3), "failed": failed})
    server.serve()
    return 0


def preload(root: Path) -> dict[str, str]:
    """Import the libraries and every algorithm module; returns the modules that failed."""
    failed: dict[str, str] = {}
    names = [*list(THIRD_PARTY), ALGORITHMS_PACKAGE, COMMON_PACKAGE]
    for name in names:
        _try_import(name, failed)
    common = sys.modules.get(COMMON_PACKAGE)
    if common is not None:
        for info in pkgutil.iter_modules(common.__path__, COMMON_PACKAGE + "."):
            _try_import(info.name, failed)
    package_dir = root.joinpath(*ALGORITHMS_PACKAGE.split("."))
    for code in sorted(_algorithm_codes(package_dir)):
        package = f"{ALGORITHMS_PACKAGE}.{code}"
        if _try_import(package, failed):
            for info in pkgutil.iter_modules([str(package_dir / code)], package + "."):
                if not info.name.endswith(".__main__"):
                    _try_import(info.name, failed)
    for name, error in failed.items():
        print(f"fork server: could not preload {name}: {error}", file=sys.stderr, flush=True)
    return failed


def warm_lookups() -> None:
    """Do once here the lookups every job would otherwise redo after its fork.

    Each is cached by its library in a module global that the children inherit:
    narwhals' plugin entry-point scan (importlib.metadata walks every installed
    distribution), threadpoolctl's scan of the loaded native libraries (the
    controller scikit-learn keeps), and loky's count of physical cores (an
    ``lscpu`` subprocess). None runs a computation: an OpenMP pool started by a
    predict here made a forked child hang; thread counts come from the environment.
    """
    warmers = (
        ("narwhals.plugins", "_discover_entrypoints"),
        ("sklearn.utils.parallel", "_get_threadpool_controller"),
        ("joblib.externals.loky.backend.context", "_count_physical_cores"),
    )
    for module_name, function in warmers:
        try:
            getattr(importlib.import_module(module_name), function)()
        except Exception as error:  # another library version: the job does the lookup itself
            print(f"fork server: could not warm {module_name}.{function}: {error}",
                  file=sys.stderr, flush=True)


def _algorithm_codes(package_dir: Path) -> list[str]:
    try:
        entries = list(package_dir.iterdir())
    except OSError:
        return []
    return [e.name for e in entries
            if e.name.isidentifier() and e.name != "common" and (e / "__main__.py").is_file()]


def _try_import(name: str, failed: dict[str, str]) -> bool:
    try:
        importlib.import_module(name)
    except Exception as error:  # an optional library, or a broken algorithm: the job says
        failed[name] = f"{type(error).__name__}: {error}"
        return False
    return True


class Server:
    """The fork server's loop: reads requests from the control socket, forks jobs, reports exits."""

    def __init__(self, control: socket.socket, root: str):
        self.control = control
        self.root = root
        self.selector = selectors.DefaultSelector()
        self.selector.register(control, selectors.EVENT_READ, None)
        self.buffer = b""
        self.fds: list[int] = []
        # pidfd -> (job id, pid)
        self.children: dict[int, tuple[str, int]] = {}
        # The child forked ahead for the next job: (pid, pidfd, the server's end of its socket).
        self.spare: tuple[int, int, socket.socket] | None = None
        # Set when a spare died before it had a job: the next one is forked after the next
        # job, not at once (a child that cannot live would otherwise be forked in a loop).
        self.spare_lost = False
        # Listed here once: a child walking sys.modules would copy every page its names
        # are on (their reference counts change), about 1,700 page faults per job.
        self.algorithm_modules = _algorithm_module_names()

    def serve(self) -> None:
        self.fork_spare()
        while True:
            for key, _ in self.selector.select():
                if key.data is None:
                    if not self.read_requests():
                        self.shutdown()
                        return
                elif key.data is SPARE:
                    self.spare_died()
                else:
                    self.reap(key.fd)
            if self.spare is None and not self.spare_lost:
                self.fork_spare()

    def read_requests(self) -> bool:
        """Handle what the backend sent; False once it has gone."""
        try:
            data, fds, _flags, _address = socket.recv_fds(
                self.control, READ_SIZE, MAX_FDS_PER_MESSAGE)
        except ConnectionError:
            return False
        self.fds.extend(fds)
        if not data:
            return False
        self.buffer += data
        *lines, self.buffer = self.buffer.split(b"\n")
        for line in lines:
            if line.strip():
                self.handle(json.loads(line))
        return True

    def handle(self, request: dict[str, Any]) -> None:
        if request.get("op") != "run":
            self.emit({"event": "error", "job": request.get("job"),
                       "message": f"unknown request {request.get('op')!r}"})
            return
        job = str(request["job"])
        if len(self.fds) < 2:
            self.emit({"event": "error", "job": job,
                       "message": "the request came without its log file descriptors"})
            return
        out_fd, err_fd = self.fds.pop(0), self.fds.pop(0)
        try:
            child = self.hand_to_spare(request, out_fd, err_fd) or self.fork_job(
                request, out_fd, err_fd)
        finally:
            os.close(out_fd)
            os.close(err_fd)
        if child is None:
            return
        pid, pidfd = child
        self.spare_lost = False
        self.children[pidfd] = (job, pid)
        self.selector.register(pidfd, selectors.EVENT_READ, job)
        self.emit({"event": "started", "job": job, "pid": pid})

    def fork_spare(self) -> None:
        """Fork the child of the next job; it waits for its request on its own socket."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            pid, server_pid = _fork()
        except OSError as error:
            ours.close()
            theirs.close()
            print(f"fork server: could not fork a spare child: {error}", file=sys.stderr,
                  flush=True)
            return
        if pid == 0:
            ours.close()
            self.prepare_child(server_pid, keep=(theirs.fileno(),))
            self.wait_for_job(theirs)
        theirs.close()
        pidfd = os.pidfd_open(pid)
        self.spare = (pid, pidfd, ours)
        self.selector.register(pidfd, selectors.EVENT_READ, SPARE)

    def hand_to_spare(self, request: dict[str, Any], out_fd: int,
                      err_fd: int) -> tuple[int, int] | None:
        """Send the job to the spare child: (its pid, its pidfd), or None if no spare took it."""
        if self.spare is None:
            return None
        pid, pidfd, sock = self.spare
        self.spare = None
        self.selector.unregister(pidfd)
        data = json.dumps(request).encode()
        try:
            with sock:
                sent = socket.send_fds(sock, [data], [out_fd, err_fd])
                sock.sendall(data[sent:])
        except OSError:
            # It died, or cannot read: it takes no job. Killed and reaped here.
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(pidfd)
            return None
        return pid, pidfd

    def spare_died(self) -> None:
        """The spare ended before it had a job (killed from outside): reap it."""
        assert self.spare is not None
        pid, pidfd, sock = self.spare
        self.spare, self.spare_lost = None, True
        self.selector.unregister(pidfd)
        sock.close()
        os.waitpid(pid, 0)
        os.close(pidfd)

    def fork_job(self, request: dict[str, Any], out_fd: int,
                 err_fd: int) -> tuple[int, int] | None:
        """Fork the job's child directly (no spare): (its pid, its pidfd), None on failure."""
        job = str(request["job"])
        try:
            pid, server_pid = _fork()
        except OSError as error:
            self.emit({"event": "error", "job": job, "message": f"fork failed: {error}"})
            return None
        if pid == 0:
            self.prepare_child(server_pid, keep=(out_fd, err_fd))
            self.become_job(request, out_fd, err_fd)
        return pid, os.pidfd_open(pid)

    def prepare_child(self, server_pid: int, keep: tuple[int, ...]) -> None:
        """In a new child, what every job's process gets whatever the job is.

        Its own session, the death signal, none of the server's descriptors but
        those in ``keep``, stdin from /dev/null, the algorithms' modules dropped (the job
        imports them afresh) and fresh random seeds.
        """
        try:
            os.setsid()
            if _prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
                raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
            if os.getppid() != server_pid:
                # The server died before the death signal was armed.
                os._exit(EXIT_SETUP_FAILED)
            # Close the server's descriptors through their objects, so that nothing
            # closes a reused descriptor number later.
            self.selector.close()
            self.control.close()
            if self.spare is not None:
                self.spare[2].close()
            devnull = os.open(os.devnull, os.O_RDONLY)
            os.dup2(devnull, 0)
            low = 3
            for fd in sorted(keep):
                os.closerange(low, fd)
                low = fd + 1
            os.closerange(low, _max_fd())
            for name in self.algorithm_modules:
                sys.modules.pop(name, None)
            _reseed_random()
        except BaseException:
            os._exit(EXIT_SETUP_FAILED)

    def wait_for_job(self, sock: socket.socket) -> NoReturn:
        """In a spare child: wait for the one job this process will be, then become it."""
        try:
            # The request and its two log descriptors, then the end of the socket.
            data, fds, _flags, _address = socket.recv_fds(sock, READ_SIZE, 2)
            chunks = [data]
            while chunks[-1]:
                chunks.append(sock.recv(READ_SIZE))
            sock.close()
            if len(fds) != 2:
                os._exit(0)  # the server went away, or stopped: no job for this one
            request = json.loads(b"".join(chunks))
        except BaseException:
            os._exit(EXIT_SETUP_FAILED)
        self.become_job(request, fds[0], fds[1])

    def become_job(self, request: dict[str, Any], out_fd: int, err_fd: int) -> NoReturn:
        """In the prepared child: the job's streams, directory and environment; run it, exit."""
        try:
            os.dup2(out_fd, 1)
            os.dup2(err_fd, 2)
            for fd in {out_fd, err_fd} - {1, 2}:
                os.close(fd)
        except BaseException:
            os._exit(EXIT_SETUP_FAILED)
        try:
            os.chdir(request["cwd"])
            environment = dict(request["env"])
            # What the entrypoint script exports, and what sh adds, in the exec path.
            given = environment.get("PYTHONPATH", "")
            environment["PYTHONPATH"] = f"{self.root}{os.pathsep}{given}" if given else self.root
            extra = [p for p in given.split(os.pathsep) if p]
            environment.setdefault("PWD", os.getcwd())
            os.environ.clear()
            os.environ.update(environment)
            module = str(request["module"])
            sys.argv = [module, str(request["command"])]
            # The path of `python -m`: the working directory, then PYTHONPATH, then the rest.
            rest = [p for p in sys.path if p != self.root]
            sys.path[:] = [os.getcwd(), self.root, *extra, *rest]
        except BaseException:
            traceback.print_exc()
            print("error: the fork server could not set up the job's process",
                  file=sys.stderr, flush=True)
            os._exit(EXIT_SETUP_FAILED)
        os._exit(run_module(module))

    def reap(self, pidfd: int) -> None:
        job, pid = self.children.pop(pidfd)
        self.selector.unregister(pidfd)
        os.close(pidfd)
        _, status = os.waitpid(pid, 0)
        event: dict[str, Any] = {"event": "exited", "job": job, "pid": pid}
        if os.WIFSIGNALED(status):
            event["signal"] = os.WTERMSIG(status)
        else:
            event["code"] = os.waitstatus_to_exitcode(status)
        self.emit(event)

    def emit(self, event: dict[str, Any]) -> None:
        # If the backend is gone, the next read sees the end of the socket.
        with contextlib.suppress(OSError):
            self.control.sendall(json.dumps(event).encode() + b"\n")

    def shutdown(self) -> None:
        """The backend has gone: no job outlives it."""
        if self.spare is not None:
            pid, pidfd, sock = self.spare
            self.spare = None
            sock.close()
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(pidfd)
        for _job, pid in self.children.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
        for pidfd, (_job, pid) in list(self.children.items()):
            os.waitpid(pid, 0)
            os.close(pidfd)
        self.children.clear()


def _fork() -> tuple[int, int]:
    """``os.fork`` with this process's output flushed first: (the child's pid, the server's)."""
    sys.stdout.flush()
    sys.stderr.flush()
    server_pid = os.getpid()
    return os.fork(), server_pid


def run_module(module: str) -> int:
    """Run ``module`` as ``python -m`` would; returns the process's exit code."""
    import runpy

    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as stop:
        code = _exit_code(stop.code)
    except BaseException:
        exc_type, value, tb = sys.exc_info()
        assert exc_type is not None and value is not None
        sys.excepthook(exc_type, value, tb)
        code = 1
    # What interpreter shutdown does: wait for the job's threads, run its exit handlers.
    try:
        threading._shutdown()  # type: ignore[attr-defined]
    except BaseException:
        traceback.print_exc()
    try:
        atexit._run_exitfuncs()
    except BaseException:
        traceback.print_exc()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BaseException):
            stream.flush()
    return code


def _exit_code(code: object) -> int:
    """The process exit code of ``sys.exit(code)``, as the interpreter computes it."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    with contextlib.suppress(BaseException):
        print(code, file=sys.stderr, flush=True)
    return 1


def _algorithm_module_names() -> list[str]:
    """The algorithms' own modules (not the shared ones), which each job imports afresh."""
    prefix = ALGORITHMS_PACKAGE + "."
    return [name for name in sys.modules
            if name.startswith(prefix) and name != COMMON_PACKAGE
            and not name.startswith(COMMON_PACKAGE + ".")]


def _reseed_random() -> None:
    """A fresh process draws fresh seeds; a forked one would share the server's state."""
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()


def _max_fd() -> int:
    try:
        return os.sysconf("SC_OPEN_MAX")
    except (OSError, ValueError):
        return 1 << 16


if __name__ == "__main__":
    sys.exit(main())
