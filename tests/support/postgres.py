"""A throwaway PostgreSQL cluster for the test session: initdb, pg_ctl start, drop at the end.

PostgreSQL refuses to run as root, so as root the server commands run as the
``postgres`` user. ``WOKEN_TEST_POSTGRES_URL`` points the tests at an existing
server instead (a database the tests may create databases in).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

START_TIMEOUT_S = 60


def _bin_dir() -> Path:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
    if candidates:
        return candidates[0].parent
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) are not installed")


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PostgresServer:
    """A PostgreSQL server of the tests' own, which a test may stop, start and restart."""

    url: str
    bin_dir: Path
    data: Path
    log_file: Path
    options: str

    def pg_ctl(self, *arguments: str) -> None:
        subprocess.run(
            _as_server_user([str(self.bin_dir / "pg_ctl"), "-D", str(self.data),
                             "-l", str(self.log_file), "-o", self.options, "-w",
                             "-t", str(START_TIMEOUT_S), *arguments]),
            check=True, capture_output=True, timeout=START_TIMEOUT_S + 10,
        )

    def start(self) -> None:
        self.pg_ctl("start")
        _wait_ready(self.url)

    def stop(self) -> None:
        self.pg_ctl("-m", "fast", "stop")

    def restart(self) -> None:
        self.pg_ctl("-m", "fast", "restart")
        _wait_ready(self.url)


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """Yield the URL of a fresh PostgreSQL server (superuser ``postgres``, trust on loopback)."""
    existing = os.environ.get("WOKEN_TEST_POSTGRES_URL")
    if existing:
        yield existing
        return
    with postgres_server() as server:
        yield server.url


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """A fresh PostgreSQL server, always a new one (a test may restart it)."""
    bin_dir = _bin_dir()
    root = Path(tempfile.mkdtemp(prefix="woken-pg-"))
    data, sockets = root / "data", root / "run"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
    port = _free_port()
    log_file = root / "server.log"
    try:
        subprocess.run(
            _as_server_user([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres",
                             "--auth=trust", "-E", "UTF8", "--no-sync"]),
            check=True, capture_output=True, timeout=START_TIMEOUT_S,
        )
        options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
        server = PostgresServer(f"postgresql://postgres@127.0.0.1:{port}/postgres",
                                bin_dir, data, log_file, options)
        server.start()
        yield server
    finally:
        if data.exists():
            subprocess.run(
                _as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate",
                                 "-w", "stop"]),
                capture_output=True, timeout=START_TIMEOUT_S,
            )
        shutil.rmtree(root, ignore_errors=True)


def _wait_ready(url: str) -> None:
    engine = sa.create_engine(url)
    deadline = time.monotonic() + START_TIMEOUT_S
    try:
        while True:
            try:
                with engine.connect() as connection:
                    connection.execute(sa.text("SELECT 1"))
                return
            except sa.exc.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    finally:
        engine.dispose()


def create_database(server_url: str, name: str) -> str:
    """Create an empty database on the server and return its URL."""
    engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return sa.make_url(server_url).set(database=name).render_as_string(hide_password=False)
