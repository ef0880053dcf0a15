"""naiveBayes: predictions, priors, means and variances equal scikit-learn's GaussianNB."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.naive_bayes import GaussianNB

from tests.unit.algorithms.volumes import (
    breast_cancer,
    diabetes,
    read_result,
    wine,
    write_volume,
)
from woken.algorithms.common.pfa.document import model_description
from woken.algorithms.common.runner import dispatch
from woken.algorithms.naiveBayes.algorithm import HANDLERS


@pytest.mark.parametrize("dataset", [wine, breast_cancer])
def test_model_and_predictions_equal_scikit_learns(tmp_path: Path, dataset) -> None:
    target, features = dataset()
    n = len(target.values)
    train, test = list(range(0, n, 3)) + list(range(1, n, 3)), list(range(2, n, 3))
    volume = write_volume(tmp_path, algorithm="naiveBayes", variables=[target],
                          covariables=features, train_rows=train, test_rows=test)
    assert dispatch(HANDLERS, ["train"], volume) == 0
    assert dispatch(HANDLERS, ["test"], volume) == 0
    model = model_description(read_result(volume, "train")["data"])
    predictions = read_result(volume, "test")["data"]["predictions"]

    X = np.column_stack([f.array for f in features])
    reference = GaussianNB().fit(X[train], target.array[train])
    assert predictions == reference.predict(X[test]).tolist()
    classes = reference.classes_.tolist()
    assert model["classes"] == classes
    assert list(model["priors"].values()) == pytest.approx(reference.class_prior_.tolist())
    for i, label in enumerate(classes):
        means = [model["means"][label][f.code] for f in features]
        variances = [model["variances"][label][f.code] for f in features]
        np.testing.assert_allclose(means, reference.theta_[i], rtol=1e-12)
        np.testing.assert_allclose(variances, reference.var_[i], rtol=1e-12)
    assert model["class_labels"][classes[0]] == classes[0].replace("_", " ").title()


def test_var_smoothing_is_passed_on(tmp_path: Path) -> None:
    target, features = wine()
    volume = write_volume(tmp_path, algorithm="naiveBayes", variables=[target],
                          covariables=features, parameters={"var_smoothing": "0.01"})
    assert dispatch(HANDLERS, ["compute"], volume) == 0
    model = model_description(read_result(volume, "compute")["data"])
    X = np.column_stack([f.array for f in features])
    reference = GaussianNB(var_smoothing=0.01).fit(X, target.array)
    assert model["var_smoothing"] == 0.01
    assert model["epsilon"] == pytest.approx(reference.epsilon_)
    assert model["variances"]["class_0"]["alcohol"] == pytest.approx(reference.var_[0, 0])


def test_a_numeric_target_is_refused(tmp_path: Path) -> None:
    target, features = diabetes()
    volume = write_volume(tmp_path, algorithm="naiveBayes", variables=[target],
                          covariables=features)
    assert dispatch(HANDLERS, ["compute"], volume) == 1
    assert "naive Bayes needs a nominal target" in read_result(volume, "compute")["error"]
