"""linearRegression: scikit-learn's coefficients, with OLS inference checked independently."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import stats
from sklearn.linear_model import LinearRegression

from tests.unit.algorithms.volumes import (
    computed,
    diabetes,
    iris,
    read_result,
    real,
    write_volume,
)
from woken.algorithms.common.pfa.document import model_description
from woken.algorithms.common.runner import dispatch
from woken.algorithms.linearRegression.algorithm import HANDLERS


def _compute(volume: Path) -> dict:
    return model_description(computed(HANDLERS, volume, "pfa_json"))


def test_coefficients_equal_scikit_learns_on_diabetes(tmp_path: Path) -> None:
    target, features = diabetes()
    data = _compute(write_volume(tmp_path, algorithm="linearRegression", variables=[target],
                                 covariables=features))
    X = np.column_stack([f.array for f in features])
    reference = LinearRegression().fit(X, target.array)
    assert data["feature_names"] == [f.code for f in features]
    np.testing.assert_allclose(data["intercept"], reference.intercept_, rtol=0, atol=1e-8)
    np.testing.assert_allclose([data["coefficients"][f.code] for f in features],
                               reference.coef_, rtol=0, atol=1e-8)
    assert data["r_squared"] == pytest.approx(reference.score(X, target.array), abs=1e-12)
    assert data["n_training"] == 442 and data["df_residual"] == 442 - 11
    assert data["problem_type"] == "regression" and data["target"] == "progression"


def test_standard_errors_of_a_simple_regression_equal_scipy_linregress(tmp_path: Path) -> None:
    target, features = diabetes()
    bmi = next(f for f in features if f.code == "bmi")
    data = _compute(write_volume(tmp_path, algorithm="linearRegression", variables=[target],
                                 covariables=[bmi]))
    reference = stats.linregress(bmi.array, target.array)
    assert data["coefficients"]["bmi"] == pytest.approx(reference.slope, rel=1e-10)
    assert data["standard_errors"]["bmi"] == pytest.approx(reference.stderr, rel=1e-10)
    assert data["standard_errors"]["(Intercept)"] == pytest.approx(
        reference.intercept_stderr, rel=1e-10)
    assert data["p_values"]["bmi"] == pytest.approx(reference.pvalue, rel=1e-6, abs=1e-300)
    assert data["r_squared"] == pytest.approx(reference.rvalue**2, rel=1e-10)


def test_each_t_value_squared_is_the_partial_f_test_of_dropping_that_feature(
    tmp_path: Path,
) -> None:
    target, features = diabetes()
    data = _compute(write_volume(tmp_path, algorithm="linearRegression", variables=[target],
                                 covariables=features))
    X = np.column_stack([f.array for f in features])
    y = target.array

    def rss(columns: np.ndarray) -> float:
        residuals = y - LinearRegression().fit(columns, y).predict(columns)
        return float(residuals @ residuals)

    full = rss(X)
    for j, feature in enumerate(features):
        partial_f = (rss(np.delete(X, j, axis=1)) - full) / (full / data["df_residual"])
        assert data["t_values"][feature.code] ** 2 == pytest.approx(partial_f, rel=1e-8)
    assert data["f_p_value"] < 1e-50


def test_a_nominal_covariable_is_coded_against_its_first_category(tmp_path: Path) -> None:
    species, features = iris()
    petal_length = next(f for f in features if f.code == "petal_length_cm")
    sepal_length = next(f for f in features if f.code == "sepal_length_cm")
    data = _compute(write_volume(tmp_path, algorithm="linearRegression", variables=[petal_length],
                                 covariables=[sepal_length, species]))
    assert data["feature_names"] == ["sepal_length_cm", "species=versicolor", "species=virginica"]
    dummies = np.column_stack([
        sepal_length.array,
        species.array == "versicolor",
        species.array == "virginica",
    ]).astype(float)
    reference = LinearRegression().fit(dummies, petal_length.array)
    np.testing.assert_allclose(list(data["coefficients"].values()), reference.coef_, atol=1e-8)
    assert all(isinstance(e, float) for e in data["standard_errors"].values())


def test_collinear_features_give_coefficients_but_no_standard_errors(tmp_path: Path) -> None:
    x = [1.0, 2.0, 3.0, 4.0, 5.0]
    data = _compute(write_volume(
        tmp_path, algorithm="linearRegression", variables=[real("y", [2.0, 4.1, 5.9, 8.2, 9.9])],
        covariables=[real("x", x), real("twice_x", [2 * v for v in x])],
    ))
    assert set(data["coefficients"]) == {"x", "twice_x"}
    assert data["standard_errors"] == {"(Intercept)": None, "x": None, "twice_x": None}
    assert data["r_squared"] > 0.99


def test_a_nominal_target_is_refused(tmp_path: Path) -> None:
    species, features = iris()
    volume = write_volume(tmp_path, algorithm="linearRegression", variables=[species],
                          covariables=features)
    assert dispatch(HANDLERS, ["compute"], volume) == 1
    assert "needs a numeric target" in read_result(volume, "compute")["error"]
