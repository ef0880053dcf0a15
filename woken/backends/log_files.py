"""A job's log file read as lines: its last N lines, or a range of them.

Only the last `MAX_LOG_BYTES` of a file are read: an algorithm that writes gigabytes
of output must not take the service's memory; the excerpt then says it was cut.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

MAX_LOG_BYTES = 8 * 1024**2


@dataclass(frozen=True)
class LogExcerpt:
    """Lines `start` (inclusive) to `end` (exclusive) of a log of `total` lines."""

    text: str
    start: int
    end: int
    total: int
    # True when the file was longer than MAX_LOG_BYTES: line numbers count from the cut.
    cut: bool

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def read_log(
    path: Path, tail: int | None = None, start: int = 0, end: int | None = None
) -> LogExcerpt | None:
    """The excerpt asked for; None if there is no such file (the job wrote nothing there)."""
    try:
        with path.open("rb") as source:
            size = source.seek(0, os.SEEK_END)
            source.seek(max(0, size - MAX_LOG_BYTES))
            data = source.read()
    except FileNotFoundError:
        return None
    cut = size > MAX_LOG_BYTES
    lines = data.decode("utf-8", errors="replace").splitlines(keepends=True)
    if cut and lines:
        lines = lines[1:]  # the first line was cut by the seek
    total = len(lines)
    if tail is not None:
        start, end = max(0, total - tail), total
    else:
        start = min(start, total)
        end = total if end is None else max(start, min(end, total))
    return LogExcerpt("".join(lines[start:end]), start, end, total, cut)
