"""Three hospitals, each a `woken serve` with its own features database, and a central.

Every federated result is compared with the same computation on the pooled rows
(tests/support/federation_data.py) to rtol=1e-6. Then the faults: a site under the
row threshold, a site down, a site that does not answer, a wrong token.
"""

from __future__ import annotations

import json
import logging
import socket
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import requests
from sklearn.naive_bayes import GaussianNB

from tests.support.federation_cluster import (
    TIMEOUT_S,
    WOKEN,
    Federation,
    central_env,
)
from tests.support.federation_data import (
    COLUMNS,
    ROWS_BY_SITE,
    close,
    column,
    design,
    fold_parts,
    pooled_ols,
    pooled_type_ii,
)
from tests.support.server import free_port, woken_server

ROWS = ROWS_BY_SITE
POOLED = [row for rows in ROWS.values() for row in rows]


def federated(federation: Federation, body: dict[str, Any], status: int = 200
              ) -> dict[str, Any]:
    response = requests.post(f"{federation.central}/mining/federated", json=body,
                             timeout=TIMEOUT_S)
    assert response.status_code == status, response.text
    answer: dict[str, Any] = response.json()
    return answer


def query(algorithm: str, variables: list[str], covariables: list[str],
          **extra: Any) -> dict[str, Any]:
    parameters = extra.pop("parameters", {})
    return {"algorithms": [{"code": algorithm, "parameters": [
                {"code": k, "value": str(v)} for k, v in parameters.items()]}],
            "variables": [{"code": v} for v in variables],
            "covariables": [{"code": c} for c in covariables],
            "datasets": [{"code": name} for name in ROWS], **extra}


def data_of(answer: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = answer["results"][0]["data"]
    return result


def test_the_central_lists_every_site_dataset_with_its_location(federation: Federation
                                                                 ) -> None:
    answer = requests.get(f"{federation.central}/metadata/datasets", timeout=TIMEOUT_S).json()
    located = {d["id"]["code"]: d["location"]["url"] for d in answer["datasets"]}
    assert located == federation.sites
    assert {d["rows"] for d in answer["datasets"]} == set(map(len, ROWS.values()))
    variables = requests.get(f"{federation.central}/metadata/variables",
                             params={"datasets": ",".join(ROWS), "exhaustive": "true"},
                             timeout=TIMEOUT_S).json()["variables"]
    assert {v["code"] for v in variables} == set(COLUMNS)
    assert all({d["code"] for d in v["datasets"]} == set(ROWS) for v in variables)


def test_a_site_answers_only_its_central(federation: Federation) -> None:
    url = federation.sites["hospital_a"]
    body = {"step": "linearRegression.fit", "datasets": ["hospital_a"],
            "params": {"variables": ["y"], "covariables": ["x1"]}}
    for headers in ({}, {"Authorization": "Bearer wrong"},
                    {"Authorization": f"Bearer {federation.tokens['hospital_b']}"}):
        response = requests.post(f"{url}/federation/step", json=body, headers=headers,
                                 timeout=TIMEOUT_S)
        assert response.status_code == 401
    good = {"Authorization": f"Bearer {federation.tokens['hospital_a']}"}
    answer = requests.post(f"{url}/federation/step", json=body, headers=good,
                           timeout=TIMEOUT_S).json()
    assert answer["rows"] == len(ROWS["hospital_a"])
    assert set(answer["aggregates"]) == {"names", "n", "xtx", "xty"}
    # A malformed step (coefficients missing) is a 400 naming the step, not a 500.
    wrong = {**body, "step": "linearRegression.residuals"}
    response = requests.post(f"{url}/federation/step", json=wrong, headers=good,
                             timeout=TIMEOUT_S)
    assert response.status_code == 400
    assert "linearRegression.residuals: malformed parameters" in response.json()["message"]


def test_a_local_step_is_a_job_on_the_site_backend(federation: Federation) -> None:
    """The step runs as the site's jobs do: its own process, its row in the site's woken-db."""
    url = federation.sites["hospital_b"]
    body = {"step": "statisticsSummary.moments", "datasets": ["hospital_b"],
            "params": {"variables": ["y"], "covariables": ["group"]}}
    good = {"Authorization": f"Bearer {federation.tokens['hospital_b']}"}
    answer = requests.post(f"{url}/federation/step", json=body, headers=good,
                           timeout=TIMEOUT_S).json()
    job = answer["job"]
    assert isinstance(job["pid"], int) and job["pid"] != federation.site_pids["hospital_b"]
    stored = requests.get(f"{url}/mining/jobs/{job['id']}", timeout=TIMEOUT_S).json()
    assert stored["algorithm"] == "federatedStep" and stored["state"] == "succeeded"
    # The job's stored result is the aggregates the site answered: sums, no row.
    assert stored["result"]["data"]["aggregates"] == answer["aggregates"]
    assert stored["result"]["data"]["rows"] == len(ROWS["hospital_b"])
    y = column(ROWS["hospital_b"], "y")
    assert close(answer["aggregates"]["numeric"]["y"]["mean"], y.mean())
    # The step is internal: not in the site's catalogue, not runnable as a job of its own.
    listed = requests.get(f"{url}/mining/algorithms", timeout=TIMEOUT_S).json()
    assert "federatedStep" not in {a["code"] for a in listed["algorithms"]}


def test_summary_histograms_correlation_pca_and_anova_equal_the_pooled_ones(
        federation: Federation) -> None:
    y, x1 = column(POOLED, "y"), column(POOLED, "x1")
    summary = data_of(federated(federation, query("statisticsSummary", ["y"], [])))
    assert close([summary["statistics"]["y"][k] for k in ("mean", "std")],
                 [y.mean(), y.std(ddof=1)])
    # A site's extremes leave rounded outward: bounds, not a patient's value.
    assert y.min() - 1 < summary["statistics"]["y"]["min"] <= y.min()
    assert y.max() <= summary["statistics"]["y"]["max"] < y.max() + 1
    histogram = data_of(federated(federation, query("histograms", ["x1"], [],
                                                    parameters={"bins": 8})))
    edges = np.linspace(np.floor(x1.min()), np.ceil(x1.max()), 9)
    assert close(histogram["edges"], edges)
    counts = np.histogram(x1, bins=edges)[0]
    at_sites = [np.histogram(column(rows, "x1"), bins=edges)[0] for rows in ROWS.values()]
    for i, got in enumerate(histogram["series"]["all"]):
        if any(0 < site[i] < 10 for site in at_sites):
            assert got is None  # masked at a site: masked in the sum
        else:
            assert got == counts[i]
    assert None in histogram["series"]["all"]
    x = np.column_stack([column(POOLED, c) for c in ("y", "x1", "x2")])
    correlation = data_of(federated(federation, query("correlationHeatmap", ["y"],
                                                      ["x1", "x2"])))
    assert close(correlation["correlation"], np.corrcoef(x, rowvar=False))
    pca = data_of(federated(federation, query("pca", ["y"], ["x1", "x2"])))
    assert close(pca["eigenvalues"],
                 np.sort(np.linalg.eigvalsh(np.corrcoef(x, rowvar=False)))[::-1])
    anova = data_of(federated(federation, query("anova", ["y"], ["group"])))
    from scipy import stats
    group = column(POOLED, "group")
    f, p = stats.f_oneway(*(y[group == g] for g in ("left", "right", "both")))
    assert close([anova["f_statistic"], anova["p_value"]], [f, p])


def test_anova_with_a_design_equals_the_pooled_type_ii_table(federation: Federation) -> None:
    """Two-way with interaction (group x x1), additive over three factors, three sites."""
    for factors, design_name in ((["group", "x1"], "factorial"),
                                 (["group", "x1", "x2"], "additive")):
        result = data_of(federated(federation, query("anova", ["y"], factors,
                                                     parameters={"design": design_name})))
        expected = pooled_type_ii(POOLED, factors, design_name)
        got = {row["source"]: row for row in result["type_ii"]}
        assert list(got) == list(expected)
        for source, (df, sum_sq, f) in expected.items():
            assert got[source]["df"] == df
            assert close(got[source]["sum_sq"], sum_sq), source
            if source != "Residual":
                assert close(got[source]["F"], f), source
    # group x outcome: hospital_a has a cell of one row; it masks it, the central refuses.
    answer = federated(federation, query("anova", ["y"], ["group", "outcome"],
                                         parameters={"design": "factorial"}), status=400)
    assert answer["details"]["site"] == "hospital_a"
    assert "group=both & outcome=yes" in answer["message"]


def test_linear_and_logistic_regression_and_naive_bayes_equal_the_pooled_fits(
        federation: Federation) -> None:
    from tests.support.federation_data import pooled_logistic

    linear = data_of(federated(federation, query("linearRegression", ["y"],
                                                 ["x1", "x2", "group"])))
    expected = pooled_ols(POOLED, ["x1", "x2", "group"])
    for key, name in (("beta", "estimate"), ("se", "std_error"), ("t", "t_value"),
                      ("p", "p_value")):
        assert close([c[name] for c in linear["coefficients"]], expected[key]), key
    logistic = data_of(federated(federation, query("logisticRegression", ["outcome"],
                                                   ["x1", "x2"])))
    reference = pooled_logistic(POOLED, ["x1", "x2"])
    assert close([c["estimate"] for c in logistic["coefficients"]], reference["beta"])
    assert close([c["std_error"] for c in logistic["coefficients"]], reference["se"])
    bayes = data_of(federated(federation, query("naiveBayes", ["outcome"], ["x1", "x2"])))
    nb = GaussianNB().fit(np.column_stack([column(POOLED, "x1"), column(POOLED, "x2")]),
                          column(POOLED, "outcome").astype(str))
    assert close(bayes["model"]["priors"], nb.class_prior_)
    assert close(np.column_stack([bayes["model"]["means"]["x1"],
                                  bayes["model"]["means"]["x2"]]), nb.theta_)


def test_a_federated_experiment_with_kfold_and_remote_validation(
        federation: Federation) -> None:
    k, seed = 3, 11
    body = query("linearRegression", ["y"], ["x1", "x2"], seed=seed,
                 validations=[{"code": "kfold", "parameters": [{"code": "k", "value": "3"}]}],
                 executionPlan="scatter-gather")
    body["datasets"] = [{"code": "hospital_a"}, {"code": "hospital_b"}]
    body["validationDatasets"] = [{"code": "hospital_c"}]
    answer = federated(federation, body)
    result = answer["results"][0]
    training = {name: ROWS[name] for name in ("hospital_a", "hospital_b")}
    # k-fold: each site's folds by the seed; every fold's model fit on the pooled training folds.
    sse = n = 0.0
    truth: list[float] = []
    for fold in range(k):
        train, test = fold_parts(training, k, seed, fold)
        beta = pooled_ols(train, ["x1", "x2"])["beta"]
        errors = column(test, "y") - design(test, ["x1", "x2"]) @ beta
        sse += float(errors @ errors)
        n += len(test)
        truth.extend(column(test, "y"))
    kfold = result["validations"]["kfold"]["average"]
    assert kfold["n"] == n
    assert close([kfold["MSE"], kfold["R-squared"]],
                 [sse / n, 1 - sse / float(np.var(truth) * len(truth))])
    # Remote validation: the model of hospitals a and b, scored at c.
    pooled_train = [r for rows in training.values() for r in rows]
    beta = pooled_ols(pooled_train, ["x1", "x2"])["beta"]
    test = ROWS["hospital_c"]
    errors = column(test, "y") - design(test, ["x1", "x2"]) @ beta
    remote = result["validations"]["remote"]["scores"]
    assert close([remote["MSE"], remote["MAE"]],
                 [errors @ errors / len(test), np.abs(errors).mean()])
    # What left each site: aggregates only, counted.
    transfer = answer["transfer"]
    assert set(transfer) == set(ROWS)
    assert all(t["rows_sent"] == 0 and t["bytes_sent"] > 0 for t in transfer.values())
    logging.getLogger(__name__).info("federated experiment transfer: %s", json.dumps(transfer))
    # Each site counts what it sent in its own metrics, too.
    exposition = requests.get(f"{federation.sites['hospital_c']}/metrics", timeout=TIMEOUT_S).text
    assert "woken_federation_sent_bytes_total" in exposition


def test_the_cli_runs_a_federated_request(federation: Federation, tmp_path: Path) -> None:
    request = tmp_path / "request.json"
    request.write_text(json.dumps(query("linearRegression", ["y"], ["x1"])))
    done = subprocess.run([str(WOKEN), "federated", str(request), "--url", federation.central],
                          capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    expected = pooled_ols(POOLED, ["x1"])["beta"]
    assert close([c["estimate"] for c in data_of(answer)["coefficients"]], expected)
    assert "rows sent" in done.stderr and "hospital_c" in done.stderr
    assert f"stored as federated run {answer['id']}" in done.stderr


def test_a_classifier_kfold_sums_the_sites_confusion_matrices(federation: Federation) -> None:
    from tests.support.federation_data import pooled_logistic

    k, seed = 2, 3
    body = query("logisticRegression", ["outcome"], ["x1", "x2"], seed=seed,
                 validations=[{"code": "kfold", "parameters": [{"code": "k", "value": "2"}]}])
    scores = federated(federation, body)["results"][0]["validations"]["kfold"]
    expected = np.zeros((2, 2), dtype=int)
    for fold in range(k):
        train, test = fold_parts(ROWS, k, seed, fold)
        beta = pooled_logistic(train, ["x1", "x2"])["beta"]
        predicted = (design(test, ["x1", "x2"]) @ beta > 0).astype(int)
        truth = (column(test, "outcome") == "yes").astype(int)
        np.add.at(expected, (truth, predicted), 1)
    assert scores["average"]["Confusion matrix"] == expected.tolist()
    assert close(scores["average"]["Accuracy"], np.trace(expected) / expected.sum())


def test_a_class_under_the_cell_threshold_at_a_site_is_refused_naming_it(
        federation: Federation) -> None:
    """A 2-fold split leaves fewer than 10 'yes' rows in a training part at hospital_a."""
    body = query("naiveBayes", ["outcome"], ["x1", "x2"], seed=3,
                 validations=[{"code": "kfold", "parameters": [{"code": "k", "value": "2"}]}])
    answer = federated(federation, body, status=400)
    assert answer["details"]["site"] == "hospital_a"
    assert "under the site's cell threshold" in answer["message"] or "masks" in answer["message"]


def test_a_site_under_the_row_threshold_refuses_and_is_named(federation: Federation) -> None:
    rule = {"id": "x2", "field": "x2", "type": "double", "input": "number",
            "operator": "greater", "value": 2.5}
    body = query("linearRegression", ["y"], ["x1"],
                 filters={"condition": "AND", "rules": [rule]})
    usable = (column(ROWS["hospital_a"], "x2") > 2.5).sum()
    assert usable < 10
    answer = federated(federation, body, status=400)
    assert answer["details"]["site"] == "hospital_a"
    assert answer["details"]["refused"] is True
    assert f"{usable} usable row" in answer["message"]


def test_row_embedding_models_and_unknown_plans_are_refused(federation: Federation) -> None:
    answer = federated(federation, query("knn", ["y"], ["x1"]), status=400)
    assert "no patient row may leave its site" in answer["message"]
    answer = federated(federation, query("linearRegression", ["y"], ["x1"],
                                         executionPlan="broadcast-all-rows"), status=400)
    assert "executionPlan 'broadcast-all-rows'" in answer["message"]


def test_a_site_down_or_silent_fails_the_query_in_time_naming_it(
        federation: Federation, tmp_path: Path) -> None:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # accepts connections, never answers
    try:
        sites = [{"name": "hospital_a", "url": federation.sites["hospital_a"],
                  "token": federation.tokens["hospital_a"]},
                 {"name": "down", "url": f"http://127.0.0.1:{free_port()}", "token": "t"},
                 {"name": "silent", "url": f"http://127.0.0.1:{silent.getsockname()[1]}",
                  "token": "t", "timeout_s": 2}]
        data_dir = tmp_path / "var"
        data_dir.mkdir()
        with woken_server(data_dir, central_env(sites)) as central:
            other = Federation(central.url, federation.sites, federation.tokens)
            body = query("statisticsSummary", ["y"], [])
            body["datasets"] = [{"code": "hospital_a"}, {"code": "hospital_b"}]
            answer = federated(other, body, status=502)
            assert "down" in answer["message"] and "unreachable" in answer["message"]
            assert "silent" in answer["message"] and "within 2 s" in answer["message"]
            # What the reachable site holds still answers.
            body["datasets"] = [{"code": "hospital_a"}]
            federated(other, body)
    finally:
        silent.close()


def test_federated_runs_are_stored_and_read_back_after_a_restart(
        federation: Federation, tmp_path: Path) -> None:
    sites = [{"name": name, "url": url, "token": federation.tokens[name]}
             for name, url in federation.sites.items()]
    data_dir = tmp_path / "var"
    data_dir.mkdir()
    rule = {"id": "x2", "field": "x2", "type": "double", "input": "number",
            "operator": "greater", "value": 2.5}
    with woken_server(data_dir, central_env(sites)) as central:
        other = Federation(central.url, federation.sites, federation.tokens)
        done = federated(other, query("linearRegression", ["y"], ["x1"]))
        refused = federated(other, query("linearRegression", ["y"], ["x1"], filters={
            "condition": "AND", "rules": [rule]}), status=400)
    with woken_server(data_dir, central_env(sites)) as again:
        listed = requests.get(f"{again.url}/mining/federated/runs", timeout=TIMEOUT_S).json()
        assert {item["id"] for item in listed["items"]} == {done["id"],
                                                            refused["details"]["runId"]}
        run = requests.get(f"{again.url}/mining/federated/runs/{done['id']}",
                           timeout=TIMEOUT_S).json()
        assert run["state"] == "completed" and run["result"]["results"] == done["results"]
        assert run["request"]["algorithms"][0]["code"] == "linearRegression"
        assert {name: site["state"] for name, site in run["sites"].items()} == dict.fromkeys(
            ROWS, "answered")
        assert all(site["rows_sent"] == 0 and site["bytes_sent"] > 0
                   for site in run["sites"].values())
        failed = requests.get(
            f"{again.url}/mining/federated/runs/{refused['details']['runId']}",
            timeout=TIMEOUT_S).json()
        assert (failed["state"], failed["failedSite"]) == ("failed", "hospital_a")
        assert "usable row" in failed["error"]
        assert failed["sites"]["hospital_a"]["state"] == "failed"
        assert requests.get(f"{again.url}/mining/federated/runs/nope",
                            timeout=TIMEOUT_S).status_code == 404
