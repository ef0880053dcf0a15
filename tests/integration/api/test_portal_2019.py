"""The 2019 portal's requests and results, on the mip-demo package (one table, three hospitals).

Both formats are pinned: the 2017 fields of a QueryResult stay, the 2019 ones sit
beside them; a field Woken does not honour is a 400 naming it.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from aiohttp.test_utils import TestClient
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score

from tests.support.postgres import create_database
from tests.support.woken_app import woken_test_config
from woken.algorithms.common.pfa.document import model_description
from woken.api.app import create_app
from woken.features.database import FeaturesDatabase
from woken.features.load_files import LoadOptions, load_sources, open_sources

DEMO = Path(__file__).parents[3] / "dev-debug" / "data" / "mip-demo"
TABLE = {"database": "features", "dbSchema": "public", "name": "cde-features"}
FEATURES = ["leftententorhinalarea", "Age"]
TARGET = "_3rdventricle"
FIELDS_2017 = {"jobId", "node", "timestamp", "function", "shape", "data", "error"}
FIELDS_2019 = {"type", "algorithm", "dataProvenance", "feedback", "query"}


@pytest.fixture
async def client(aiohttp_client, postgres_server: str, tmp_path: Path) -> TestClient:
    features_url = create_database(postgres_server, "api_portal_2019_features")
    database = FeaturesDatabase(features_url)
    load_sources(database.engine, open_sources(DEMO), LoadOptions())
    database.dispose()
    config = woken_test_config(
        tmp_path, woken_db_url=create_database(postgres_server, "api_portal_2019"),
        features_db_url=features_url)
    return await aiohttp_client(create_app(config))


def rows_of(dataset: str) -> tuple[np.ndarray, np.ndarray, int]:
    """The CSV's complete rows of ``dataset`` (features, target) and how many were incomplete."""
    with (DEMO / "cde-features.csv").open() as file:
        rows = [r for r in csv.DictReader(file) if r["dataset"] == dataset]
    complete = [r for r in rows if all(r[c] for c in [*FEATURES, TARGET])]
    return (np.array([[float(r[c]) for c in FEATURES] for r in complete]),
            np.array([float(r[TARGET]) for r in complete]), len(rows) - len(complete))


def mining_query(**extra: Any) -> dict[str, Any]:
    return {
        "user": {"code": "user1"},
        "variables": [{"code": TARGET}],
        "covariables": [{"code": code} for code in FEATURES],
        "grouping": [], "filters": "", "covariablesMustExist": True,
        "targetTable": TABLE, "datasets": [{"code": "desd-synthdata"}],
        "algorithm": {"code": "linearRegression", "parameters": []},
        **extra,
    }


async def post(client, route: str, body: Any) -> tuple[int, dict]:
    response = await client.post(route, json=body)
    return response.status, await response.json()


def rows_feedback(result: dict) -> dict[tuple[str, str], tuple[int, int]]:
    return {(f["dataset"], f["role"]): (f["rowsUsed"], f["rowsLeftOut"])
            for f in result["feedback"] if "dataset" in f}


async def test_a_2019_mining_query_runs_on_its_table_and_datasets(client) -> None:
    status, result = await post(client, "/mining/job", mining_query())
    assert status == 200, result
    assert set(result) >= FIELDS_2017 | FIELDS_2019
    # The model is a PFA document (its description in the document's metadata).
    assert result["shape"] == "pfa_json" and result["type"] == "application/pfa+json"
    assert result["algorithm"] == result["function"] == "linearRegression"
    assert result["dataProvenance"] == [{"code": "desd-synthdata"}]
    x, y, left_out = rows_of("desd-synthdata")
    assert rows_feedback(result) == {("desd-synthdata", "data"): (len(y), left_out)}
    assert result["query"]["targetTable"] == TABLE
    assert result["query"]["datasets"] == [{"code": "desd-synthdata"}]
    assert result["user"] == {"code": "user1"}
    expected = LinearRegression().fit(x, y)
    coefficients = [model_description(result["data"])["coefficients"][c] for c in FEATURES]
    np.testing.assert_allclose(coefficients, expected.coef_, rtol=1e-8, atol=1e-10)

    # The job read back carries the same 2019 fields.
    job = await (await client.get(f"/mining/jobs/{result['jobId']}")).json()
    assert job["user"] == {"code": "user1"}
    assert job["result"]["feedback"] == result["feedback"]


async def test_a_target_table_without_datasets_reads_all_its_datasets(client) -> None:
    status, result = await post(client, "/mining/job", mining_query(datasets=[]))
    assert status == 200, result
    assert [d["code"] for d in result["dataProvenance"]] == [
        "desd-synthdata", "nida-synthdata", "ppmi-synthdata"]
    left = {dataset: rows for (dataset, _), rows in rows_feedback(result).items()}
    assert left["ppmi-synthdata"] == (28, 2)  # two rows miss Age


@pytest.mark.parametrize(("body", "named"), [
    (mining_query(targetTable={"name": "no_such_table"}), "no_such_table"),
    (mining_query(datasets=[{"code": "iris"}]), "iris"),
    (mining_query(datasets=[{"code": "nowhere"}]), "nowhere"),
    (mining_query(targetTable={**TABLE, "database": "other"}), "database"),
    (mining_query(colour="blue"), "colour"),
    (mining_query(executionPlan="scatter-gather"), "executionPlan"),
    (mining_query(covariables=[{"code": "no_such_var"}]), "no_such_var"),
], ids=["table", "dataset of another table", "dataset", "database", "field", "executionPlan",
        "covariable must exist"])
async def test_what_is_not_honoured_is_a_400_naming_it(client, body: dict, named: str) -> None:
    status, answer = await post(client, "/mining/job", body)
    assert status == 400 and named in answer["message"], answer


async def test_unknown_covariables_may_be_dropped_and_the_feedback_says_which(client) -> None:
    body = mining_query(covariablesMustExist=False,
                        covariables=[{"code": "Age"}, {"code": "no_such_var"}])
    status, result = await post(client, "/mining/job", body)
    assert status == 200, result
    assert result["query"]["covariables"] == [{"code": "Age"}]
    assert any("no_such_var" in f["msg"] for f in result["feedback"])


async def test_train_on_two_datasets_validate_on_a_third(client) -> None:
    status, result = await post(client, "/mining/experiment", {
        "user": {"code": "user1"},
        "variables": [{"code": TARGET}],
        "covariables": [{"code": code} for code in FEATURES],
        "grouping": [], "filters": "", "targetTable": TABLE,
        "trainingDatasets": [{"code": "desd-synthdata"}, {"code": "nida-synthdata"}],
        "validationDatasets": [{"code": "ppmi-synthdata"}], "testingDatasets": [],
        "algorithms": [{"code": "linearRegression", "name": "linearRegression",
                        "parameters": []}],
        "validations": [{"code": "kFoldCrossValidation", "name": "kfold",
                         "parameters": [{"code": "fold", "value": "3"}]}],
    })
    assert status == 200, result
    assert set(result) >= FIELDS_2017 | FIELDS_2019
    # A 2019 request (trainingDatasets) gets the 2019 experiment type and entries.
    assert result["type"] == "application/vnd.hbp.mip.experiment.pfa+json"
    assert result["query"]["trainingDatasets"] == [{"code": "desd-synthdata"},
                                                   {"code": "nida-synthdata"}]
    assert result["query"]["validationDatasets"] == [{"code": "ppmi-synthdata"}]
    feedback = rows_feedback(result)
    assert feedback[("ppmi-synthdata", "validation")] == (28, 2)
    assert feedback[("desd-synthdata", "training")][0] + \
        feedback[("nida-synthdata", "training")][0] == 78
    (entry,) = result["data"]
    assert entry["error"] is None, entry["error"]
    kfold, held_out = entry["data"]["cells"]["validations"]["init"]
    assert kfold["data"]["type"] == "KFoldCrossValidationScore"
    assert len(kfold["data"]["folds"]) == 3
    assert held_out["code"] == "validationDataset" and held_out["name"] == "ppmi-synthdata"
    assert held_out["data"]["type"] == "ValidationDatasetScore"

    # The same as scikit-learn: fit on the training rows, score on the held-out ones.
    parts = [rows_of(d) for d in ("desd-synthdata", "nida-synthdata")]
    x_train = np.vstack([p[0] for p in parts])
    y_train = np.concatenate([p[1] for p in parts])
    x_test, y_test, _ = rows_of("ppmi-synthdata")
    predicted = LinearRegression().fit(x_train, y_train).predict(x_test)
    score = held_out["data"]["score"]
    assert score["MSE"] == pytest.approx(mean_squared_error(y_test, predicted), rel=1e-9)
    assert score["MAE"] == pytest.approx(mean_absolute_error(y_test, predicted), rel=1e-9)
    assert score["R-squared"] == pytest.approx(r2_score(y_test, predicted), rel=1e-9)

    listed = await (await client.get("/mining/experiments")).json()
    assert listed["items"][0]["user"] == {"code": "user1"}


async def test_a_validation_dataset_must_be_unseen_by_training(client) -> None:
    status, answer = await post(client, "/mining/experiment", {
        "variables": [{"code": TARGET}], "covariables": [{"code": "Age"}],
        "targetTable": TABLE,
        "trainingDatasets": [{"code": "desd-synthdata"}],
        "validationDatasets": [{"code": "desd-synthdata"}],
        "algorithms": [{"code": "linearRegression"}],
    })
    assert status == 400 and "desd-synthdata" in answer["message"]


async def test_the_2017_data_request_as_its_script_sent_it(client) -> None:
    status, result = await post(client, "/mining/job", {
        "variables": [], "covariables": [{"code": '"Age"'}, {"code": "'sex'"}],
        "grouping": [], "filters": "", "datasets": [{"code": "nida-synthdata"}],
        "algorithm": {"code": "data", "name": "data", "parameters": []},
    })
    assert status == 200, result
    assert [f["name"] for f in result["data"]["schema"]["fields"]] == ["Age", "sex"]
    assert result["shape"] == "tabular_data_resource_json"
    assert result["type"] == "application/vnd.dataresource+json"
    assert rows_feedback(result) == {("nida-synthdata", "data"): (30, 0)}


async def test_mining_methods_is_the_catalogue(client) -> None:
    methods = await (await client.get("/mining/methods")).json()
    algorithms = await (await client.get("/mining/algorithms")).json()
    # The 2019 route answers the same algorithms in the 2019 form (test_answers_2019).
    assert [a["code"] for a in methods["algorithms"]] == [
        a["code"] for a in algorithms["algorithms"]]
    assert [v["code"] for v in methods["validations"]] == ["kFoldCrossValidation"]
    assert {"kfold", "kFoldCrossValidation"} <= {v["code"] for v in algorithms["validations"]}
