"""knn: predictions and description equal scikit-learn's k-nearest-neighbours estimators."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor

from tests.unit.algorithms.volumes import (
    breast_cancer,
    diabetes,
    iris,
    nominal,
    read_result,
    write_volume,
)
from woken.algorithms.common.pfa.document import model_description
from woken.algorithms.common.runner import dispatch
from woken.algorithms.knn.algorithm import HANDLERS

TRAIN = list(range(0, 150, 2))
TEST = list(range(1, 150, 2))


def _train_and_test(volume: Path) -> tuple[dict, list]:
    assert dispatch(HANDLERS, ["train"], volume) == 0
    assert dispatch(HANDLERS, ["test"], volume) == 0
    return (model_description(read_result(volume, "train")["data"]),
            read_result(volume, "test")["data"]["predictions"])


def test_classification_predictions_equal_scikit_learns_on_iris(tmp_path: Path) -> None:
    species, features = iris()
    volume = write_volume(tmp_path, algorithm="knn", variables=[species], covariables=features,
                          parameters={"k": "7"}, train_rows=TRAIN, test_rows=TEST)
    model, predictions = _train_and_test(volume)
    X = np.column_stack([f.array for f in features])
    reference = KNeighborsClassifier(n_neighbors=7).fit(X[TRAIN], species.array[TRAIN])
    assert predictions == reference.predict(X[TEST]).tolist()
    assert model["problem_type"] == "classification" and model["k"] == 7
    assert model["classes"] == ["setosa", "versicolor", "virginica"]
    assert model["n_training"] == 75
    np.testing.assert_array_equal(model["training_points"]["features"], X[TRAIN])
    assert model["training_points"]["target"] == species.array[TRAIN].tolist()


def test_regression_predictions_equal_scikit_learns_on_diabetes(tmp_path: Path) -> None:
    target, features = diabetes()
    train, test = list(range(300)), list(range(300, 442))
    volume = write_volume(tmp_path, algorithm="knn", variables=[target], covariables=features,
                          train_rows=train, test_rows=test)
    model, predictions = _train_and_test(volume)
    X = np.column_stack([f.array for f in features])
    reference = KNeighborsRegressor(n_neighbors=5).fit(X[train], target.array[train])
    np.testing.assert_allclose(predictions, reference.predict(X[test]), rtol=1e-12)
    assert model["problem_type"] == "regression" and model["classes"] is None
    assert model["k"] == 5


def test_nominal_covariables_are_one_hot_encoded(tmp_path: Path) -> None:
    species, features = iris()
    petal_length = features[2]
    # Predict the species from a single length and a made-up site factor.
    site = nominal("site", ["north" if i % 3 else "south" for i in range(150)])
    volume = write_volume(tmp_path, algorithm="knn", variables=[species],
                          covariables=[petal_length, site], train_rows=TRAIN, test_rows=TEST)
    model, predictions = _train_and_test(volume)
    assert model["feature_names"] == ["petal_length_cm", "site=north", "site=south"]
    X = np.column_stack([petal_length.array, site.array == "north", site.array == "south"])
    reference = KNeighborsClassifier(n_neighbors=5).fit(X[TRAIN], species.array[TRAIN])
    assert predictions == reference.predict(X[TEST]).tolist()


def test_large_training_sets_are_described_without_their_points(tmp_path: Path) -> None:
    diagnosis, features = breast_cancer()
    volume = write_volume(tmp_path, algorithm="knn", variables=[diagnosis], covariables=features)
    assert dispatch(HANDLERS, ["compute"], volume) == 0
    model = model_description(read_result(volume, "compute")["data"])
    assert model["training_points"] is None
    assert model["n_training"] == 569 and len(model["feature_names"]) == 30


@pytest.mark.parametrize(("k", "message"), [
    ("0", "must be between 1 and 100"),  # the manifest's bounds
    ("101", "must be between 1 and 100"),
    ("60", "more than the 50 training rows"),
])
def test_an_impossible_k_fails_clearly(tmp_path: Path, k: str, message: str) -> None:
    species, features = iris()
    volume = write_volume(tmp_path, algorithm="knn", variables=[species], covariables=features,
                          parameters={"k": k}, train_rows=range(0, 150, 3))
    assert dispatch(HANDLERS, ["compute"], volume) == 1
    assert message in read_result(volume, "compute")["error"]
