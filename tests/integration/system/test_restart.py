"""A service killed with SIGKILL mid-experiment resumes it at its next start.

Finished jobs are not run again: their rows in woken-db keep the time they
finished at; the experiment ends completed with every algorithm scored.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import requests
import sqlalchemy as sa

from tests.integration.api.test_experiments import IRIS_FEATURES, experiment
from tests.support.server import free_port, woken_server

WAIT_S = 240
# These tests resume an experiment of many per-fold jobs: one train and one test job
# per fold, as strict isolation runs them (batched folds are one job per algorithm).
PER_FOLD = {"WOKEN_STRICT_ISOLATION": "true"}


def finished_jobs(data_dir: Path) -> dict[str, str]:
    """Job id -> finished_at of the succeeded jobs, read straight from the SQLite woken-db."""
    with sqlite3.connect(data_dir / "woken.db") as db:
        rows = db.execute("SELECT id, finished_at FROM jobs WHERE state = 'succeeded'")
        return dict(rows.fetchall())


def test_a_killed_service_resumes_its_experiment(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    body = experiment("species", IRIS_FEATURES, ["knn", "naiveBayes", "linearRegression"],
                      k=10, seed=5)
    body["algorithms"][2] = {"code": "knn", "name": "KNN-3",
                             "parameters": [{"code": "k", "value": "3"}]}
    total_jobs = 3 + 3 * 10 * 2

    with woken_server(data_dir, PER_FOLD) as woken:
        accepted = requests.post(
            f"{woken.url}/mining/experiment", json=body, headers={"Prefer": "respond-async"},
            timeout=30,
        )
        assert accepted.status_code == 202, accepted.text
        location = woken.url + accepted.headers["Location"]
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            done = requests.get(location, timeout=10).json()["progress"]["done"]
            if done >= 6:
                break
            time.sleep(0.05)
        woken.process.send_signal(signal.SIGKILL)
        woken.process.wait(30)
    before = finished_jobs(data_dir)
    assert 6 <= len(before) < total_jobs, "the kill should come mid-way"

    with woken_server(data_dir, PER_FOLD) as woken:
        location = f"{woken.url}/mining/experiments/{accepted.json()['experimentId']}"
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            status = requests.get(location, timeout=10).json()
            if status["state"] not in {"pending", "running"}:
                break
            time.sleep(0.2)
    assert status["state"] == "completed", status
    assert status["progress"]["done"] == status["progress"]["total"] == total_jobs
    for entry in status["result"]["data"]:
        validation = entry["data"]["cells"]["validations"]["init"][0]
        assert validation["data"]["average"]["Accuracy"] > 0.8, validation

    after = finished_jobs(data_dir)
    assert len(after) == total_jobs
    rerun = {job for job, finished in before.items() if after[job] != finished}
    assert not rerun, f"{len(rerun)} finished job(s) ran again"


def test_a_second_service_on_the_same_data_directory_refuses_to_start(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    body = experiment("species", IRIS_FEATURES, ["knn"], k=3, seed=5)
    with woken_server(data_dir, PER_FOLD) as woken:
        accepted = requests.post(f"{woken.url}/mining/experiment", json=body,
                                 headers={"Prefer": "respond-async"}, timeout=30)
        assert accepted.status_code == 202, accepted.text
        second = subprocess.run(
            [str(Path(sys.executable).parent / "woken"), "serve", "--data-dir", str(data_dir),
             "--port", str(free_port())],
            capture_output=True, text=True, timeout=120,
        )
        assert second.returncode == 2, second
        told = [line for line in second.stderr.splitlines() if line.startswith("woken:")]
        expected = (f"woken: the data directory {data_dir} is in use by another Woken "
                    f"(pid {woken.process.pid}); one data directory has one owner")
        assert told == [expected], second
        status = wait_until_ended(woken.url + accepted.headers["Location"])
    # The first one's work went on untouched: nothing marked lost, nothing resumed twice.
    assert status["state"] == "completed", status
    assert status["progress"]["states"] == {"succeeded": 1 + 3 * 2}, status


def wait_until_ended(location: str) -> dict:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        status = requests.get(location, timeout=10).json()
        if status["state"] not in {"pending", "running"}:
            return status
        time.sleep(0.2)
    raise AssertionError(f"{location} did not end within {WAIT_S} s")


def job_rows(url: str) -> dict[str, tuple[str, str | None]]:
    """Job id -> (state, finished_at) in a woken-db on PostgreSQL."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT id, state, finished_at FROM jobs"))
            return {row.id: (row.state, str(row.finished_at)) for row in rows}
    finally:
        engine.dispose()


def test_a_live_instance_adopts_the_experiment_of_a_killed_one(
    tmp_path: Path, postgres_database: str
) -> None:
    """Two coordinators on one PostgreSQL woken-db: kill -9 of the owner mid-experiment."""
    data_dir = tmp_path / "var"  # shared, as the volumes of a real deployment are
    body = experiment("species", IRIS_FEATURES, ["knn", "naiveBayes"], k=10, seed=5)
    total_jobs = 2 + 2 * 10 * 2
    common = {"WOKEN_WOKEN_DB_URL": postgres_database, "WOKEN_LEASE_S": "4", **PER_FOLD}

    with woken_server(data_dir, {**common, "WOKEN_NODE": "node-a"}) as owner, \
            woken_server(data_dir, {**common, "WOKEN_NODE": "node-b"}) as survivor:
        accepted = requests.post(f"{owner.url}/mining/experiment", json=body,
                                 headers={"Prefer": "respond-async"}, timeout=30)
        assert accepted.status_code == 202, accepted.text
        path = accepted.headers["Location"]
        deadline = time.monotonic() + WAIT_S
        while requests.get(owner.url + path, timeout=10).json()["progress"]["done"] < 6:
            assert time.monotonic() < deadline, "the experiment did not start"
            time.sleep(0.05)
        owner.process.send_signal(signal.SIGKILL)
        owner.process.wait(30)
        killed_at = time.monotonic()
        before = {job: row for job, row in job_rows(postgres_database).items()
                  if row[0] == "succeeded"}
        assert 6 <= len(before) < total_jobs, "the kill should come mid-way"

        status = wait_until_ended(survivor.url + path)
        adopted_within = time.monotonic() - killed_at

    assert status["state"] == "completed", status
    assert status["progress"]["done"] == status["progress"]["total"] == total_jobs
    assert status["progress"]["states"] == {"succeeded": total_jobs}, "0 lost, 0 failed"
    for entry in status["result"]["data"]:
        assert entry["data"]["cells"]["validations"]["init"][0]["data"]["average"]["Accuracy"] > 0.8
    after = job_rows(postgres_database)
    rerun = [job for job, row in before.items() if after[job] != row]
    assert not rerun, f"{len(rerun)} finished job(s) ran again"
    engine = sa.create_engine(postgres_database)
    try:
        with engine.connect() as connection:
            owner_now = connection.execute(sa.text("SELECT owner FROM experiments")).scalar_one()
    finally:
        engine.dispose()
    assert owner_now == "node-b"
    assert adopted_within < WAIT_S
