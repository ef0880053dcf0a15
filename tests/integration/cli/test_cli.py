"""The `woken` command as a user runs it: every failure one line and a non-zero exit."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

WOKEN = str(Path(sys.executable).parent / "woken")
TIMEOUT_S = 120
LOG_LINE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ [A-Z]+ ")


def woken(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
          ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([WOKEN, *args], capture_output=True, text=True, timeout=TIMEOUT_S,
                          env={**os.environ, **(env or {})}, cwd=cwd)


def errors(stderr: str) -> list[str]:
    """stderr less the log lines (timestamped): what the user is told."""
    return [line for line in stderr.strip().splitlines() if not LOG_LINE.match(line)]


def assert_one_line(done: subprocess.CompletedProcess[str], status: int, text: str) -> None:
    assert done.returncode == status, done
    lines = errors(done.stderr)
    assert len(lines) == 1 and text in lines[0], done.stderr
    assert "Traceback" not in done.stderr


def test_a_setting_out_of_range_stops_the_start_with_one_line(tmp_path: Path) -> None:
    done = woken("serve", "--data-dir", str(tmp_path), env={"WOKEN_PORT": "99999"})
    assert_one_line(done, 2, "port (WOKEN_PORT) must be between 1 and 65535, got 99999")
    assert not (tmp_path / "woken.db").exists()


def test_a_port_in_use_is_one_line_before_anything_starts(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = woken("serve", "--data-dir", str(tmp_path), "--port", str(port))
    assert_one_line(done, 2, f"cannot listen on 127.0.0.1:{port}")
    assert not (tmp_path / "woken.db").exists(), "nothing is touched before the port is bound"


def test_an_unknown_bundled_dataset_is_one_line(tmp_path: Path) -> None:
    done = woken("--data-dir", str(tmp_path), "load-data", "no-such-set")
    assert_one_line(done, 1, "unknown bundled dataset(s) 'no-such-set'")


def test_a_closed_pipe_is_one_line_and_no_traceback() -> None:
    # `true` reads nothing and exits at once, long before woken has started and writes:
    # the pipe is closed when woken writes, whatever the size of its output.
    pipeline = f"{WOKEN} algorithms | true; echo \"${{PIPESTATUS[0]}}\" >&2"
    done = subprocess.run(["bash", "-c", pipeline], capture_output=True, text=True,
                          timeout=TIMEOUT_S)
    assert "Traceback" not in done.stderr, done.stderr
    assert errors(done.stderr) == ["woken: the output was closed before the end (broken pipe)",
                                   "141"], done.stderr


def test_a_refused_start_is_one_line_and_nothing_else(tmp_path: Path) -> None:
    # Another process owns the data directory (a real flock held by a real process).
    hold = ("import sys, pathlib; from woken.system.ownership import DataDirLock; "
            "held = DataDirLock(pathlib.Path(sys.argv[1])).acquire(); print(flush=True); "
            "sys.stdin.read()")
    holder = subprocess.Popen(
        [sys.executable, "-c", hold, str(tmp_path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "\n"
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        done = woken("serve", "--data-dir", str(tmp_path), "--port", str(port))
    finally:
        holder.communicate(timeout=TIMEOUT_S)
    assert done.returncode == 2, done
    # Not a log line before it: the owner check comes before Alembic and everything else.
    refusal = (f"woken: the data directory {tmp_path} is in use by another Woken "
               f"(pid {holder.pid}); one data directory has one owner")
    assert done.stderr.splitlines() == [refusal], done.stderr
    assert not (tmp_path / "woken.db").exists()


def test_a_start_prints_no_third_party_info_lines(tmp_path: Path) -> None:
    done = woken("--data-dir", str(tmp_path), "migrate")
    assert done.returncode == 0, done
    assert (tmp_path / "woken.db").is_file()
    assert done.stderr == "", "alembic's INFO lines are not shown at the default level"
    debug = woken("--data-dir", str(tmp_path / "again"), "--log-level", "DEBUG", "migrate")
    assert "alembic" in debug.stderr, "at DEBUG they are"


def test_an_unknown_log_level_is_one_line() -> None:
    done = woken("--log-level", "LOUD", "algorithms")
    assert_one_line(done, 2, "--log-level must be one of DEBUG, INFO, WARNING, ERROR, got 'LOUD'")


def allocator_of(pid: int) -> str | None:
    environment = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    found = [entry.split(b"=", 1)[1] for entry in environment
             if entry.startswith(b"PYTHONMALLOC=")]
    return found[0].decode() if found else None


def test_serve_runs_with_the_c_allocator_unless_one_is_chosen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.support.server import woken_server

    monkeypatch.delenv("PYTHONMALLOC", raising=False)
    for given, expected in ((None, "malloc"), ("pymalloc", "pymalloc")):
        extra = {} if given is None else {"PYTHONMALLOC": given}
        data_dir = tmp_path / f"run-{expected}" / "var"
        data_dir.parent.mkdir()
        with woken_server(data_dir, extra) as running:
            # The same process (the command ran itself again), with the allocator set.
            assert allocator_of(running.process.pid) == expected
