"""The test double behaves as Chronos 3.0.2: what it rejects, and what it silently replaces."""

from __future__ import annotations

import requests

from tests.integration.chronos.helpers import WAIT_LIMIT_S

SCHEDULER = "/v1/scheduler"


def post(double, job) -> requests.Response:
    return requests.post(f"{double.url}{SCHEDULER}/iso8601", json=job, timeout=5)


def search(double, name: str) -> list[dict]:
    return requests.get(f"{double.url}{SCHEDULER}/jobs/search", params={"name": name},
                        timeout=5).json()


MINIMAL = {"name": "plain", "command": "compute", "schedule": "R1//PT1M",
           "container": {"type": "DOCKER", "image": "woken-test/silent:0"}}


def test_what_chronos_rejects_gets_a_400(double) -> None:
    bad = [
        {**MINIMAL, "name": "has space"},
        {**MINIMAL, "name": "a/b"},
        {k: v for k, v in MINIMAL.items() if k != "command"},
        {**MINIMAL, "schedule": "every minute"},
        {**MINIMAL, "schedule": "R1/2001-01-01T00:00:00Z/PT1M"},
        {**MINIMAL, "epsilon": "5m"},
        {**MINIMAL, "container": {"type": "DOCKER"}},
        {**MINIMAL, "container": {"image": "x:1", "network": "OVERLAY"}},
        {**MINIMAL, "container": {"image": "x:1", "volumes": [{"containerPath": "/d",
                                                              "mode": "RWX"}]}},
        {**MINIMAL, "environmentVariables": [{"name": "A"}]},
    ]
    for job in bad:
        answer = post(double, job)
        assert answer.status_code == 400, job
    garbled = requests.post(f"{double.url}{SCHEDULER}/iso8601", data=b"{nope", timeout=5,
                            headers={"Content-Type": "application/json"})
    assert garbled.status_code == 400
    assert double.job_names() == []


def test_what_chronos_replaces_silently_and_why_woken_validates_first(double) -> None:
    job = {**MINIMAL, "cpus": 0, "mem": "lots",
           "constraints": [["hostname", "EQ", "agent-9"]], "unknownField": 1}
    assert post(double, job).status_code == 204
    stored = search(double, "plain")[0]
    # No shell, no retries, bad resources, a misspelt operator: all replaced, no error.
    assert stored["shell"] is True and stored["retries"] == 2
    assert (stored["cpus"], stored["mem"]) == (0.1, 128.0)
    assert stored["constraints"] == []
    assert "unknownField" not in stored
    # With shell true the command replaces the image's entrypoint: the job cannot work,
    # and it is retried twice before it is given up.
    assert double.wait_until(lambda: search(double, "plain")[0]["disabled"], WAIT_LIMIT_S)
    ran = search(double, "plain")[0]
    assert (ran["successCount"], ran["errorCount"]) == (0, 3)
    assert ran["schedule"].startswith("R0/")


def test_a_one_shot_job_reads_back_as_run_and_disabled(double) -> None:
    assert post(double, {**MINIMAL, "shell": False, "retries": 0}).status_code == 204
    assert double.wait_until(lambda: search(double, "plain")[0]["disabled"], WAIT_LIMIT_S)
    ran = search(double, "plain")[0]
    assert ran["schedule"].startswith("R0/")
    assert (ran["successCount"], ran["errorCount"]) == (1, 0)
    assert ran["lastSuccess"].endswith("Z")
    graph = requests.get(f"{double.url}{SCHEDULER}/graph/csv", timeout=5).text
    assert "node,plain,success,idle" in graph.splitlines()


def test_search_matches_substrings_case_insensitively_ten_at_a_time(double) -> None:
    for n in range(12):
        assert post(double, {**MINIMAL, "name": f"Job_{n}", "disabled": True}).status_code == 204
    assert len(search(double, "job_")) == 10
    assert {j["name"] for j in search(double, "JOB_1")} == {"Job_1", "Job_10", "Job_11"}


def test_unknown_jobs_delete_400_and_kill_500_as_in_chronos(double) -> None:
    deleted = requests.delete(f"{double.url}{SCHEDULER}/job/nothing", timeout=5)
    assert deleted.status_code == 400 and "not found" in deleted.text
    killed = requests.delete(f"{double.url}{SCHEDULER}/task/kill/nothing", timeout=5)
    assert killed.status_code == 500
