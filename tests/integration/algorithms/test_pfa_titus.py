"""Every predictive model's PFA document, run by titus2, predicts what Woken's model predicts.

titus2 (the Python implementation of the PFA specification) runs in its own
virtualenv (scripts/titus_venv.sh). Each case trains a model with the container's
`train`, predicts rows it did not see with the container's `test`, and scores the
same rows with titus2 from the `train` result's PFA document: classes equal,
numbers to 1e-9. The rows include a nominal covariable, so that the document's
one-hot encoding is checked too, and the scaled models check the scaling inside.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.cluster import KMeans

from tests.support.pfa_engine import score
from tests.unit.algorithms.volumes import (
    Column,
    breast_cancer,
    computed,
    diabetes,
    iris,
    nominal,
    read_result,
    write_volume,
)
from woken.algorithms.common.estimators import scaled
from woken.algorithms.common.pfa.document import model_description
from woken.algorithms.common.runner import dispatch
from woken.algorithms.gradientBoosting.algorithm import HANDLERS as GRADIENT_BOOSTING
from woken.algorithms.kmeans.algorithm import HANDLERS as KMEANS
from woken.algorithms.knn.algorithm import HANDLERS as KNN
from woken.algorithms.linearRegression.algorithm import HANDLERS as LINEAR_REGRESSION
from woken.algorithms.naiveBayes.algorithm import HANDLERS as NAIVE_BAYES
from woken.algorithms.sgdLinearModel.algorithm import HANDLERS as SGD_LINEAR
from woken.algorithms.sgdNeuralNetwork.algorithm import HANDLERS as SGD_NEURAL

DATASETS = {"iris": iris, "breast_cancer": breast_cancer, "diabetes": diabetes}
HANDLERS = {"knn": KNN, "naiveBayes": NAIVE_BAYES, "linearRegression": LINEAR_REGRESSION,
            "sgdLinearModel": SGD_LINEAR, "sgdNeuralNetwork": SGD_NEURAL,
            "gradientBoosting": GRADIENT_BOOSTING}
CASES = [
    ("knn", "iris", {"k": "7"}),
    ("knn", "diabetes", {"k": "5"}),
    ("naiveBayes", "iris", {}),
    ("naiveBayes", "breast_cancer", {}),
    ("linearRegression", "diabetes", {}),
    ("sgdLinearModel", "iris", {}),
    ("sgdLinearModel", "breast_cancer", {}),
    ("sgdLinearModel", "diabetes", {}),
    ("sgdNeuralNetwork", "iris", {"hidden_layer_sizes": "8,4", "max_iter": "2000"}),
    ("sgdNeuralNetwork", "breast_cancer", {"hidden_layer_sizes": "6", "activation": "tanh",
                                           "max_iter": "2000"}),
    ("sgdNeuralNetwork", "diabetes", {"hidden_layer_sizes": "5", "activation": "logistic",
                                      "max_iter": "3000", "learning_rate_init": "0.05"}),
    ("gradientBoosting", "iris", {"n_estimators": "20"}),
    ("gradientBoosting", "breast_cancer", {"n_estimators": "20"}),
    ("gradientBoosting", "diabetes", {"n_estimators": "30"}),
]


def _with_site(features: list[Column], n: int) -> list[Column]:
    """The features and a nominal covariable (one category never seen in training)."""
    sites = ["north", "south", "east"]
    return [*features, nominal("site", [sites[i % 3] for i in range(n)],
                               categories=[*sites, "west"])]


def _records(features: list[Column], rows: list[int]) -> list[dict[str, Any]]:
    """The rows as PFA input records: a double per numeric field, a string per nominal one."""
    return [{c.code: c.values[i] for c in features} for i in rows]


def _assert_same(titus: list[Any], woken: list[Any]) -> None:
    assert len(titus) == len(woken) > 0
    if isinstance(woken[0], str):
        assert titus == woken
    else:
        np.testing.assert_allclose(titus, woken, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize(("algorithm", "dataset", "parameters"), CASES,
                         ids=[f"{a}-{d}" for a, d, _ in CASES])
def test_titus2_predicts_what_woken_predicts(tmp_path: Path, algorithm: str, dataset: str,
                                             parameters: dict[str, str]) -> None:
    target, features = DATASETS[dataset]()
    n = len(target.values)
    features = _with_site(features, n)
    train, test = [i for i in range(n) if i % 4], [i for i in range(n) if not i % 4]
    volume = write_volume(tmp_path, algorithm=algorithm, variables=[target],
                          covariables=features, parameters=parameters,
                          train_rows=train, test_rows=test)
    assert dispatch(HANDLERS[algorithm], ["train"], volume) == 0
    assert dispatch(HANDLERS[algorithm], ["test"], volume) == 0
    trained = read_result(volume, "train")
    assert trained["shape"] == "pfa_json", trained["error"]
    document = trained["data"]
    assert [f["name"] for f in document["input"]["fields"]] == [c.code for c in features]
    assert model_description(document)["n_training"] == len(train)
    woken = read_result(volume, "test")["data"]["predictions"]
    _assert_same(score(document, _records(features, test)), woken)


def test_titus2_assigns_new_rows_to_the_kmeans_clusters(tmp_path: Path) -> None:
    _, features = diabetes()
    features = features[:4]
    train, test = list(range(300)), list(range(300, 442))
    volume = write_volume(tmp_path, algorithm="kmeans", variables=features[:1],
                          covariables=features[1:], parameters={"n_clusters": "4", "seed": "3"},
                          train_rows=train)
    document = computed(KMEANS, volume, "pfa_json")
    X = np.column_stack([f.array for f in features])
    model = scaled(KMeans(n_clusters=4, n_init=10, random_state=3)).fit(X[train])
    assert model_description(document)["inertia"] == pytest.approx(model[-1].inertia_)
    assert score(document, _records(features, test)) == model.predict(X[test]).tolist()
