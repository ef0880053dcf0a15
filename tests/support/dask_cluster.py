"""A real Dask cluster for tests: a ``dask scheduler`` and ``dask worker`` processes.

On loopback by default (free ports, ``--nthreads 1``). With ``netns=True`` (root,
``ip netns`` working) each worker runs in its own network namespace joined to the
host by a veth pair: its own address, as a separate host would have. Every
process runs in its own process group and is killed at the end (then the
namespaces are deleted): nothing is left running.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from distributed import Client

from tests.support.netns import Namespaces
from tests.support.started import StartedWhileInside
from woken.backends.job_process import stop_group_and_reap

DASK = str(Path(sys.executable).with_name("dask"))
START_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class DaskCluster(StartedWhileInside):
    def __init__(self, workdir: Path, workers: int = 2, netns: bool = False,
                 worker_resources: str = ""):
        self.workdir = workdir
        self.n_workers = workers
        self.netns = netns
        self.worker_resources = worker_resources
        self.port = free_port()
        self.scheduler: subprocess.Popen[bytes] | None = None
        self.workers: list[subprocess.Popen[bytes]] = []
        self._namespaces = Namespaces("dk", 213)

    @property
    def address(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.scheduler = self._spawn("scheduler", [
            DASK, "scheduler", "--host", "0.0.0.0" if self.netns else "127.0.0.1",
            "--port", str(self.port), "--no-dashboard", "--no-show",
        ])
        for index in range(self.n_workers):
            self.workers.append(self.start_worker(index))
        self.wait_for_workers(self.n_workers)

    def start_worker(self, index: int) -> subprocess.Popen[bytes]:
        host, scheduler, prefix = "127.0.0.1", self.address, []
        if self.netns:
            namespace = self._namespaces.add(index)
            host = namespace.address
            scheduler = f"tcp://{namespace.host_address}:{self.port}"
            prefix = namespace.prefix()
        command = [
            *prefix, DASK, "worker", scheduler, "--nthreads", "1", "--no-nanny",
            "--host", host, "--no-dashboard", "--name", f"worker-{index}",
            "--local-directory", str(self.workdir / f"worker-{index}"),
        ]
        if self.worker_resources:
            command += ["--resources", self.worker_resources]
        return self._spawn(f"worker-{index}", command)

    def _spawn(self, name: str, command: list[str]) -> subprocess.Popen[bytes]:
        with (self.workdir / f"{name}.log").open("ab") as log:
            return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log,
                                    stderr=subprocess.STDOUT, start_new_session=True,
                                    cwd=self.workdir)

    def client(self) -> Client:
        return Client(self.address, timeout=10, set_as_default=False)

    def worker_addresses(self) -> list[str]:
        with self.client() as client:
            return sorted(client.scheduler_info()["workers"])

    def wait_for_workers(self, count: int) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        with self.client() as client:
            while time.monotonic() < deadline:
                if len(client.scheduler_info()["workers"]) >= count:
                    return
                time.sleep(0.1)
        raise AssertionError(f"{count} Dask workers did not join within {START_TIMEOUT_S:g} s; "
                             f"see the logs in {self.workdir}")

    def wait_until_idle(self, timeout_s: float) -> bool:
        """True once no worker holds a task (running, queued or kept) within the timeout."""
        deadline = time.monotonic() + timeout_s
        with self.client() as client:
            while time.monotonic() < deadline:
                if not any(client.processing().values()) and not any(client.has_what().values()):
                    return True
                time.sleep(0.1)
        return False

    def kill_worker(self, index: int) -> None:
        """``kill -9`` of the worker process."""
        process = self.workers[index]
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def kill_scheduler(self) -> None:
        assert self.scheduler is not None
        os.kill(self.scheduler.pid, signal.SIGKILL)
        self.scheduler.wait(timeout=10)

    def stop(self) -> None:
        processes = [*self.workers, *([self.scheduler] if self.scheduler else [])]
        for process in processes:
            if process.returncode is None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            # Its group (any job process it left) goes too, before the pid can be reused.
            stop_group_and_reap(process, grace_s=10)
        self._namespaces.close()
