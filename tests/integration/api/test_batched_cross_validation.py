"""Batched cross-validation scores exactly as one job per fold, on every bundled data set.

The same experiment (the batched algorithms, 5 folds, one seed) goes through the
HTTP API twice: to a Woken with `strict_isolation` (a train and a test job per
fold) and to one without (one `cross_validate` job per algorithm). Every score,
fold by fold, and every model must be the same to the last digit.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.postgres import create_database
from tests.support.woken_app import woken_test_config
from woken.api.app import create_app
from woken.features.bundled.breast_cancer import build_breast_cancer
from woken.features.bundled.diabetes import build_diabetes
from woken.features.bundled.iris import build_iris
from woken.features.bundled.sample import build_sample
from woken.features.bundled.spec import BundledDataset
from woken.features.bundled.wine import build_wine

_numbers = itertools.count()
K = 5
CLASSIFIERS = ["knn", "naiveBayes", "gradientBoosting", "sgdLinearModel", "sgdNeuralNetwork"]
REGRESSORS = ["knn", "linearRegression", "gradientBoosting", "sgdLinearModel",
              "sgdNeuralNetwork"]
DATASETS: dict[str, Callable[[], BundledDataset]] = {
    "iris": build_iris, "wine": build_wine, "breast_cancer": build_breast_cancer,
    "diabetes": build_diabetes, "sample": build_sample,
}


def body(dataset: BundledDataset) -> dict[str, Any]:
    target = next(v for v in dataset.variables if v.code == dataset.target)
    covariables = [v.code for v in dataset.variables
                   if v.code != dataset.target and v.type in ("real", "integer", "polynominal",
                                                               "binominal")]
    algorithms = CLASSIFIERS if target.type in ("polynominal", "binominal") else REGRESSORS
    return {
        "variables": [{"code": dataset.target}],
        "covariables": [{"code": c} for c in covariables],
        "grouping": [], "filters": "", "datasets": [{"code": dataset.code}], "seed": 20,
        "algorithms": [{"code": a, "name": a, "parameters": []} for a in algorithms],
        "validations": [{"code": "kfold", "name": "kfold",
                         "parameters": [{"code": "k", "value": str(K)}]}],
    }


async def run(aiohttp_client: Any, postgres_server: str, tmp_path: Path, strict: bool,
              request: dict[str, Any]) -> dict[str, Any]:
    n = next(_numbers)
    config = woken_test_config(
        tmp_path / ("strict" if strict else "batched"),
        woken_db_url=create_database(postgres_server, f"batched_woken_{n}"),
        features_db_url=create_database(postgres_server, f"batched_features_{n}"),
    )
    client = await aiohttp_client(create_app(dataclasses.replace(
        config, strict_isolation=strict, request_timeout_s=600, job_timeout_s=120)))
    response = await client.post("/mining/experiment", json=request)
    assert response.status == 200, await response.text()
    result = await response.json()
    progress = await (await client.get(f"/mining/experiments/{result['jobId']}")).json()
    await client.close()
    return {"result": result, "progress": progress["progress"]}


def comparable(entry: dict[str, Any]) -> dict[str, Any]:
    """What must not change between the modes: the model and its scores (not times, ids)."""
    return {"error": entry["error"], "data": entry["data"], "parameters": entry["parameters"]}


@pytest.mark.parametrize("name", list(DATASETS))
async def test_batched_and_per_fold_scores_are_identical(
    aiohttp_client: Any, postgres_server: str, tmp_path: Path, name: str
) -> None:
    (tmp_path / "strict").mkdir()
    (tmp_path / "batched").mkdir()
    request = body(DATASETS[name]())
    strict = await run(aiohttp_client, postgres_server, tmp_path, True, request)
    batched = await run(aiohttp_client, postgres_server, tmp_path, False, request)
    n_algorithms = len(request["algorithms"])
    # One job per fold and command plus the model, against one job per algorithm.
    assert strict["progress"]["total"] == n_algorithms * (1 + 2 * K)
    assert batched["progress"]["total"] == n_algorithms
    # The progress shows the same folds either way, each ended.
    for per_fold, one_job in zip(strict["progress"]["algorithms"],
                                 batched["progress"]["algorithms"], strict=True):
        assert set(one_job["folds"]) == set(per_fold["folds"]) == {f"v0.f{n}" for n in range(K)}
        assert all(fold == {"train": "succeeded", "test": "succeeded"}
                   for fold in per_fold["folds"].values())
        assert all(fold == {"cross_validate": "succeeded"} for fold in one_job["folds"].values())
    pairs = list(zip(strict["result"]["data"], batched["result"]["data"], strict=True))
    for per_fold, one_job in pairs:
        assert per_fold["error"] is None, per_fold["error"]
        validation = per_fold["data"]["cells"]["validations"]["init"][0]
        assert "error" not in validation, validation
        assert comparable(one_job) == comparable(per_fold)
    assert untimed(batched["result"]["leaderboard"]) == untimed(strict["result"]["leaderboard"])


def untimed(board: dict[str, Any]) -> dict[str, Any]:
    """The leaderboard without fit times (a fit alone against a fit in its own process)."""
    rows = [{k: v for k, v in row.items() if k != "fitTime"} for row in board["rows"]]
    assert all(row.get("mean") is not None for row in rows), rows
    return {**board, "rows": rows}
