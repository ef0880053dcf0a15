"""Result files: {shape, data, error}, JSON only (no NaN), written atomically."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from woken.algorithms.common.results import Result, Shape, to_jsonable, write_error, write_result


def test_to_jsonable_turns_numpy_and_non_finite_numbers_into_json() -> None:
    value = {"a": np.float64(1.5), "b": np.array([1, 2]), "c": math.nan, 3: (np.int64(4), None),
             "d": np.str_("x"), "e": [math.inf, True]}
    assert to_jsonable(value) == {"a": 1.5, "b": [1, 2], "c": None, "3": [4, None], "d": "x",
                                  "e": [None, True]}
    assert type(to_jsonable(np.int64(4))) is int


def test_to_jsonable_refuses_what_json_cannot_hold() -> None:
    with pytest.raises(TypeError, match="cannot write a object"):
        to_jsonable(object())


def test_write_result_and_write_error_use_the_contract_shapes(tmp_path: Path) -> None:
    path = write_result(tmp_path, "compute", Result(Shape.HIGHCHARTS_JSON, [{"x": math.nan}]))
    assert path == tmp_path / "results" / "compute.json"
    assert json.loads(path.read_text()) == {
        "shape": "highcharts_json", "data": [{"x": None}], "error": None,
    }
    write_error(tmp_path, "train", "it broke")
    assert json.loads((tmp_path / "results" / "train.json").read_text()) == {
        "shape": "error", "data": None, "error": "it broke",
    }
    assert sorted(p.name for p in (tmp_path / "results").iterdir()) == ["compute.json",
                                                                       "train.json"]
