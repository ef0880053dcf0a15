"""Folds wait their turn: at most `folds_in_flight` of a validation run at once."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from pathlib import Path

import pytest

from tests.integration.api.test_experiments import IRIS_FEATURES, experiment, wait_for_state
from tests.support.woken_app import woken_test_config
from woken.api.app import create_app


@pytest.fixture
async def one_fold_at_a_time(aiohttp_client, tmp_path: Path):
    # The window is of the per-fold path: knn would batch its folds into one job.
    config = replace(woken_test_config(tmp_path), folds_in_flight=1, strict_isolation=True)
    return await aiohttp_client(create_app(config))


async def test_folds_run_one_at_a_time_and_all_are_scored(one_fold_at_a_time) -> None:
    client = one_fold_at_a_time
    response = await client.post(
        "/mining/experiment?async=true", json=experiment("species", IRIS_FEATURES, ["knn"], k=4)
    )
    location = response.headers["Location"]
    deadline, most_in_flight = time.monotonic() + 120, 0
    while time.monotonic() < deadline:
        status = await (await client.get(location)).json()
        folds = status["progress"]["algorithms"][0]["folds"]
        started = [f for f in folds.values() if f.get("train") != "pending"]
        unfinished = [f for f in started
                      if "pending" in f.values() or {"queued", "running"} & set(f.values())]
        most_in_flight = max(most_in_flight, len(unfinished))
        if status["state"] == "completed":
            break
        await asyncio.sleep(0.02)
    assert status["state"] == "completed", status
    assert most_in_flight == 1
    validation = status["result"]["data"][0]["data"]["cells"]["validations"]["init"][0]
    assert set(validation["data"]["folds"]) == {"0", "1", "2", "3"}


async def test_queued_folds_of_a_cancelled_experiment_never_start(one_fold_at_a_time) -> None:
    client = one_fold_at_a_time
    response = await client.post(
        "/mining/experiment?async=true",
        json=experiment("species", IRIS_FEATURES, ["testSleeper"], k=5),
    )
    location = response.headers["Location"]
    assert (await client.delete(location)).status == 202
    final = await wait_for_state(client, location, {"cancelled"})
    progress = final["progress"]
    assert progress["done"] == progress["total"] == 1 + 5 * 2, progress
    assert progress["states"]["cancelled"] >= 8, progress  # four folds never started
