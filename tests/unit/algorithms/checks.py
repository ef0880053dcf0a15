"""Checks the algorithm tests share: train then test in-process, and manifest versus code."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.unit.algorithms.volumes import ALGORITHMS_DIR, Column, read_result
from woken.algorithms.common.pfa.document import model_description
from woken.algorithms.common.runner import dispatch
from woken.catalogue.registry import AlgorithmSpec, Registry
from woken.errors import BadRequest


def matrix(columns: list[Column]) -> np.ndarray:
    """The columns side by side, as scikit-learn takes the features of the same rows."""
    return np.column_stack([c.array for c in columns])


def train_and_test(handlers: Mapping[str, Any], volume: Path) -> tuple[dict, list]:
    """Run `train` then `test` in this process; returns the model and the predictions."""
    assert dispatch(dict(handlers), ["train"], volume) == 0, read_result(volume, "train")
    assert dispatch(dict(handlers), ["test"], volume) == 0, read_result(volume, "test")
    return (model_description(read_result(volume, "train")["data"]),
            read_result(volume, "test")["data"]["predictions"])


def assert_same_predictions(predictions: list, expected: np.ndarray, target: Column) -> None:
    """Classes exactly; numbers to the last bits (the same fit, serialized through JSON)."""
    if target.meta["type"] in ("real", "integer"):
        np.testing.assert_allclose(predictions, expected, rtol=1e-12, atol=1e-12)
    else:
        assert predictions == expected.tolist()


def spec(code: str) -> AlgorithmSpec:
    return Registry.load(ALGORITHMS_DIR).get(code)


def assert_refused_by_the_registry(code: str, parameter: str, value: str, message: str) -> None:
    """Woken answers 400 before any job: the manifest's bounds, values or pattern."""
    with pytest.raises(BadRequest, match=message):
        spec(code).resolve_parameters([{"code": parameter, "value": value}])
