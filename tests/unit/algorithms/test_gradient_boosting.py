"""gradientBoosting: predictions and importances equal scikit-learn's with the same seed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.ensemble import GradientBoostingClassifier, GradientBoostingRegressor

from tests.unit.algorithms.checks import (
    assert_refused_by_the_registry,
    assert_same_predictions,
    matrix,
    train_and_test,
)
from tests.unit.algorithms.volumes import computed, diabetes, nominal, wine, write_volume
from woken.algorithms.common.pfa.document import model_description
from woken.algorithms.gradientBoosting.algorithm import HANDLERS


def test_classification_on_a_fold_predicts_as_scikit_learn(tmp_path: Path) -> None:
    cultivar, features = wine()
    train, test = list(range(0, 178, 2)), list(range(1, 178, 2))
    parameters = {"n_estimators": "30", "max_depth": "2", "max_features": "sqrt", "seed": "5",
                  "learning_rate": "0.2", "min_samples_leaf": "3"}
    volume = write_volume(tmp_path, algorithm="gradientBoosting", variables=[cultivar],
                          covariables=features, parameters=parameters,
                          train_rows=train, test_rows=test)
    model, predictions = train_and_test(HANDLERS, volume)
    X = matrix(features)
    reference = GradientBoostingClassifier(
        n_estimators=30, max_depth=2, max_features="sqrt", random_state=5, learning_rate=0.2,
        min_samples_leaf=3,
    ).fit(X[train], cultivar.array[train])
    assert_same_predictions(predictions, reference.predict(X[test]), cultivar)
    assert model["classes"] == ["class_0", "class_1", "class_2"]
    assert model["n_estimators"] == 30 and model["loss"] == "log_loss"
    np.testing.assert_allclose(list(model["feature_importances"].values()),
                               reference.feature_importances_, rtol=1e-12)


def test_regression_on_a_fold_predicts_as_scikit_learn(tmp_path: Path) -> None:
    target, features = diabetes()
    train, test = list(range(300)), list(range(300, 442))
    volume = write_volume(tmp_path, algorithm="gradientBoosting", variables=[target],
                          covariables=features, parameters={"min_samples_split": "10"},
                          train_rows=train, test_rows=test)
    model, predictions = train_and_test(HANDLERS, volume)
    X = matrix(features)
    reference = GradientBoostingRegressor(min_samples_split=10, random_state=42).fit(
        X[train], target.array[train])
    assert_same_predictions(predictions, reference.predict(X[test]), target)
    assert model["problem_type"] == "regression" and model["loss"] == "squared_error"
    assert model["train_loss"] == pytest.approx(reference.train_score_[-1], rel=1e-12)


def test_compute_on_every_row_with_a_nominal_covariable(tmp_path: Path) -> None:
    target, features = diabetes()
    site = nominal("site", ["a" if i % 3 else "b" for i in range(442)])
    volume = write_volume(tmp_path, algorithm="gradientBoosting", variables=[target],
                          covariables=[*features[:3], site], parameters={"n_estimators": "20"})
    model = model_description(computed(HANDLERS, volume, "pfa_json"))
    assert model["feature_names"] == ["age", "sex", "bmi", "site=a", "site=b"]
    X = np.column_stack([*(f.array for f in features[:3]), site.array == "a", site.array == "b"])
    reference = GradientBoostingRegressor(n_estimators=20, random_state=42).fit(X, target.array)
    np.testing.assert_allclose(list(model["feature_importances"].values()),
                               reference.feature_importances_, rtol=1e-12)
    assert model["parameters"]["max_features"] is None


@pytest.mark.parametrize(("parameter", "value", "message"), [
    ("learning_rate", "0", "must be >= 0.001"),
    ("n_estimators", "0", "must be >= 1"),
    ("max_depth", "100", "must be <= 32"),
    ("min_samples_split", "1", "must be >= 2"),
    ("min_samples_leaf", "2.5", "must be an integer"),
    ("max_features", "half", "must be one of"),
])
def test_bad_parameters_are_refused_by_the_manifest(parameter: str, value: str,
                                                    message: str) -> None:
    assert_refused_by_the_registry("gradientBoosting", parameter, value, message)

