"""Run `woken serve` as a separate process on a free loopback port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from tests.support.netns import Namespace

START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 20


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class RunningWoken:
    url: str
    process: subprocess.Popen[bytes]


@contextmanager
def woken_server(
    data_dir: Path, extra_env: dict[str, str] | None = None, woken: Path | None = None,
    namespace: Namespace | None = None,
) -> Iterator[RunningWoken]:
    """Yield a running `woken serve` (its URL and process); stop it (SIGTERM) at the end.

    Like `make serve`, the data directory is given relative to the working directory.
    ``woken`` is the command to run (default: the one installed next to this Python).
    In a ``namespace``, it listens on the namespace's address (off loopback: give it
    WOKEN_AUTH_USER and WOKEN_AUTH_PASSWORD in ``extra_env``), reached over the veth.
    """
    port = free_port()
    woken = woken or Path(sys.executable).parent / "woken"
    log_path = data_dir.parent / f"woken-{port}.log"
    env = {**os.environ, **(extra_env or {})}
    host = namespace.address if namespace else "127.0.0.1"
    prefix = namespace.prefix() if namespace else []
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*prefix, str(woken), "--data-dir", data_dir.name, "serve", "--host", host,
             "--port", str(port)],
            cwd=data_dir.parent, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        url = f"http://{host}:{port}"
        try:
            _wait_until_healthy(url, process, log_path)
            yield RunningWoken(url, process)
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(STOP_TIMEOUT_S)
                except subprocess.TimeoutExpired as late:
                    process.kill()
                    process.wait()
                    raise AssertionError(f"woken did not stop within {STOP_TIMEOUT_S} s") from late


def _wait_until_healthy(url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"woken exited with {process.returncode}:\n{log_path.read_text()}")
        try:
            if requests.get(f"{url}/readiness", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"woken was not ready within {START_TIMEOUT_S} s:\n{log_path.read_text()}")
