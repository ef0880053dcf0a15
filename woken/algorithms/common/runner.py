"""The container's main: one command argument in, one result file and an exit code out.

The exit code is the container's verdict (contract §3): 0 success, 1 the job
failed (and ``results/<command>.json`` holds the error), 2 the container was
called wrongly (no result is written: there is no valid command to name it).
A failure is never swallowed: its traceback goes to stderr, whose tail Woken
reports, and its message goes to the error result.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import NoReturn

from woken.algorithms.common.errors import AlgorithmError
from woken.algorithms.common.results import Result, write_error, write_result
from woken.algorithms.common.volume import VOLUME_ENV, result_path, volume_from_env

# A command: reads what it needs from the volume and returns the result to write.
Handler = Callable[[Path], Result]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def run(handlers: Mapping[str, Handler], argv: Sequence[str] | None = None) -> NoReturn:
    """Run the command named by the single argument and exit with the verdict."""
    sys.exit(dispatch(handlers, sys.argv[1:] if argv is None else argv))


def dispatch(
    handlers: Mapping[str, Handler], argv: Sequence[str], volume: Path | None = None
) -> int:
    """Run one command in ``volume`` (default ``$JOB_VOLUME``); returns the exit code."""
    known = ", ".join(handlers)
    if len(argv) != 1:
        _say(f"expected exactly one command argument ({known}), got {list(argv)}")
        return EXIT_USAGE
    command = argv[0]
    if command not in handlers:
        _say(f"unknown command {command!r}: this algorithm knows {known}")
        return EXIT_USAGE
    volume = volume_from_env() if volume is None else volume
    if not volume.is_dir():
        _say(f"the job volume {volume} is not a directory (set {VOLUME_ENV})")
        return EXIT_FAILED
    # A result left by an earlier run must not pass for this run's if this one dies hard.
    result_path(volume, command).unlink(missing_ok=True)
    try:
        write_result(volume, command, handlers[command](volume))
    except Exception as error:
        traceback.print_exc(file=sys.stderr)
        message = error_message(error)
        try:
            write_error(volume, command, message)
        except Exception:
            traceback.print_exc(file=sys.stderr)
            _say(f"could not write the error result of {command!r} in {volume}")
        _say(f"{command} failed: {message}")
        return EXIT_FAILED
    return EXIT_OK


def error_message(error: Exception) -> str:
    """The user-facing reason: our own errors speak for themselves, others name their type."""
    text = str(error)
    if isinstance(error, AlgorithmError) and text:
        return text
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _say(message: str) -> None:
    print(f"error: {message}", file=sys.stderr, flush=True)
