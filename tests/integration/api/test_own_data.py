"""A user's data package, loaded with load-data, then mined through HTTP like the bundled sets.

The package's codes are the MIP's (``desd-synthdata``, ``_3rdventricle``, ``Age``):
they must reach the algorithm and its answer as they are.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from aiohttp.test_utils import TestClient
from sklearn.linear_model import LinearRegression

from tests.support.postgres import create_database
from tests.support.woken_app import woken_test_config
from woken.algorithms.common.pfa.document import model_description
from woken.api.app import create_app
from woken.features.database import FeaturesDatabase
from woken.features.load_files import LoadOptions, load_sources, open_sources

DEMO = Path(__file__).parents[3] / "dev-debug" / "data" / "mip-demo"
FEATURES = ["leftententorhinalarea", "Age"]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def client(request: pytest.FixtureRequest, aiohttp_client, postgres_server: str,
                 tmp_path: Path) -> TestClient:
    features_url = (f"sqlite:///{tmp_path / 'features.db'}" if request.param == "sqlite"
                    else create_database(postgres_server, "api_own_data_features"))
    database = FeaturesDatabase(features_url)
    load_sources(database.engine, open_sources(DEMO), LoadOptions())
    database.dispose()
    config = woken_test_config(
        tmp_path, woken_db_url=create_database(postgres_server, f"api_own_data_{request.param}"),
        features_db_url=features_url)
    return await aiohttp_client(create_app(config))


def demo_rows(datasets: set[str]) -> tuple[np.ndarray, np.ndarray]:
    """The CSV's rows of ``datasets`` without a missing value: (features, target)."""
    with (DEMO / "cde-features.csv").open() as file:
        rows = [r for r in csv.DictReader(file)
                if r["dataset"] in datasets and all(r[c] for c in [*FEATURES, "_3rdventricle"])]
    return (np.array([[float(r[c]) for c in FEATURES] for r in rows]),
            np.array([float(r["_3rdventricle"]) for r in rows]))


async def test_linear_regression_on_a_loaded_package_matches_scikit_learn(client) -> None:
    datasets = ["desd-synthdata", "nida-synthdata"]
    response = await client.post("/mining/job", json={
        "variables": [{"code": "_3rdventricle"}],
        "covariables": [{"code": code} for code in FEATURES],
        "grouping": [], "filters": "",
        "datasets": [{"code": code} for code in datasets],
        "algorithm": {"code": "linearRegression", "name": "linearRegression", "parameters": []},
    })
    result = await response.json()
    assert response.status == 200, result
    assert result["error"] is None, result["error"]
    x, y = demo_rows(set(datasets))
    assert len(y) == 78  # 80 rows, 2 with a missing entorhinal area
    expected = LinearRegression().fit(x, y)
    model = model_description(result["data"])
    np.testing.assert_allclose([model["coefficients"][c] for c in FEATURES], expected.coef_,
                               rtol=1e-8, atol=1e-10)
    assert abs(model["intercept"] - expected.intercept_) < 1e-8


async def test_one_dataset_of_a_shared_table_is_its_rows_only(client) -> None:
    response = await client.post("/mining/job", json={
        "variables": [{"code": "_3rdventricle"}], "covariables": [{"code": "Age"}],
        "grouping": [], "filters": "", "datasets": [{"code": "nida-synthdata"}],
        "algorithm": {"code": "data", "name": "data", "parameters": []},
    })
    result = await response.json()
    assert response.status == 200, result
    assert len(result["data"]["data"]) == 30
    listed = (await (await client.get("/metadata/datasets")).json())["datasets"]
    counts = {d["code"]: d["rows"] for d in listed}
    assert counts["desd-synthdata"] == 50 and counts["nida-synthdata"] == 30
    assert counts["ppmi-synthdata"] == 30
