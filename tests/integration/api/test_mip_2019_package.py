"""The MIP's sample package, loaded as shipped, answered through HTTP as the 2019 Woken did.

``GET /metadata/datasets?table=`` and ``GET /metadata/variables`` (a dataset, the
union when none is named, ``exhaustive``) are compared with the 2019 answers in
structure; a request's ``targetTable`` decides which table a dataset's rows come from,
and ``dataProvenance`` names only the datasets that gave rows.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from tests.support.answers_2019 import mip_client, reference, same_structure

MIP = ["churn", "desd-synthdata", "nida-synthdata", "qqni-synthdata", "sample_data"]


@pytest.fixture
async def client(aiohttp_client, postgres_server: str, tmp_path: Path) -> TestClient:
    return await mip_client(aiohttp_client, postgres_server, tmp_path, "api_mip_2019")


async def get(client: TestClient, path: str, status: int = 200) -> dict:
    response = await client.get(path)
    answer = await response.json()
    assert response.status == status, answer
    return answer


async def test_the_metadata_routes_answer_as_2019(client: TestClient) -> None:
    datasets = await get(client, "/metadata/datasets?table=cde_features_a")
    same_structure(datasets, reference("list_datasets.json"))
    assert [d["id"]["code"] for d in datasets["datasets"]] == ["desd-synthdata"]
    assert datasets["datasets"][0]["tables"] == reference("list_datasets.json")[
        "datasets"][0]["tables"]
    everything = await get(client, "/metadata/datasets")
    assert set(MIP) <= {d["code"] for d in everything["datasets"]}  # beside the bundled sets
    churn = await get(client, "/metadata/variables?datasets=churn")
    same_structure(churn, reference("list_churn_variables.json"))
    assert len(churn["variables"]) == 21
    mip = await get(client, f"/metadata/variables?datasets={','.join(MIP)}")
    same_structure(mip, reference("list_churn_variables.json"))
    assert len(mip["variables"]) == 21 + 10 + 9
    # No dataset named: the union over every dataset, the bundled sets' variables too.
    union = {v["code"]: v["datasets"] for v in
             (await get(client, "/metadata/variables"))["variables"]}
    assert {v["code"] for v in mip["variables"]} < set(union)
    assert union["species"] == [{"code": "iris"}]
    assert union["churn"] == [{"code": "churn"}]
    assert (await get(client, "/metadata/variables?exhaustive=true"))["variables"] == []
    cde = await get(client, "/metadata/variables?datasets=desd-synthdata,nida-synthdata"
                            "&exhaustive=true&table=mip_cde_features")
    assert len(cde["variables"]) == 9
    assert cde["variables"][0]["datasets"] == [{"code": "desd-synthdata"},
                                               {"code": "nida-synthdata"}]


async def test_bad_metadata_requests_are_400_naming_what_is_wrong(client: TestClient) -> None:
    unknown = await get(client, "/metadata/datasets?table=cde_features_z", 400)
    assert "unknown table 'cde_features_z'" in unknown["message"]
    flag = await get(client, "/metadata/variables?exhaustive=maybe", 400)
    assert "exhaustive is true or false" in flag["message"]
    outside = await get(client, "/metadata/variables?datasets=churn&table=mip_cde_features",
                        400)
    assert "'churn' not in table 'mip_cde_features'" in outside["message"]


@pytest.mark.parametrize(("table", "rows"), [("cde_features_a", 12), ("mip_cde_features", 10)])
async def test_the_target_table_decides_which_rows_are_read(
    client: TestClient, table: str, rows: int
) -> None:
    response = await client.post("/mining/job", json={
        "variables": [{"code": "lefthippocampus"}], "covariables": [{"code": "gender"}],
        "grouping": [], "filters": "", "datasets": [{"code": "desd-synthdata"}],
        "targetTable": {"name": table},
        "algorithm": {"code": "data", "name": "data", "parameters": []},
    })
    result = await response.json()
    assert response.status == 200, result
    assert len(result["data"]["data"]) == rows
    assert result["dataProvenance"] == [{"code": "desd-synthdata"}]


async def test_provenance_lists_only_the_datasets_that_gave_rows(client: TestClient) -> None:
    # NIDA has no "Other" row: the filter leaves it nothing to give.
    response = await client.post("/mining/job", json={
        "variables": [{"code": "lefthippocampus"}], "covariables": [],
        "grouping": [], "datasets": [{"code": "desd-synthdata"}, {"code": "nida-synthdata"}],
        "filters": {"condition": "AND", "rules": [
            {"id": "alzheimerbroadcategory", "field": "alzheimerbroadcategory",
             "type": "string", "input": "select", "operator": "equal", "value": "Other"}]},
        "targetTable": {"name": "mip_cde_features"},
        "algorithm": {"code": "data", "name": "data", "parameters": []},
    })
    result = await response.json()
    assert response.status == 200, result
    assert result["dataProvenance"] == [{"code": "desd-synthdata"}]
    nida = [f for f in result["feedback"] if f.get("dataset") == "nida-synthdata"]
    assert nida and nida[0]["rowsUsed"] == 0
