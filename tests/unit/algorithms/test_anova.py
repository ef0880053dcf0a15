"""anova: one-way tables equal scipy's f_oneway; type II tables checked on known designs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import stats
from sklearn.linear_model import LinearRegression

from tests.unit.algorithms.volumes import (
    computed,
    iris,
    nominal,
    read_result,
    real,
    wine,
    write_volume,
)
from woken.algorithms.anova.algorithm import HANDLERS
from woken.algorithms.common.runner import dispatch


def _compute(volume: Path) -> dict:
    return computed(HANDLERS, volume, "json")


@pytest.mark.parametrize("dataset", [iris, wine])
def test_one_way_equals_scipy_f_oneway(tmp_path: Path, dataset) -> None:
    factor, features = dataset()
    target = features[0]
    data = _compute(write_volume(tmp_path, algorithm="anova", variables=[target],
                                 covariables=[factor]))
    groups = [target.array[factor.array == c] for c in sorted(set(factor.values))]
    reference = stats.f_oneway(*groups)
    effect, residual = data["one_way"][0]["table"]
    assert effect["F"] == pytest.approx(reference.statistic, rel=1e-10)
    assert effect["PR(>F)"] == pytest.approx(reference.pvalue, rel=1e-6, abs=1e-300)
    assert effect["df"] == len(groups) - 1 and residual["df"] == len(target.values) - len(groups)
    total = ((target.array - target.array.mean()) ** 2).sum()
    assert effect["sum_sq"] + residual["sum_sq"] == pytest.approx(total, rel=1e-10)
    assert effect["eta_sq"] == pytest.approx(effect["sum_sq"] / total, rel=1e-12)
    assert effect["mean_sq"] == pytest.approx(effect["sum_sq"] / effect["df"])
    assert [g["mean"] for g in data["one_way"][0]["groups"]] == pytest.approx(
        [g.mean() for g in groups])
    assert data["type_ii"] is None


def _crossed(replicates: list[int]) -> tuple:
    """Two factors crossed, ``replicates[cell]`` rows per cell, with known effects and noise."""
    rng = np.random.default_rng(7)
    a, b, y = [], [], []
    for cell, count in enumerate(replicates):
        level_a, level_b = "abc"[cell // 2], "xy"[cell % 2]
        effect = {"a": 0.0, "b": 1.0, "c": 2.5}[level_a] + {"x": 0.0, "y": -0.7}[level_b]
        a += [level_a] * count
        b += [level_b] * count
        y += list(effect + rng.normal(size=count))
    return real("y", y), nominal("drug", a), nominal("sex", b)


def test_type_ii_equals_one_way_in_a_balanced_design(tmp_path: Path) -> None:
    y, drug, sex = _crossed([10] * 6)
    data = _compute(write_volume(tmp_path, algorithm="anova", variables=[y],
                                 covariables=[drug, sex], parameters={"design": "additive"}))
    table = {row["source"]: row for row in data["type_ii"]}
    for one_way in data["one_way"]:
        effect = one_way["table"][0]
        assert table[one_way["factor"]]["sum_sq"] == pytest.approx(effect["sum_sq"], rel=1e-9)
        assert table[one_way["factor"]]["df"] == effect["df"]
    assert table["Residual"]["df"] == 60 - 1 - 2 - 1


def test_type_ii_in_an_unbalanced_design_equals_nested_regressions(tmp_path: Path) -> None:
    y, drug, sex = _crossed([3, 9, 12, 4, 7, 5])
    data = _compute(write_volume(tmp_path, algorithm="anova", variables=[y],
                                 covariables=[drug], grouping=[sex],
                                 parameters={"design": "additive"}))
    dummies = {
        "drug": np.column_stack([drug.array == "b", drug.array == "c"]).astype(float),
        "sex": (sex.array == "y").astype(float).reshape(-1, 1),
    }

    def rss(*names: str) -> float:
        X = np.hstack([dummies[n] for n in names])
        residuals = y.array - LinearRegression().fit(X, y.array).predict(X)
        return float(residuals @ residuals)

    table = {row["source"]: row for row in data["type_ii"]}
    full = rss("drug", "sex")
    assert table["drug"]["sum_sq"] == pytest.approx(rss("sex") - full, rel=1e-9)
    assert table["sex"]["sum_sq"] == pytest.approx(rss("drug") - full, rel=1e-9)
    assert table["Residual"]["sum_sq"] == pytest.approx(full, rel=1e-9)
    f_drug = (table["drug"]["sum_sq"] / 2) / (full / (40 - 4))
    assert table["drug"]["F"] == pytest.approx(f_drug, rel=1e-9)
    assert table["drug"]["PR(>F)"] == pytest.approx(stats.f.sf(f_drug, 2, 36), rel=1e-6)
    # Unbalanced: the type II effect of drug is not its one-way effect.
    one_way_drug = data["one_way"][0]["table"][0]["sum_sq"]
    assert abs(table["drug"]["sum_sq"] - one_way_drug) > 1e-6


def test_an_empty_category_costs_no_degree_of_freedom(tmp_path: Path) -> None:
    species, features = iris()
    factor = nominal("species", species.values, categories=["setosa", "versicolor",
                                                           "virginica", "unknown"])
    data = _compute(write_volume(tmp_path, algorithm="anova", variables=[features[1]],
                                 covariables=[factor]))
    one_way = data["one_way"][0]
    assert one_way["table"][0]["df"] == 2
    assert one_way["groups"][3] == {"code": "unknown", "label": "label of unknown", "count": 0,
                                    "mean": None, "std": None}


def test_the_factorial_design_adds_each_interaction_after_its_main_effects(
    tmp_path: Path,
) -> None:
    """2019's default: a numeric covariable and a factor, and their interaction, type II."""
    y, drug, _ = _crossed([3, 9, 12, 4, 7, 5])
    rng = np.random.default_rng(1)
    age = real("age", rng.normal(50, 10, len(y.values)))
    data = _compute(write_volume(tmp_path, algorithm="anova", variables=[y],
                                 covariables=[age, drug]))
    assert data["design"] == "factorial"
    d = np.column_stack([drug.array == "b", drug.array == "c"]).astype(float)
    a = age.array.reshape(-1, 1)
    columns = {"age": a, "drug": d, "age:drug": a * d}

    def rss(*names: str) -> float:
        X = np.hstack([columns[n] for n in names])
        residuals = y.array - LinearRegression().fit(X, y.array).predict(X)
        return float(residuals @ residuals)

    table = {row["source"]: row for row in data["type_ii"]}
    assert list(table) == ["age", "drug", "age:drug", "Residual"]
    assert table["age"]["sum_sq"] == pytest.approx(rss("drug") - rss("age", "drug"), rel=1e-9)
    full = rss("age", "drug", "age:drug")
    assert table["age:drug"]["sum_sq"] == pytest.approx(rss("age", "drug") - full, rel=1e-9)
    assert table["age:drug"]["df"] == 2
    assert table["Residual"]["sum_sq"] == pytest.approx(full, rel=1e-9)
    assert [w["factor"] for w in data["one_way"]] == ["drug"]  # a number has no groups


def test_a_nominal_target_is_refused(tmp_path: Path) -> None:
    species, _ = iris()
    volume = write_volume(tmp_path / "b", algorithm="anova", variables=[species],
                          covariables=[species])
    assert dispatch(HANDLERS, ["compute"], volume) == 1
    assert "needs a numeric variable" in read_result(volume, "compute")["error"]
