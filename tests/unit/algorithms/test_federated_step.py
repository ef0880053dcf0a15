"""The federatedStep container: one local step on its volume's rows, sums out, no row."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.unit.algorithms.volumes import computed, nominal, read_result, real, write_volume
from woken.algorithms.common.runner import dispatch
from woken.algorithms.federatedStep.algorithm import HANDLERS
from woken.algorithms.federatedStep.sums import Policy, bounds

Y = [1.25, 2.5, 3.75, 5.0, 6.25, 7.5, 8.75, 10.0, 11.25, 12.5, 13.75, 15.0]
GROUP = ["a", "b", "c"] * 4


def _volume(tmp_path: Path, step: str, params: dict, **extra: str) -> Path:
    parameters = {"step": step, "params": json.dumps(params), "min_cell_count": "1", **extra}
    return write_volume(tmp_path, algorithm="federatedStep", variables=[real("y", Y)],
                        covariables=[nominal("group", GROUP)], parameters=parameters)


def test_a_step_answers_its_sums_the_rows_it_summarised_and_its_process(
        tmp_path: Path) -> None:
    params = {"variables": ["y"], "covariables": ["group"], "parameters": {}}
    data = computed(HANDLERS, _volume(tmp_path, "linearRegression.fit", params), "json")
    x = np.column_stack([np.ones(12), [g == "b" for g in GROUP], [g == "c" for g in GROUP]])
    assert data["rows"] == 12 and isinstance(data["pid"], int)
    assert data["aggregates"]["names"] == ["_intercept", "group=b", "group=c"]
    assert np.allclose(data["aggregates"]["xtx"], x.T @ x)
    assert np.allclose(data["aggregates"]["xty"], x.T @ np.asarray(Y))
    # Nothing of the answer grows with the rows: no list as long as the data.
    assert "rows" not in data["aggregates"] and len(json.dumps(data)) < 400


def test_the_extremes_leave_coarse_unless_the_site_shares_them_exactly(
        tmp_path: Path) -> None:
    params = {"variables": ["y"], "covariables": [], "parameters": {}}
    coarse = computed(HANDLERS, _volume(tmp_path / "c", "histograms.range", params), "json")
    # Two significant digits of the larger magnitude (15): a step of 1.
    assert coarse["aggregates"] == {"min": 1.0, "max": 15.0}
    exact = computed(HANDLERS, _volume(tmp_path / "e", "histograms.range", params,
                                       extremes="exact"), "json")
    assert exact["aggregates"] == {"min": 1.25, "max": 15.0}


@pytest.mark.parametrize(("values", "expected"), [
    ([23.41, 81.72], (23.0, 82.0)), ([-0.0312, 0.0049], (-0.032, 0.005)),
    ([1200.0, 1234.5], (1200.0, 1300.0)), ([0.0, 0.0], (0.0, 0.0))])
def test_coarse_bounds_hold_every_value_at_two_significant_digits(
        values: list[float], expected: tuple[float, float]) -> None:
    low, high = bounds(np.asarray(values), Policy(10))
    assert np.allclose((low, high), expected)
    assert low <= min(values) and high >= max(values)


def test_an_unknown_step_or_a_malformed_one_fails_with_its_reason(tmp_path: Path) -> None:
    volume = _volume(tmp_path / "u", "rows.all", {"variables": ["y"]})
    assert dispatch(HANDLERS, ["compute"], volume) == 1
    assert read_result(volume, "compute")["error"] == "unknown federated step 'rows.all'"
    volume = _volume(tmp_path / "m", "linearRegression.residuals",
                     {"variables": ["y"], "covariables": [], "parameters": {}})
    assert dispatch(HANDLERS, ["compute"], volume) == 1
    assert "malformed parameters (KeyError)" in read_result(volume, "compute")["error"]
