"""AutoML through HTTP: TPOT jobs, a TPOT experiment, and the budget enforced from outside."""

from __future__ import annotations

import itertools
import re
import time
from pathlib import Path

import pytest

from tests.integration.api.test_experiments import IRIS_FEATURES, experiment, kfold_of
from tests.support.postgres import create_database
from tests.support.woken_app import woken_test_config
from woken.api.app import create_app
from woken.config import ALGORITHMS_DIR

# Small searches: a CI run, not a benchmark (2 generations x 8 pipelines).
QUICK = [{"code": "max_time_mins", "value": "0.5"}, {"code": "generations", "value": "2"},
         {"code": "population_size", "value": "8"}, {"code": "cv", "value": "3"},
         {"code": "search_space", "value": "linear-light"}]
DIABETES_FEATURES = ["age", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]
_numbers = itertools.count()


def tpot_job(target: str, features: list[str], dataset: str, parameters: list[dict]) -> dict:
    return {
        "variables": [{"code": target}], "covariables": [{"code": c} for c in features],
        "grouping": [], "filters": "", "datasets": [{"code": dataset}],
        "algorithm": {"code": "tpot", "name": "AutoML", "parameters": parameters},
    }


async def test_a_tpot_job_on_iris_returns_its_pipeline_and_score(client) -> None:
    response = await client.post("/mining/job", json=tpot_job("species", IRIS_FEATURES, "iris",
                                                               QUICK))
    result = await response.json()
    assert response.status == 200 and result["error"] is None, result
    model = result["data"]
    assert model["problem_type"] == "classification"
    assert model["pipeline"]
    assert model["search"]["best_cv_score"] > 0.8
    assert model["classes"] == ["setosa", "versicolor", "virginica"]


async def test_a_tpot_job_on_diabetes_returns_a_regressor(client) -> None:
    response = await client.post("/mining/job", json=tpot_job(
        "progression", DIABETES_FEATURES, "diabetes", QUICK))
    result = await response.json()
    assert response.status == 200 and result["error"] is None, result
    assert result["data"]["problem_type"] == "regression"
    assert result["data"]["classes"] is None
    assert re.search(r"Regress|Lasso|Ridge|ElasticNet|SVR|Lars", result["data"]["pipeline"])


async def test_an_experiment_with_tpot_and_knn_scores_both_and_ranks_them(client) -> None:
    body = experiment("species", IRIS_FEATURES, ["tpot", "knn"], k=2)
    body["algorithms"][0]["parameters"] = QUICK
    response = await client.post("/mining/experiment", json=body)
    result = await response.json()
    assert response.status == 200, result
    tpot, knn = result["data"]
    for entry in (tpot, knn):
        score = kfold_of(entry)
        assert set(score["folds"]) == {"0", "1"}
        assert score["average"]["Accuracy"] > 0.7
    rows = {row["code"]: row for row in result["leaderboard"]["rows"]}
    assert {rows["tpot"]["rank"], rows["knn"]["rank"]} == {1, 2}
    assert rows["tpot"]["pipeline"] == tpot["data"]["pipeline"]


@pytest.fixture
async def tight_client(aiohttp_client, postgres_server: str, tmp_path: Path):
    """Woken with `tpotTight`: TPOT with a budget grace of 1 s instead of 60 s."""
    config = woken_test_config(
        tmp_path,
        woken_db_url=create_database(postgres_server, f"tpot_woken_{next(_numbers)}"),
        features_db_url=create_database(postgres_server, f"tpot_features_{next(_numbers)}"),
    )
    folder = config.algorithms_dir / "tpotTight"
    folder.mkdir()
    manifest = (ALGORITHMS_DIR / "tpot" / "algorithm.toml").read_text()
    manifest = manifest.replace('code = "tpot"', 'code = "tpotTight"')
    manifest = re.sub(r"budget_overshoot = .*", "budget_overshoot = 0", manifest)
    manifest = re.sub(r"budget_grace_s = .*", "budget_grace_s = 1", manifest)
    (folder / "algorithm.toml").write_text(manifest)
    entrypoint = folder / "entrypoint.sh"
    # The search now stops itself well within its budget: a job that overruns it (a
    # container stuck in its start, say) is simulated by a pause before the real one.
    entrypoint.write_text(
        f'#!/bin/sh\nsleep 30\nexec "{ALGORITHMS_DIR}/tpot/entrypoint.sh" "$@"\n'
    )
    entrypoint.chmod(0o755)
    return await aiohttp_client(create_app(config))


async def test_a_tpot_job_over_its_budget_is_killed_at_budget_plus_grace(tight_client) -> None:
    features = ["mean_radius", "mean_texture", "mean_perimeter", "mean_area"]
    body = tpot_job("diagnosis", features, "breast_cancer", [
        {"code": "max_time_mins", "value": "0.05"}, {"code": "population_size", "value": "50"},
    ])
    body["algorithm"]["code"] = "tpotTight"
    started = time.monotonic()
    response = await tight_client.post("/mining/job", json=body)
    result = await response.json()
    assert response.status == 200
    # 0.05 min x 60 x (1 + 0) + 1 s = 4 s
    assert "timed out" in result["error"] and "timeout of 4 s" in result["error"], result
    assert time.monotonic() - started < 60
