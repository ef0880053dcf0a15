"""sgdLinearModel: predictions and coefficients equal scikit-learn's scaled SGD pipelines."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.linear_model import SGDClassifier, SGDRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from tests.unit.algorithms.checks import (
    assert_refused_by_the_registry,
    assert_same_predictions,
    matrix,
    train_and_test,
)
from tests.unit.algorithms.volumes import (
    breast_cancer,
    computed,
    diabetes,
    iris,
    read_result,
    write_volume,
)
from woken.algorithms.common.pfa.document import model_description
from woken.algorithms.common.runner import dispatch
from woken.algorithms.sgdLinearModel.algorithm import HANDLERS


def test_classification_on_a_fold_predicts_as_scikit_learn(tmp_path: Path) -> None:
    species, features = iris()
    train, test = list(range(0, 150, 2)), list(range(1, 150, 2))
    volume = write_volume(tmp_path, algorithm="sgdLinearModel", variables=[species],
                          covariables=features, parameters={"alpha": "0.001", "seed": "7"},
                          train_rows=train, test_rows=test)
    model, predictions = train_and_test(HANDLERS, volume)
    X = matrix(features)
    reference = make_pipeline(
        StandardScaler(), SGDClassifier(loss="log_loss", alpha=0.001, random_state=7),
    ).fit(X[train], species.array[train])
    assert_same_predictions(predictions, reference.predict(X[test]), species)
    assert model["problem_type"] == "classification" and model["loss"] == "log_loss"
    assert model["classes"] == ["setosa", "versicolor", "virginica"]
    assert model["parameters"] == {"penalty": "l2", "alpha": 0.001, "l1_ratio": 0.15,
                                   "random_state": 7}
    coefficients = reference[-1].coef_
    assert [list(model["coefficients"][c].values()) for c in model["classes"]] == (
        coefficients.tolist())


def test_regression_with_elastic_net_predicts_as_scikit_learn(tmp_path: Path) -> None:
    target, features = diabetes()
    train, test = list(range(300)), list(range(300, 442))
    parameters = {"penalty": "elasticnet", "l1_ratio": "0.5", "alpha": "0.01"}
    volume = write_volume(tmp_path, algorithm="sgdLinearModel", variables=[target],
                          covariables=features, parameters=parameters,
                          train_rows=train, test_rows=test)
    model, predictions = train_and_test(HANDLERS, volume)
    X = matrix(features)
    reference = make_pipeline(StandardScaler(), SGDRegressor(
        penalty="elasticnet", l1_ratio=0.5, alpha=0.01, random_state=42,
    )).fit(X[train], target.array[train])
    assert_same_predictions(predictions, reference.predict(X[test]), target)
    assert model["problem_type"] == "regression" and model["classes"] is None
    assert model["n_training"] == 300


def test_compute_on_every_row_describes_the_model_scikit_learn_fits(tmp_path: Path) -> None:
    diagnosis, features = breast_cancer()
    volume = write_volume(tmp_path, algorithm="sgdLinearModel", variables=[diagnosis],
                          covariables=features, parameters={"penalty": "none"})
    model = model_description(computed(HANDLERS, volume, "pfa_json"))
    reference = make_pipeline(
        StandardScaler(), SGDClassifier(loss="log_loss", penalty=None, random_state=42),
    ).fit(matrix(features), diagnosis.array)
    # Two classes: one linear function, that of the second class.
    (positive,) = model["coefficients"]
    assert positive == reference.classes_[1]
    np.testing.assert_allclose(list(model["coefficients"][positive].values()),
                               reference[-1].coef_[0], rtol=1e-12)
    assert model["intercept"] == {positive: pytest.approx(reference[-1].intercept_[0])}
    assert model["scaling"]["mean"]["mean_radius"] == pytest.approx(reference[0].mean_[0])
    assert model["n_iter"] == reference[-1].n_iter_


@pytest.mark.parametrize(("parameter", "value", "message"), [
    ("penalty", "l3", "must be one of"),
    ("alpha", "0", "must be >= 1e-07"),
    ("l1_ratio", "1.5", "must be <= 1"),
    ("seed", "-1", "must be >= 0"),
])
def test_bad_parameters_are_refused_by_the_manifest(parameter: str, value: str,
                                                    message: str) -> None:
    assert_refused_by_the_registry("sgdLinearModel", parameter, value, message)


def test_a_hand_written_bad_penalty_fails_the_job_clearly(tmp_path: Path) -> None:
    species, features = iris()
    volume = write_volume(tmp_path, algorithm="sgdLinearModel", variables=[species],
                          covariables=features, parameters={"penalty": "ridge"})
    assert dispatch(HANDLERS, ["compute"], volume) == 1
    assert read_result(volume, "compute")["error"] == (
        "parameter 'penalty' must be one of l2, l1, elasticnet, none, got 'ridge'")

