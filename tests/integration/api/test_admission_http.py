"""Admission under concurrency, through HTTP: 50 simultaneous submissions, a limit of 4."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import pytest

from tests.support.woken_app import woken_test_config
from woken.api.app import create_app

LIMIT = 4
SUBMISSIONS = 50
SLOW_EXPERIMENT = {
    "variables": [{"code": "species"}],
    "covariables": [{"code": c} for c in ("sepal_length", "petal_length")],
    "datasets": [{"code": "iris"}],
    "algorithms": [{"code": "slowModel"}],
}


@pytest.fixture
async def client(aiohttp_client, tmp_path: Path):
    config = dataclasses.replace(woken_test_config(tmp_path), max_running_experiments=LIMIT)
    return await aiohttp_client(create_app(config))


async def test_fifty_concurrent_submissions_never_run_more_than_the_limit(client) -> None:
    async def submit() -> tuple[int, dict]:
        response = await client.post("/mining/experiment?async=true", json=SLOW_EXPERIMENT)
        return response.status, await response.json()

    answers = await asyncio.gather(*(submit() for _ in range(SUBMISSIONS)))
    accepted = [body for status, body in answers if status == 202]
    refused = [body for status, body in answers if status == 503]
    # The slow model runs for a minute: nothing ends during the burst, so the limit is exact.
    assert (len(accepted), len(refused)) == (LIMIT, SUBMISSIONS - LIMIT), answers
    assert all(f"the limit is {LIMIT}" in body["message"] for body in refused)
    listed = await (await client.get("/mining/experiments?limit=100")).json()
    assert listed["total"] == LIMIT  # refused submissions left nothing behind
    for body in accepted:
        cancelled = await client.delete(body["location"])
        assert cancelled.status in (200, 202)
