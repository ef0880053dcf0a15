"""POST /mining/job end to end: real HTTP, real PostgreSQL, real algorithm processes."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.linear_model import LinearRegression

from woken.algorithms.common.pfa.document import model_description


def job(algorithm: str, variables: list[str], covariables: list[str], **extra: Any) -> dict:
    return {
        "variables": [{"code": v} for v in variables],
        "covariables": [{"code": c} for c in covariables],
        "grouping": [],
        "filters": "",
        "algorithm": {"code": algorithm, "name": algorithm, "parameters": extra.pop("params", [])},
        **extra,
    }


async def post_job(client, body: Any) -> tuple[int, dict]:
    response = await client.post("/mining/job", json=body)
    return response.status, await response.json()


async def test_knn_job_on_the_sample_returns_a_model(client) -> None:
    status, result = await post_job(client, job(
        "knn", ["cognitive_task2"], ["score_math_course1", "score_test1"],
        params=[{"code": "k", "value": "5"}],
    ))
    assert status == 200, result
    assert result["error"] is None
    assert result["function"] == "knn" and result["node"] == "local"
    assert result["jobId"] and isinstance(result["timestamp"], float)
    assert model_description(result["data"])["k"] == 5
    stored = await client.get(f"/mining/jobs/{result['jobId']}")
    assert stored.status == 200
    body = await stored.json()
    assert body["state"] == "succeeded"
    assert body["result"]["data"] == result["data"]


async def test_linear_regression_on_diabetes_matches_scikit_learn(client) -> None:
    features = ["age", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]
    status, result = await post_job(client, job(
        "linearRegression", ["progression"], features, datasets=[{"code": "diabetes"}],
    ))
    assert status == 200, result
    assert result["error"] is None, result["error"]

    raw = load_diabetes(scaled=False)
    columns = [raw.feature_names.index(name) for name in features]
    expected = LinearRegression().fit(raw.data[:, columns], raw.target)
    model = model_description(result["data"])
    got = [model["coefficients"][name] for name in features]
    np.testing.assert_allclose(got, expected.coef_, rtol=1e-8, atol=1e-8)
    assert abs(model["intercept"] - expected.intercept_) < 1e-6


async def test_the_data_pseudo_algorithm_applies_querybuilder_filters(client) -> None:
    filters = {"condition": "AND", "rules": [
        {"id": "species", "field": "species", "type": "string", "operator": "equal",
         "value": "setosa"},
        {"id": "petal_length", "field": "petal_length", "type": "double",
         "operator": "greater", "value": 1.5},
    ]}
    status, result = await post_job(client, job(
        "data", ["species"], ["petal_length"], datasets=[{"code": "iris"}], filters=filters,
    ))
    assert status == 200, result
    assert result["shape"] == "tabular_data_resource_json"
    resource = result["data"]
    assert resource["profile"] == "tabular-data-resource"
    fields = resource["schema"]["fields"]
    assert [(f["name"], f["type"]) for f in fields] == [
        ("species", "string"), ("petal_length", "number")]
    assert fields[0]["constraints"]["enum"] == ["setosa", "versicolor", "virginica"]
    rows = resource["data"]
    assert rows and all(r["species"] == "setosa" and r["petal_length"] > 1.5 for r in rows)
    # iris has 13 setosa flowers with a petal longer than 1.5 cm.
    assert len(rows) == 13


async def test_empty_filter_forms_are_accepted(client) -> None:
    for empty in ("", [], None):
        status, result = await post_job(client, job(
            "statisticsSummary", ["cognitive_task2"], ["score_test1"], filters=empty,
        ))
        assert status == 200, (empty, result)
        assert result["error"] is None


BAD_REQUESTS = [
    ("not json", None, "not valid JSON"),
    ("a list", [], "JSON object"),
    ("no variables", {"algorithm": {"code": "knn"}}, "variables"),
    ("no algorithm", {"variables": [{"code": "cognitive_task2"}]}, "algorithm"),
    ("unknown variable", job("knn", ["cognitive_task2"], ["no_such_var"]), "no_such_var"),
    ("unknown algorithm", job("magic", ["cognitive_task2"], ["score_test1"]), "magic"),
    ("unknown dataset",
     job("knn", ["cognitive_task2"], ["score_test1"], datasets=[{"code": "nowhere"}]), "nowhere"),
    ("parameter out of bounds",
     job("knn", ["cognitive_task2"], ["score_test1"], params=[{"code": "k", "value": "0"}]),
     "'k' must be >="),
    ("parameter of the wrong type",
     job("knn", ["cognitive_task2"], ["score_test1"], params=[{"code": "k", "value": "five"}]),
     "'k' must be an integer"),
    ("unknown parameter",
     job("knn", ["cognitive_task2"], ["score_test1"], params=[{"code": "kk", "value": "1"}]),
     "no parameter 'kk'"),
    ("type the algorithm refuses", job("naiveBayes", ["cognitive_task2"], ["score_test1"]),
     "does not accept variable 'cognitive_task2'"),
    ("raw SQL filter",
     job("knn", ["cognitive_task2"], ["score_test1"], filters="1=1; DROP TABLE sample"),
     "SQL"),
    ("filter on an unknown field",
     job("knn", ["cognitive_task2"], ["score_test1"], filters={"condition": "AND", "rules": [
         {"field": "secret", "operator": "equal", "value": 1}]}),
     "secret"),
    ("no rows left",
     job("knn", ["cognitive_task2"], ["score_test1"], filters={"condition": "AND", "rules": [
         {"field": "score_test1", "operator": "greater", "value": 1e9}]}),
     "no rows"),
    ("same variable twice", job("knn", ["cognitive_task2"], ["cognitive_task2"]),
     "more than once"),
]


async def test_bad_requests_get_a_400_that_says_why(client) -> None:
    for name, body, reason in BAD_REQUESTS:
        if body is None:
            response = await client.post(
                "/mining/job", data=b"{nope", headers={"Content-Type": "application/json"}
            )
        else:
            response = await client.post("/mining/job", json=body)
        answer = await response.json()
        assert response.status == 400, (name, answer)
        assert reason.lower() in answer["message"].lower(), (name, answer["message"])


async def test_a_crashing_algorithm_reports_exit_code_and_stderr(client) -> None:
    status, result = await post_job(client, job("crasher", ["cognitive_task2"], []))
    assert status == 200
    assert result["shape"] == "error"
    assert "exit code 3" in result["error"]
    assert "impossible value" in result["error"]
    stored = await (await client.get(f"/mining/jobs/{result['jobId']}")).json()
    assert stored["state"] == "failed" and stored["exitCode"] == 3


async def test_a_hanging_algorithm_is_killed_at_its_timeout(client) -> None:
    started = time.monotonic()
    status, result = await post_job(client, job("sleeper", ["cognitive_task2"], []))
    assert status == 200
    assert "timed out" in result["error"] and "timeout of 1 s" in result["error"]
    assert "thinking..." in result["error"]
    assert time.monotonic() - started < 20
    stored = await (await client.get(f"/mining/jobs/{result['jobId']}")).json()
    assert stored["state"] == "timed_out"


async def test_an_algorithm_without_result_is_an_error(client) -> None:
    status, result = await post_job(client, job("silent", ["cognitive_task2"], []))
    assert status == 200
    assert "wrote no result" in result["error"]


async def test_unknown_job_is_404(client) -> None:
    response = await client.get("/mining/jobs/does-not-exist")
    assert response.status == 404
    assert "does-not-exist" in (await response.json())["message"]


async def test_catalogue_lists_algorithms_with_parameters_and_constraints(client) -> None:
    for route in ("/mining/algorithms", "/mining/list-methods"):
        catalogue = await (await client.get(route)).json()
        by_code = {a["code"]: a for a in catalogue["algorithms"]}
        assert {"statisticsSummary", "histograms", "anova", "linearRegression", "knn",
                "naiveBayes"} <= set(by_code)
        k = next(p for p in by_code["knn"]["parameters"] if p["code"] == "k")
        assert (k["type"], k["default_value"], k["min"]) == ("int", 5, 1)
        assert by_code["naiveBayes"]["constraints"]["variable"]["real"] is False
        assert catalogue["validations"][0]["parameters"][0]["code"] == "k"


async def test_metadata_routes(client) -> None:
    # The 2019 shapes: {"datasets": [...]}, {"variables": [...]}; today's fields kept.
    datasets = (await (await client.get("/metadata/datasets")).json())["datasets"]
    rows = {d["code"]: d["rows"] for d in datasets}
    assert rows["iris"] == 150 and rows["diabetes"] == 442
    iris = next(d for d in datasets if d["code"] == "iris")
    assert iris["id"] == {"code": "iris"}
    assert iris["tables"] == [{"database": "features", "dbSchema": "public", "name": "iris"}]
    variables = (await (await client.get("/metadata/variables?datasets=iris")).json())["variables"]
    species = next(v for v in variables if v["code"] == "species")
    assert species["type"] in {"polynominal", "nominal"}
    assert species["sql_type"] == "varchar" and species["datasets"] == [{"code": "iris"}]
    assert "methodology" in species
    assert {e["code"] for e in species["enumerations"]} == {"setosa", "versicolor", "virginica"}
    unknown = await client.get("/metadata/variables?datasets=nowhere")
    assert unknown.status == 400


async def test_health_and_readiness(client) -> None:
    assert (await client.get("/health")).status == 200
    ready = await client.get("/readiness")
    assert ready.status == 200
    assert (await ready.json())["woken_db"] == "ok"


async def test_a_legacy_image_reads_the_database_and_writes_its_own_result(client) -> None:
    filters = {"condition": "AND", "rules": [
        {"field": "species", "operator": "equal", "value": "virginica"}]}
    status, result = await post_job(client, job(
        "legacyCount", ["species"], ["petal_width"], datasets=[{"code": "iris"}], filters=filters,
    ))
    assert status == 200, result
    assert result["error"] is None, result["error"]
    assert result["data"] == {"rows": 50, "variables": "species"}



async def test_statistics_summary_counts_missing_values_instead_of_hiding_them(client) -> None:
    status, result = await post_job(client, job(
        "statisticsSummary", ["cognitive_task2"], ["stress_before_test1"],
    ))
    assert status == 200, result
    summary = {v["index"]: v for v in result["data"]["data"]}
    stress = summary["stress_before_test1"]
    # Every row of the sample reaches the job; about 4% miss their stress value.
    assert result["data"]["count"] == 1000
    assert stress["count"] + stress["null_count"] == 1000
    assert 10 < stress["null_count"] < 100
    assert summary["cognitive_task2"]["null_count"] == 0


async def wait_for_job(client, location: str, states: set[str], wait_s: float = 60) -> dict:
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        body = await (await client.get(location)).json()
        if body["state"] in states:
            return body
        await asyncio.sleep(0.1)
    raise AssertionError(f"{location} did not reach {states} within {wait_s} s")


async def test_an_asynchronous_job_is_listed_read_back_and_cancelled(client) -> None:
    response = await client.post(
        "/mining/job", json=job("slowModel", ["cognitive_task2"], ["score_test1"]),
        headers={"Prefer": "respond-async"},
    )
    assert response.status == 202, await response.text()
    accepted = await response.json()
    location = response.headers["Location"]
    assert location == f"/mining/jobs/{accepted['jobId']}" == accepted["location"]
    assert response.headers["Preference-Applied"] == "respond-async"
    await wait_for_job(client, location, {"running"})

    listed = await (await client.get("/mining/jobs?limit=5")).json()
    assert listed["total"] >= 1 and listed["limit"] == 5
    mine = next(item for item in listed["items"] if item["jobId"] == accepted["jobId"])
    assert (mine["state"], mine["algorithm"], mine["user"]) == ("running", "slowModel", None)

    cancelled = await client.delete(location)
    assert cancelled.status == 202, await cancelled.text()
    final = await wait_for_job(client, location, {"cancelled"}, wait_s=30)
    assert "cancelled by the client" in final["message"]
    again = await client.delete(location)
    assert again.status == 200 and (await again.json())["state"] == "cancelled"


async def test_cancel_or_list_what_does_not_exist(client) -> None:
    assert (await client.delete("/mining/jobs/nope")).status == 404
    assert (await client.get("/mining/jobs?limit=0")).status == 400
