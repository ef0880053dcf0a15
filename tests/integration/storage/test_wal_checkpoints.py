"""WalCheckpointer: a commit on SQLite never copies the log back; a thread does, soon after."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from tests.support.waiting import wait_until
from woken.storage.checkpoints import WalCheckpointer
from woken.storage.database import WokenDatabase, create_database_engine

# Past SQLite's default automatic checkpoint (1,000 pages of 4 KiB).
LARGE = "x" * 6_000_000
WAIT_S = 15.0


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_database_engine(f"sqlite:///{tmp_path / 'woken.db'}")
    yield engine
    engine.dispose()


def write_large(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE IF NOT EXISTS t (v TEXT)")
        connection.execute(sa.text("INSERT INTO t VALUES (:v)"), {"v": LARGE})


def sizes(tmp_path: Path) -> tuple[int, int]:
    """(the database file's bytes, its log's)."""
    wal = tmp_path / "woken.db-wal"
    return (tmp_path / "woken.db").stat().st_size, wal.stat().st_size if wal.exists() else 0


def checkpoint_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "woken-db-checkpoint"]


def test_a_large_commit_leaves_the_log_and_the_thread_copies_it_back(
    engine: Engine, tmp_path: Path
) -> None:
    checkpointer = WalCheckpointer(engine, interval_s=2.0)
    try:
        write_large(engine)
        database, log = sizes(tmp_path)
        # The commit returned before any copy: the rows are in the log only.
        assert log > len(LARGE) and database < len(LARGE)
        wait_until(lambda: checkpointer.checkpoints >= 1, WAIT_S)
        assert sizes(tmp_path)[0] > len(LARGE)
    finally:
        checkpointer.close()


def test_without_it_the_same_commit_copies_the_log_back_itself(
    engine: Engine, tmp_path: Path
) -> None:
    """What the checkpointer takes off the commit (SQLite's automatic checkpoint)."""
    write_large(engine)
    assert sizes(tmp_path)[0] > len(LARGE)


def test_close_ends_the_thread_and_copies_what_the_last_commits_left(
    engine: Engine, tmp_path: Path
) -> None:
    checkpointer = WalCheckpointer(engine, interval_s=30.0)
    write_large(engine)
    assert checkpoint_threads() and sizes(tmp_path)[0] < len(LARGE)
    checkpointer.close()
    assert not any(t.is_alive() for t in checkpoint_threads())
    assert sizes(tmp_path)[0] > len(LARGE)


def test_woken_db_on_sqlite_checkpoints_beside_its_writers(tmp_path: Path) -> None:
    woken_db = WokenDatabase(f"sqlite:///{tmp_path / 'woken.db'}")
    try:
        write_large(woken_db.engine)
        assert sizes(tmp_path)[0] < len(LARGE)
        wait_until(lambda: sizes(tmp_path)[0] > len(LARGE), WAIT_S)
    finally:
        woken_db.dispose()
    assert not any(t.is_alive() for t in checkpoint_threads())
