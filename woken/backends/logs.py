"""Job logs: the end of a log file, as errors and status messages quote it."""

from __future__ import annotations

import os
from pathlib import Path


def tail(path: Path, max_chars: int, start: int = 0) -> str:
    """The last `max_chars` characters of a text file written after byte offset `start`.

    '' if the file does not exist or cannot be read: a missing log must not hide
    the job's own outcome. UTF-8 sequences cut by the seek become replacement characters.
    """
    try:
        with path.open("rb") as source:
            source.seek(0, os.SEEK_END)
            # Up to 4 bytes per character: enough bytes for max_chars characters.
            source.seek(max(start, source.tell() - max_chars * 4))
            text = source.read().decode("utf-8", errors="replace")
    except OSError:
        return ""
    return text[-max_chars:]
