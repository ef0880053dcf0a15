"""SQLite's WAL checkpoints, run beside the writers instead of inside one of their commits.

In WAL mode SQLite copies the log back into the database file (a checkpoint, with an
fsync) in the commit that takes the log past 1,000 pages. An experiment's result of
2 MB (a k-NN's model holds every training row) crossed that line in nearly every
experiment at 5,000 x 20, and its commit, the last step before the answer, waited for
the copy: 24 of the 36 ms of storing the result.

Here the automatic checkpoint is off (``PRAGMA wal_autocheckpoint=0`` on each of the
engine's connections), and a thread runs a PASSIVE checkpoint
(it never waits for a reader or a writer) once some commit has happened, at most every
``interval_s``. A process killed before it ran loses nothing: the next open of the
database replays the log.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)

# How often at most the log is copied back: commits in between share one checkpoint.
INTERVAL_S = 0.5
# How long `close` waits for a checkpoint under way.
CLOSE_TIMEOUT_S = 10.0
# How long the idle thread sleeps between two looks (`close` and commits wake it).
IDLE_WAIT_S = 60.0


class WalCheckpointer:
    """Checkpoints ``engine``'s SQLite database after its commits, on its own thread.

    Made before the engine's first connection; the thread starts with the first commit
    and ends with `close`.
    """

    def __init__(self, engine: Engine, interval_s: float = INTERVAL_S) -> None:
        self._engine = engine
        self._interval_s = interval_s
        self._committed = threading.Event()
        self._closing = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.checkpoints = 0  # how many ran (for tests)
        event.listen(engine, "connect", self._on_connect)
        event.listen(engine, "commit", self._on_commit)

    @staticmethod
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # No commit on this connection runs a checkpoint.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()

    def _on_commit(self, _connection: Any) -> None:
        self._committed.set()
        if self._thread is None:
            with self._lock:
                if self._thread is None and not self._closing.is_set():
                    self._thread = threading.Thread(
                        target=self._run, name="woken-db-checkpoint", daemon=True)
                    self._thread.start()

    def _run(self) -> None:
        while not self._closing.is_set():
            if not self._committed.wait(timeout=IDLE_WAIT_S) or self._closing.is_set():
                continue
            # Let the commits of the moment pile up: one copy for all of them.
            self._closing.wait(timeout=self._interval_s)
            self._committed.clear()
            self.checkpoint()

    def checkpoint(self) -> None:
        """Copy what the log holds into the database file, as far as no reader needs it."""
        try:
            with self._engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
            self.checkpoints += 1
        except SQLAlchemyError as error:  # a later one retries; the log loses nothing
            log.warning("woken-db: the WAL checkpoint failed: %s", error)

    def close(self) -> None:
        """End the thread, then checkpoint what the last commits left in the log."""
        with self._lock:
            self._closing.set()
            self._committed.set()  # wakes the thread, which sees it is closing
            thread = self._thread
        event.remove(self._engine, "commit", self._on_commit)
        if thread is None:
            return
        thread.join(timeout=CLOSE_TIMEOUT_S)
        if thread.is_alive():
            log.warning("woken-db: the checkpoint thread had not ended after %.0f s",
                        CLOSE_TIMEOUT_S)
            return
        self.checkpoint()
