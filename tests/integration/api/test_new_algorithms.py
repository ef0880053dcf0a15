"""The algorithms of issues 9 and 11 through HTTP: an experiment of a new predictive model,
and a job of a new descriptive one. Real PostgreSQL, real algorithm processes."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.decomposition import PCA
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import accuracy_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from tests.integration.api.test_experiments import IRIS_FEATURES, experiment, kfold_of, post
from tests.integration.api.test_mining_job import job, post_job
from woken.validation.folds import make_folds


async def test_an_sgd_linear_model_experiment_scores_as_scikit_learn_on_the_same_folds(
    client,
) -> None:
    body = experiment("species", IRIS_FEATURES, ["sgdLinearModel"], k=3, seed=5)
    body["algorithms"][0]["parameters"] = [{"code": "alpha", "value": "0.001"}]
    status, result = await post(client, body)
    assert status == 200, result
    (entry,) = result["data"]
    assert entry["error"] is None and entry["code"] == "sgdLinearModel"
    score = kfold_of(entry)
    iris = load_iris()
    x, y = iris.data, iris.target_names[iris.target]
    for fold in make_folds(len(y), 3, 5, list(y)):
        train, test = list(fold.train_rows), list(fold.test_rows)
        model = make_pipeline(StandardScaler(),
                              SGDClassifier(loss="log_loss", alpha=0.001, random_state=42))
        predicted = model.fit(x[train], y[train]).predict(x[test])
        assert score["folds"][str(fold.index)]["Accuracy"] == pytest.approx(
            accuracy_score(y[test], predicted))
    assert [row["code"] for row in result["leaderboard"]["rows"]] == ["sgdLinearModel"]


async def test_a_pca_job_answers_a_plotly_figure_with_scikit_learns_components(client) -> None:
    status, result = await post_job(client, job(
        "pca", ["sepal_length"], IRIS_FEATURES[1:], datasets=[{"code": "iris"}],
    ))
    assert status == 200, result
    assert result["error"] is None, result["error"]
    assert result["shape"] == "application/vnd.plotly.v1+json"
    figure = result["data"]
    meta = figure["layout"]["meta"]
    assert meta["variables"] == IRIS_FEATURES and meta["n_rows"] == 150
    reference = PCA(svd_solver="full").fit(StandardScaler().fit_transform(load_iris().data))
    np.testing.assert_allclose(meta["explained_variance_ratio"],
                               reference.explained_variance_ratio_, rtol=1e-9)
    loadings = [[meta["loadings"][pc][code] for code in IRIS_FEATURES]
                for pc in meta["components"]]
    np.testing.assert_allclose(loadings, reference.components_, rtol=1e-9, atol=1e-12)
    assert figure["data"][0]["type"] == "scatter" and len(figure["data"][0]["x"]) == 150


async def test_a_nominal_variable_for_pca_is_a_400_naming_it(client) -> None:
    status, result = await post_job(client, job(
        "pca", ["species"], IRIS_FEATURES, datasets=[{"code": "iris"}],
    ))
    assert status == 400 and "species" in result["message"]
