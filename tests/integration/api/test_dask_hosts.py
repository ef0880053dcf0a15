"""Experiments on Dask workers that are separate hosts (one network namespace each).

Each worker runs in its own network namespace joined by a veth pair, so it has
its own address, as a machine of a cluster would. The job records say which
worker ran each job: the test of every fold ran where its train ran. Then a
worker is killed (``kill -9``) in the middle of an experiment: the experiment
ends (completed, its jobs resubmitted, or with a clear error), nothing hangs,
and nothing is left running.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from tests.integration.api.test_experiments import IRIS_FEATURES, experiment, wait_for_state
from tests.support.dask_cluster import DaskCluster
from tests.support.postgres import create_database
from tests.support.woken_app import woken_test_config
from woken.api.app import create_app
from woken.api.keys import SERVICES
from woken.config.dask import DaskSettings
from woken.states import TERMINAL_JOB_STATES

_numbers = itertools.count()


@pytest.fixture
def hosts_cluster(tmp_path: Path) -> Iterator[DaskCluster]:
    # `ip netns` works here (root in the test machine); a run without it fails, never skips.
    with DaskCluster(tmp_path / "cluster", netns=True) as cluster:
        yield cluster


@pytest.fixture
async def client(aiohttp_client, postgres_server: str, tmp_path: Path,
                 hosts_cluster: DaskCluster) -> TestClient:
    n = next(_numbers)
    config = dataclasses.replace(
        woken_test_config(
            tmp_path,
            woken_db_url=create_database(postgres_server, f"hosts_woken_{n}"),
            features_db_url=create_database(postgres_server, f"hosts_features_{n}"),
        ),
        backend="dask", dask=DaskSettings(scheduler_address=hosts_cluster.address),
        # One train and one test job per fold: the test checks where each test ran.
        strict_isolation=True,
    )
    return await aiohttp_client(create_app(config))


def jobs_of(client, experiment_id: str) -> list:
    db = client.server.app[SERVICES].woken_db
    return [job for job in db.jobs_in_state(*TERMINAL_JOB_STATES)
            if job.experiment_id == experiment_id]


async def test_each_test_runs_on_the_host_of_its_train(client, hosts_cluster) -> None:
    workers = hosts_cluster.worker_addresses()
    assert all(not w.startswith("tcp://127.") for w in workers) and len(set(workers)) == 2
    response = await client.post("/mining/experiment?async=true", json=experiment(
        "species", IRIS_FEATURES, ["knn", "naiveBayes"]))
    location = response.headers["Location"]
    final = await wait_for_state(client, location, {"completed"})
    assert final["progress"]["done"] == 14
    jobs = jobs_of(client, location.rsplit("/", 1)[1])
    hosts = {job.step: job.host for job in jobs}
    pairs = [(step, step.replace("train", "test")) for step in hosts if "train" in step]
    assert len(pairs) == 6
    for train, test in pairs:
        assert hosts[train] in workers and hosts[test] == hosts[train], (train, hosts)


async def test_a_worker_killed_mid_experiment_ends_it_without_hanging(
    client, hosts_cluster: DaskCluster
) -> None:
    response = await client.post("/mining/experiment?async=true", json=experiment(
        "species", IRIS_FEATURES, ["knn", "naiveBayes"], k=4))
    location = response.headers["Location"]
    started = time.monotonic()
    while time.monotonic() - started < 60:  # some work under way
        body = await (await client.get(location)).json()
        if body["progress"]["done"] >= 2:
            break
        await asyncio.sleep(0.05)
    hosts_cluster.kill_worker(0)
    final = await wait_for_state(client, location, {"completed", "failed"})
    # Up to 60 s to get under way, then wait_for_state's bound of 120 s: no hang.
    assert time.monotonic() - started < 180
    for entry in final["result"]["data"]:
        # Each algorithm has a result or says why not.
        assert entry["error"] is None or entry["error"], entry
    assert hosts_cluster.wait_until_idle(10)
