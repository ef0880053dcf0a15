"""A failed job's error as a user reads it: one line, the cause and the end of its stderr.

A job's stderr ends with a traceback whose frames name absolute paths of the
server (the data directory, the installation, the interpreter). The user needs
the cause (exit code, timeout, the algorithm's own message) and the line that
says what went wrong, not the layout of the machine: the full log stays in the
job's log file (``logs/<job>.stderr``) for the operator.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from pathlib import Path

# The longest error line a user is shown; a line past it is cut.
MAX_LINE_CHARS = 500
# What remains of an absolute path outside the known directories: its last component.
_ABSOLUTE_PATH = re.compile(r"(?<![\w.~:/>-])/(?:[^\s/'\":,;()\[\]]+/)+")
# Traceback frames and the caret lines under them: not the line that explains.
_FRAME = re.compile(r'^\s*(File "|Traceback \(most recent call last\)|\^+$|~+)')


def installation_paths() -> dict[Path, str]:
    """Directories of the installation itself, hidden behind a short name."""
    package = Path(__file__).resolve().parents[1]
    return {
        package: "<woken>",
        Path(sys.prefix).resolve(): "<python>",
        Path(sys.base_prefix).resolve(): "<python>",
    }


def user_error(cause: str, stderr: str, hidden: dict[Path, str]) -> str:
    """``cause``, then the last explaining line of ``stderr``, as one line without paths."""
    line = last_line(stderr)
    message = f"{cause}: {line}" if line and line not in cause else cause
    return scrub(" ".join(message.split()), hidden)[:MAX_LINE_CHARS]


def last_line(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    explaining = [line for line in lines if not _FRAME.match(line)]
    return explaining[-1] if explaining else ""


def scrub(text: str, hidden: dict[Path, str]) -> str:
    """``text`` with each hidden directory replaced by its name, and any other path cut."""
    for directory, name in _longest_first(hidden.items()):
        text = text.replace(str(directory), name)
    return _ABSOLUTE_PATH.sub("", text)


def _longest_first(pairs: Iterable[tuple[Path, str]]) -> list[tuple[Path, str]]:
    # /srv/woken/var before /srv/woken: the more precise name wins.
    return sorted(pairs, key=lambda pair: len(str(pair[0])), reverse=True)
