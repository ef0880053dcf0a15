"""A failed job's error as a user reads it: one line, the cause and the end of its stderr.

A failure inside Woken itself (an actor that crashed: a backend that refused the job, a
full disk, a database gone) is told the same way: its class and its message, less the
hosts, the paths and the credentials it may quote (:func:`crash_message`).

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

from woken.config import Config

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


# What an exception's message may say of where things are or who connects, and its stand-in.
_HIDDEN_WORDS = (
    # URLs, with any user and password in them.
    (re.compile(r"\b[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE), "<url>"),
    # password=..., user: ..., token ... (a driver's connection string, a header).
    (re.compile(r"\b(password|passwd|pwd|user|username|token|secret|api[_-]?key)"
                r"(?:\s*[=:]\s*(?:\"[^\"]*\"|'[^']*'|[^\s,;)\]]+)|\s+(?:\"[^\"]*\"|'[^']*'))",
                re.IGNORECASE), r"\1=<hidden>"),
    # psycopg's `connection to server at "db.example" (10.0.0.5), port 5432 failed`.
    (re.compile(r"\b(server|host)(\s+at)?\s+\"[^\"]*\"(\s*\([^)]*\))?", re.IGNORECASE),
     r"\1 <host>"),
    (re.compile(r"\bport\s+\d+", re.IGNORECASE), "port <port>"),
    # IPv4 and bracketed IPv6 addresses, and host:port pairs.
    (re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b"), "<host>"),
    (re.compile(r"\[[0-9a-fA-F:]+\](?::\d+)?"), "<host>"),
    (re.compile(r"\b[\w.-]+:\d{2,5}\b"), "<host>"),
)


def crash_message(what: str, error: BaseException, config: Config) -> str:
    """``Woken failed to run the <what>: <class>: <message>``, safe to show to a user."""
    return f"Woken failed to run the {what}: {error_cause(error, server_directories(config))}"


def error_cause(error: BaseException, hidden: dict[Path, str]) -> str:
    """The error's class and the first line of its message, less hosts, paths, credentials.

    SQLAlchemy wraps a driver's error (its SQL and parameters on later lines): the
    driver's own is the cause.
    """
    cause = getattr(error, "orig", None) or error
    lines = [line.strip() for line in str(cause).splitlines() if line.strip()]
    kind = type(cause).__name__
    if not lines:
        return kind
    message = lines[0]
    for pattern, stand_in in _HIDDEN_WORDS:
        message = pattern.sub(stand_in, message)
    return scrub(f"{kind}: {message}", hidden)[:MAX_LINE_CHARS]


def server_directories(config: Config) -> dict[Path, str]:
    """The server's directories an error shown to a user must not name."""
    return {**installation_paths(), config.data_dir: "<data>",
            Path(config.algorithms_dir).resolve(): "<algorithms>"}


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
