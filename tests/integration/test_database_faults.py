"""woken-db or the features database (a real PostgreSQL) restarted or down mid-experiment.

`pg_ctl restart -m fast`, or stopped for 20 s: the experiment completes once the
database answers again (or names it in its error), new requests get a 503 naming the
database meanwhile, nothing hangs and nothing is lost.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.integration.api.test_experiments import IRIS_FEATURES, experiment
from tests.integration.system.test_restart import PER_FOLD
from tests.support.postgres import PostgresServer, create_database, postgres_server
from tests.support.server import RunningWoken, woken_server

WAIT_S = 300
OUTAGE_S = 20
# Short leases: a copy stopped by the outage is resumed within two rounds (2 * 3 s / 3).
SETTINGS = {"WOKEN_LEASE_S": "3", **PER_FOLD}


@pytest.fixture
def server() -> Iterator[PostgresServer]:
    """A PostgreSQL server of this test's own: it is stopped and restarted."""
    with postgres_server() as own:
        yield own


def body() -> dict[str, Any]:
    return experiment("species", IRIS_FEATURES, ["knn", "naiveBayes"], k=10, seed=5)


def start_experiment(woken: RunningWoken) -> str:
    accepted = requests.post(f"{woken.url}/mining/experiment", json=body(),
                             headers={"Prefer": "respond-async"}, timeout=30)
    assert accepted.status_code == 202, accepted.text
    location = woken.url + accepted.headers["Location"]
    deadline = time.monotonic() + WAIT_S
    while requests.get(location, timeout=10).json()["progress"]["done"] < 6:
        assert time.monotonic() < deadline, "the experiment did not start"
        time.sleep(0.05)
    return location


def wait_for_the_end(location: str) -> dict[str, Any]:
    """The experiment's final status; while woken-db is away the status is a 503."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        answer = requests.get(location, timeout=30)
        if answer.status_code == 200 and answer.json()["state"] not in {"pending", "running"}:
            return answer.json()
        time.sleep(0.3)
    raise AssertionError(f"{location} did not end within {WAIT_S} s")


def assert_complete(status: dict[str, Any]) -> None:
    assert status["state"] == "completed", status.get("error")
    total = status["progress"]["total"]
    assert status["progress"]["states"] == {"succeeded": total}, status["progress"]
    assert [entry["error"] for entry in status["result"]["data"]] == [None, None]
    assert sorted(row["rank"] for row in status["result"]["leaderboard"]["rows"]) == [1, 2]


def test_a_woken_db_restart_mid_experiment_is_ridden_out(
    tmp_path: Path, server: PostgresServer
) -> None:
    url = create_database(server.url, "woken_db")
    with woken_server(tmp_path / "var", {**SETTINGS, "WOKEN_WOKEN_DB_URL": url}) as woken:
        location = start_experiment(woken)
        server.restart()
        status = wait_for_the_end(location)
        assert woken.process.poll() is None
    assert_complete(status)


def test_woken_db_down_for_20_s_gets_503s_then_the_experiment_completes(
    tmp_path: Path, server: PostgresServer
) -> None:
    url = create_database(server.url, "woken_db")
    with woken_server(tmp_path / "var", {**SETTINGS, "WOKEN_WOKEN_DB_URL": url}) as woken:
        location = start_experiment(woken)
        server.stop()
        stopped_at = time.monotonic()
        try:
            refused = requests.post(f"{woken.url}/mining/experiment", json=body(), timeout=60,
                                    headers={"Prefer": "respond-async"})
            status_meanwhile = requests.get(location, timeout=60)
            time.sleep(max(0.0, OUTAGE_S - (time.monotonic() - stopped_at)))
        finally:
            server.start()
        status = wait_for_the_end(location)
        experiments = requests.get(f"{woken.url}/mining/experiments", timeout=30).json()
    assert refused.status_code == 503, refused.text
    assert refused.json()["message"] == "the woken-db is unavailable; try again later"
    assert status_meanwhile.status_code == 503, status_meanwhile.text
    assert_complete(status)
    # The refused request left nothing behind; the one experiment is there.
    assert [item["state"] for item in experiments["items"]] == ["completed"], experiments


def test_the_features_database_down_mid_experiment_gets_503s_then_completes_or_names_it(
    tmp_path: Path, server: PostgresServer
) -> None:
    url = create_database(server.url, "features")
    settings = {**SETTINGS, "WOKEN_FEATURES_DB_URL": url}
    with woken_server(tmp_path / "var", settings) as woken:
        location = start_experiment(woken)
        server.stop()
        try:
            refused = requests.post(f"{woken.url}/mining/experiment", json=body(), timeout=60,
                                    headers={"Prefer": "respond-async"})
        finally:
            server.start()
        status = wait_for_the_end(location)
        assert woken.process.poll() is None
    assert refused.status_code == 503, refused.text
    assert refused.json()["message"] == "the features database is unavailable; try again later"
    assert status["state"] in {"completed", "failed"}, status
    errors = [entry["error"] for entry in status["result"]["data"] if entry["error"]]
    errors += [status["error"]] if status.get("error") else []
    assert all("features database" in error for error in errors), errors
    if not errors:
        assert_complete(status)
