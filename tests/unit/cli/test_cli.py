"""The `woken` command's parsing: global options before or after the sub-command."""

from __future__ import annotations

from pathlib import Path

import pytest

from woken.cli.main import build_parser, one_line
from woken.errors import ConfigurationError


@pytest.mark.parametrize("argv", [
    ["--data-dir", "X", "--log-level", "debug", "serve", "--port", "9000"],
    ["serve", "--data-dir", "X", "--port", "9000", "--log-level", "debug"],
])
def test_global_options_go_before_or_after_the_sub_command(argv: list[str]) -> None:
    args = build_parser().parse_args(argv)
    assert (args.data_dir, args.log_level, args.port) == (Path("X"), "debug", 9000)


def test_global_options_keep_their_defaults_when_not_given() -> None:
    args = build_parser().parse_args(["algorithms"])
    assert (args.data_dir, args.config, args.log_level) == (None, None, "INFO")


def test_an_error_is_one_line() -> None:
    assert one_line(ConfigurationError("bad port")) == "bad port"
    assert one_line(OSError("first\nsecond")) == "OSError: first"
