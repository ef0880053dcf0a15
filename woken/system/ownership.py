"""One data directory, one owner: an OS file lock held for the life of the process.

With the embedded SQLite woken-db, the data directory holds everything a running
Woken owns: its jobs' rows, volumes and logs. A second process on it would mark the
first one's jobs lost and resume its experiments, so it must refuse to start before
it touches anything. `flock` is released by the kernel when the process dies, even
by SIGKILL: a crashed Woken never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

from woken.errors import ConfigurationError

LOCK_FILE = "woken.lock"


class DataDirLock:
    """An exclusive lock on `data_dir`, taken at once or refused."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_FILE
        self._file: IO[str] | None = None

    def acquire(self) -> DataDirLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise ConfigurationError(
                f"the data directory {self.path.parent} is in use by another Woken "
                f"({holder}); one data directory has one owner"
            ) from None
        # Who holds it, for the message the next one gets (the lock, not the text, decides).
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}\n")
        handle.flush()
        self._file = handle
        return self

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
