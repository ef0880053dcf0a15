"""A service killed with SIGKILL mid-experiment resumes it at its next start.

Finished jobs are not run again: their rows in woken-db keep the time they
finished at; the experiment ends completed with every algorithm scored.
"""

from __future__ import annotations

import signal
import sqlite3
import time
from pathlib import Path

import requests

from tests.integration.api.test_experiments import IRIS_FEATURES, experiment
from tests.support.server import woken_server

WAIT_S = 240


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

    with woken_server(data_dir) as woken:
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

    with woken_server(data_dir) as woken:
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
