"""POST /mining/experiment end to end: real HTTP, real PostgreSQL, real algorithm processes."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_diabetes, load_iris
from sklearn.linear_model import LinearRegression
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    mean_absolute_error,
    mean_squared_error,
    r2_score,
)
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor

from woken.validation.folds import make_folds

IRIS_FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
DIABETES_FEATURES = ["age", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]
WAIT_S = 120


def experiment(
    target: str, features: list[str], algorithms: list[str], k: int | None = 3,
    dataset: str = "iris", seed: int | None = 7, **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "variables": [{"code": target}],
        "covariables": [{"code": c} for c in features],
        "grouping": [],
        "filters": "",
        "datasets": [{"code": dataset}],
        "algorithms": [{"code": a, "name": a.upper(), "parameters": []} for a in algorithms],
        "validations": [] if k is None else [
            {"code": "kfold", "name": "kfold", "parameters": [{"code": "k", "value": str(k)}]}
        ],
        **extra,
    }
    if seed is not None:
        body["seed"] = seed
    return body


async def post(client, body: Any, **kwargs: Any) -> tuple[int, dict]:
    response = await client.post("/mining/experiment", json=body, **kwargs)
    return response.status, await response.json()


def kfold_of(entry: dict) -> dict:
    validation = entry["data"]["cells"]["validations"]["init"][0]
    assert "error" not in validation, validation
    return validation["data"]


async def test_classification_scores_match_scikit_learn_on_the_same_folds(client) -> None:
    status, result = await post(client, experiment("species", IRIS_FEATURES, ["knn", "naiveBayes"]))
    assert status == 200, result
    assert result["shape"] == "json" and result["error"] is None  # honest: not PFA (issue 9)
    assert [e["code"] for e in result["data"]] == ["knn", "naiveBayes"]

    iris = load_iris()
    x, y = iris.data, iris.target_names[iris.target]
    labels = list(iris.target_names)
    folds = make_folds(len(y), 3, 7, list(y))
    for entry, model in zip(result["data"], [KNeighborsClassifier(5), GaussianNB()], strict=True):
        score = kfold_of(entry)
        assert score["type"] == "KFoldCrossValidationScore"
        assert set(score["folds"]) == {"0", "1", "2"}
        pooled_truth, pooled_predictions = [], []
        for fold in folds:
            train, test = list(fold.train_rows), list(fold.test_rows)
            predicted = clone(model).fit(x[train], y[train]).predict(x[test])
            got = score["folds"][str(fold.index)]
            assert got["Accuracy"] == pytest.approx(accuracy_score(y[test], predicted))
            assert got["Weighted F1-score"] == pytest.approx(
                f1_score(y[test], predicted, labels=labels, average="weighted", zero_division=0)
            )
            assert got["Confusion matrix"]["values"] == confusion_matrix(
                y[test], predicted, labels=labels
            ).tolist()
            pooled_truth.extend(y[test])
            pooled_predictions.extend(predicted)
        assert score["average_method"] == "pooled"
        assert score["average"]["Accuracy"] == pytest.approx(
            accuracy_score(pooled_truth, pooled_predictions)
        )
        fold_accuracies = [score["folds"][str(f)]["Accuracy"] for f in range(3)]
        assert score["fold_mean"]["Accuracy"] == pytest.approx(np.mean(fold_accuracies))


async def test_regression_scores_match_scikit_learn_on_the_same_folds(client) -> None:
    status, result = await post(client, experiment(
        "progression", DIABETES_FEATURES, ["linearRegression", "knn"], dataset="diabetes", seed=11,
    ))
    assert status == 200, result
    raw = load_diabetes(scaled=False)
    x = raw.data[:, [raw.feature_names.index(name) for name in DIABETES_FEATURES]]
    y = raw.target
    folds = make_folds(len(y), 3, 11)
    for entry, model in zip(result["data"], [LinearRegression(), KNeighborsRegressor(5)],
                            strict=True):
        score = kfold_of(entry)
        for fold in folds:
            train, test = list(fold.train_rows), list(fold.test_rows)
            predicted = clone(model).fit(x[train], y[train]).predict(x[test])
            got = score["folds"][str(fold.index)]
            assert got["type"] == "RegressionScore"
            assert got["MSE"] == pytest.approx(mean_squared_error(y[test], predicted))
            assert got["R-squared"] == pytest.approx(r2_score(y[test], predicted))
            assert got["MAE"] == pytest.approx(mean_absolute_error(y[test], predicted))


BAD_EXPERIMENTS = [
    ("no algorithm", experiment("species", IRIS_FEATURES, []), "at least one algorithm"),
    ("k below 2", experiment("species", IRIS_FEATURES, ["knn"], k=1), "k"),
    ("k above the rows", experiment(
        "species", IRIS_FEATURES, ["knn"], k=5,
        filters={"condition": "AND", "rules": [
            {"field": "petal_length", "operator": "greater_or_equal", "value": 6.6}]}),
     "rows"),
    ("unknown validation", {**experiment("species", IRIS_FEATURES, ["knn"]),
                            "validations": [{"code": "bootstrap"}]}, "bootstrap"),
    ("unknown algorithm", experiment("species", IRIS_FEATURES, ["knn", "oracle"]), "oracle"),
]


async def test_bad_experiments_get_a_400_that_says_why(client) -> None:
    for name, body, reason in BAD_EXPERIMENTS:
        status, answer = await post(client, body)
        assert status == 400, (name, answer)
        assert reason.lower() in answer["message"].lower(), (name, answer["message"])


async def test_the_same_algorithm_twice_runs_twice(client) -> None:
    status, result = await post(client, experiment("species", IRIS_FEATURES, ["knn", "knn"]))
    assert status == 200, result
    first, second = result["data"]
    assert first["jobId"] != second["jobId"]
    assert kfold_of(first)["average"] == kfold_of(second)["average"]


async def test_a_class_absent_from_a_training_fold_still_scores(client) -> None:
    # 50 setosa and the single iris with a 6.9 cm petal: one fold trains without virginica.
    filters = {"condition": "OR", "rules": [
        {"field": "species", "operator": "equal", "value": "setosa"},
        {"field": "petal_length", "operator": "greater_or_equal", "value": 6.9}]}
    status, result = await post(client, experiment(
        "species", IRIS_FEATURES, ["knn", "naiveBayes"], filters=filters,
    ))
    assert status == 200, result
    for entry in result["data"]:
        score = kfold_of(entry)
        matrix = score["average"]["Confusion matrix"]
        assert matrix["labels"] == ["setosa", "versicolor", "virginica"]
        assert sum(map(sum, matrix["values"])) == 51


async def test_a_non_predictive_algorithm_runs_without_cross_validation(client) -> None:
    status, result = await post(client, experiment(
        "species", IRIS_FEATURES, ["statisticsSummary", "knn"],
    ))
    assert status == 200, result
    summary, knn = result["data"]
    assert summary["error"] is None and summary["data"]
    assert "not a predictive algorithm" in summary["validationsSkipped"]
    assert summary["data"]["cells"]["validations"]["init"] == []
    assert kfold_of(knn)["type"] == "KFoldCrossValidationScore"


async def test_a_crashing_fold_job_is_reported_and_the_experiment_finishes(
    client, backend: str
) -> None:
    response = await client.post(
        "/mining/experiment", json=experiment("species", IRIS_FEATURES, ["trainCrasher", "knn"])
    )
    status, result = response.status, await response.json()
    assert status == 200, result
    # The tests of the failed trains will never run: skipped, none left pending.
    progress = (await (await client.get(response.headers["Location"])).json())["progress"]
    # trainCrasher: its model and a train/test pair per fold; knn: one batched job.
    assert progress["done"] == progress["total"] == 1 + 3 * 2 + 1, progress
    assert progress["states"].get("skipped") == 3 and "pending" not in progress["states"]
    crasher, knn = result["data"]
    validation = crasher["data"]["cells"]["validations"]["init"][0]
    assert "3 of 3 folds failed" in validation["error"]
    assert "MemoryError" in validation["error"]  # the job's stderr
    if backend != "chronos":  # Chronos does not report exit codes
        assert "exit code 3" in validation["error"]
    assert kfold_of(knn)["average"]["Accuracy"] > 0.8


async def test_a_fold_job_that_times_out_is_reported(client) -> None:
    started = time.monotonic()
    status, result = await post(client, experiment("species", IRIS_FEATURES, ["testSleeper"], k=2))
    assert status == 200, result
    validation = result["data"][0]["data"]["cells"]["validations"]["init"][0]
    assert "timed out" in validation["error"]
    assert time.monotonic() - started < WAIT_S


async def wait_for_state(client, location: str, states: set[str]) -> dict:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        body = await (await client.get(location)).json()
        if body["state"] in states:
            return body
        await asyncio.sleep(0.2)
    raise AssertionError(f"{location} did not reach {states} within {WAIT_S} s")


async def test_asynchronous_experiment_with_status_progress_and_list(client) -> None:
    response = await client.post(
        "/mining/experiment", json=experiment("species", IRIS_FEATURES, ["knn", "naiveBayes"]),
        headers={"Prefer": "respond-async"},
    )
    assert response.status == 202
    accepted = await response.json()
    location = response.headers["Location"]
    assert location == f"/mining/experiments/{accepted['experimentId']}"

    final = await wait_for_state(client, location, {"completed"})
    # Both algorithms batch their folds: one cross_validate job each (see
    # test_batched_cross_validation for the per-fold count under strict isolation).
    assert final["progress"]["total"] == 2 and final["progress"]["done"] == 2
    assert [a["code"] for a in final["progress"]["algorithms"]] == ["knn", "naiveBayes"]
    assert kfold_of(final["result"]["data"][0])["average"]["Accuracy"] > 0.8

    listed = await (await client.get("/mining/experiments?limit=1&offset=0")).json()
    assert listed["total"] >= 1 and len(listed["items"]) == 1
    assert listed["items"][0]["experimentId"] == accepted["experimentId"]
    bad = await client.get("/mining/experiments?limit=0")
    assert bad.status == 400


async def test_cancel_kills_running_jobs_and_keeps_finished_results(client) -> None:
    response = await client.post(
        "/mining/experiment?async=true",
        json=experiment("species", IRIS_FEATURES, ["statisticsSummary", "slowModel"], k=None),
    )
    location = response.headers["Location"]
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:  # wait for the quick algorithm to finish
        body = await (await client.get(location)).json()
        if body["result"] and body["result"]["data"][0] is not None:
            break
        await asyncio.sleep(0.2)
    cancelled = await client.delete(location)
    assert cancelled.status == 202
    final = await wait_for_state(client, location, {"cancelled"})
    summary, slow = final["result"]["data"]
    assert summary["error"] is None and summary["data"]
    assert "cancel" in slow["error"]
    again = await client.delete(location)
    assert again.status == 200 and (await again.json())["state"] == "cancelled"


async def test_a_cancelled_experiment_leaves_no_job_pending(client) -> None:
    response = await client.post(
        "/mining/experiment?async=true",
        json=experiment("species", IRIS_FEATURES, ["testSleeper"], k=3),
    )
    location = response.headers["Location"]
    assert (await client.delete(location)).status == 202
    final = await wait_for_state(client, location, {"cancelled"})
    progress = final["progress"]
    assert progress["done"] == progress["total"] == 1 + 3 * 2, progress
    assert set(progress["states"]) <= {"cancelled", "succeeded", "failed"}, progress
    assert progress["states"]["cancelled"] >= 3, progress  # at least the three tests


async def test_unknown_experiment_is_404(client) -> None:
    assert (await client.get("/mining/experiments/nope")).status == 404
    assert (await client.delete("/mining/experiments/nope")).status == 404


async def test_the_leaderboard_ranks_algorithms_by_their_mean_fold_score(client) -> None:
    status, result = await post(client, experiment(
        "species", IRIS_FEATURES, ["naiveBayes", "statisticsSummary", "knn", "trainCrasher"],
    ))
    assert status == 200, result
    board = result["leaderboard"]
    assert board["metric"] == "Accuracy" and board["higherIsBetter"] is True
    rows = board["rows"]
    ranked = [r for r in rows if r["rank"] is not None]
    assert {r["code"] for r in ranked} == {"naiveBayes", "knn"}
    assert [r["rank"] for r in ranked] == [1, 2]
    assert ranked[0]["mean"] >= ranked[1]["mean"]
    for row in ranked:
        score = kfold_of(result["data"][row["index"]])
        assert row["mean"] == pytest.approx(score["fold_mean"]["Accuracy"])
        assert row["std"] == pytest.approx(score["fold_std"]["Accuracy"])
        assert row["fitTime"] is not None and row["fitTime"] > 0
    unranked = {r["code"]: r["reason"] for r in rows if r["rank"] is None}
    assert "not a predictive algorithm" in unranked["statisticsSummary"]
    assert "folds failed" in unranked["trainCrasher"]


def rows_of_experiment(result: dict) -> list[tuple[int, int, str]]:
    return [(f["rowsUsed"], f["rowsLeftOut"], f["msg"])
            for f in result["feedback"] if "rowsUsed" in f]


async def test_missing_covariables_reach_algorithms_that_all_handle_them(client) -> None:
    features = ["stress_before_test1"]  # about 4 % of the sample's rows miss it
    status, kept = await post(client, experiment(
        "cognitive_task2", features, ["statisticsSummary"], dataset="sample"))
    assert status == 200, kept
    ((used, left_out, message),) = rows_of_experiment(kept)
    assert (used, left_out) == (1000, 0)
    assert "other missing values are passed to the algorithms" in message
    summary = kept["data"][0]["data"]
    (stress,) = [v for v in summary["data"] if v["index"] == "stress_before_test1"]
    assert 10 < stress["null_count"] < 100

    # With an algorithm that cannot handle them, every algorithm gets the same complete rows.
    status, dropped = await post(client, experiment(
        "cognitive_task2", features, ["statisticsSummary", "linearRegression"],
        dataset="sample"))
    assert status == 200, dropped
    ((used, left_out, message),) = rows_of_experiment(dropped)
    assert used + left_out == 1000 and left_out == stress["null_count"]
    assert "rows missing a value of a requested variable are left out" in message
