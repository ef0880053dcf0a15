"""Checks the algorithm tests share: train then test in-process, and manifest versus code."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from tests.unit.algorithms.volumes import ALGORITHMS_DIR, Column, read_result
from woken.algorithms.common.runner import dispatch
from woken.errors import BadRequest
from woken.registry import AlgorithmSpec, Registry


def matrix(columns: list[Column]) -> np.ndarray:
    """The columns side by side, as scikit-learn takes the features of the same rows."""
    return np.column_stack([c.array for c in columns])


def train_and_test(handlers: Mapping[str, Any], volume: Path) -> tuple[dict, list]:
    """Run `train` then `test` in this process; returns the model and the predictions."""
    assert dispatch(dict(handlers), ["train"], volume) == 0, read_result(volume, "train")
    assert dispatch(dict(handlers), ["test"], volume) == 0, read_result(volume, "test")
    return read_result(volume, "train")["data"], read_result(volume, "test")["data"]["predictions"]


def assert_same_predictions(predictions: list, expected: np.ndarray, target: Column) -> None:
    """Classes exactly; numbers to the last bits (the same fit, serialized through JSON)."""
    if target.meta["type"] in ("real", "integer"):
        np.testing.assert_allclose(predictions, expected, rtol=1e-12, atol=1e-12)
    else:
        assert predictions == expected.tolist()


def spec(code: str) -> AlgorithmSpec:
    return Registry.load(ALGORITHMS_DIR).get(code)


def assert_manifest_states_the_code(code: str, module: ModuleType) -> None:
    """Every parameter the code bounds or enumerates is in the manifest, with the same values.

    A module keeps ``INT_BOUNDS``/``FLOAT_BOUNDS`` ``{code: (default, min, max)}`` and
    ``CHOICES`` ``{code: values}`` (the first value is the default).
    """
    parameters = {p.code: p for p in spec(code).parameters}
    bounds = {**getattr(module, "INT_BOUNDS", {}), **getattr(module, "FLOAT_BOUNDS", {})}
    choices = getattr(module, "CHOICES", {})
    for name, (default, low, high) in bounds.items():
        p = parameters[name]
        assert (p.default_value, p.min, p.max) == (default, low, high), name
        assert p.type == ("int" if name in getattr(module, "INT_BOUNDS", {}) else "number"), name
    for name, values in choices.items():
        p = parameters[name]
        assert (p.type, p.values, p.default_value) == ("enumeration", values, values[0]), name
    unchecked = set(parameters) - set(bounds) - set(choices)
    assert all(parameters[name].type == "string" for name in unchecked), unchecked


def assert_refused_by_the_registry(code: str, parameter: str, value: str, message: str) -> None:
    """Woken answers 400 before any job: the manifest's bounds, values or pattern."""
    with pytest.raises(BadRequest, match=message):
        spec(code).resolve_parameters([{"code": parameter, "value": value}])
