"""The runner: one command in, one result and the right exit code out, never a swallowed error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from woken.algorithms.common.errors import InputError
from woken.algorithms.common.results import Result, Shape
from woken.algorithms.common.runner import EXIT_FAILED, EXIT_OK, EXIT_USAGE, dispatch, run


def _ok(volume: Path) -> Result:
    return Result(Shape.JSON, {"volume": volume.name})


def _crash(volume: Path) -> Result:
    return {}["no such key"]  # type: ignore[no-any-return]


def _refuse(volume: Path) -> Result:
    raise InputError("column 'age' is not in data.json")


HANDLERS = {"compute": _ok, "train": _crash, "test": _refuse}


def _result(volume: Path, command: str) -> dict:
    return json.loads((volume / "results" / f"{command}.json").read_text())


def test_success_writes_the_result_and_exits_0(tmp_path: Path) -> None:
    assert dispatch(HANDLERS, ["compute"], tmp_path) == EXIT_OK
    assert _result(tmp_path, "compute") == {"shape": "json", "data": {"volume": tmp_path.name},
                                            "error": None}


@pytest.mark.parametrize("argv", [[], ["fit"], ["compute", "extra"]])
def test_a_wrong_command_line_exits_2_and_says_why(
    tmp_path: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert dispatch(HANDLERS, argv, tmp_path) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "compute, train, test" in err
    assert not (tmp_path / "results").exists()


def test_a_crash_writes_an_error_result_prints_the_traceback_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert dispatch(HANDLERS, ["train"], tmp_path) == EXIT_FAILED
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert "error: train failed: KeyError: 'no such key'" in err
    assert _result(tmp_path, "train") == {"shape": "error", "data": None,
                                          "error": "KeyError: 'no such key'"}


def test_our_own_errors_read_without_a_type_name(tmp_path: Path) -> None:
    assert dispatch(HANDLERS, ["test"], tmp_path) == EXIT_FAILED
    assert _result(tmp_path, "test")["error"] == "column 'age' is not in data.json"


def test_a_stale_result_does_not_survive_a_new_run(tmp_path: Path) -> None:
    assert dispatch({"train": _ok}, ["train"], tmp_path) == EXIT_OK
    assert dispatch(HANDLERS, ["train"], tmp_path) == EXIT_FAILED
    assert _result(tmp_path, "train")["shape"] == "error"


def test_a_missing_volume_fails_without_creating_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert dispatch(HANDLERS, ["compute"], tmp_path / "absent") == EXIT_FAILED
    assert "is not a directory" in capsys.readouterr().err
    assert not (tmp_path / "absent").exists()


def test_run_exits_with_the_verdict_of_the_volume_in_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOB_VOLUME", str(tmp_path))
    with pytest.raises(SystemExit) as exit_info:
        run(HANDLERS, ["train"])
    assert exit_info.value.code == EXIT_FAILED
    assert _result(tmp_path, "train")["shape"] == "error"
