"""A Woken app on real PostgreSQL databases, served on loopback by pytest-aiohttp.

The `/mining/job` and `/mining/experiment` tests run on three backends: the local
one; Chronos, against the Chronos test double (which runs each job as a local
process too, as a Mesos agent would run its image); and Dask, on a real scheduler
with two workers.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.chronos_double import ChronosDouble, images_of
from tests.support.postgres import create_database
from tests.support.woken_app import woken_test_config
from woken.api.app import create_app
from woken.config.chronos import ChronosSettings
from woken.config.dask import DaskSettings

_numbers = itertools.count()

# Test modules whose `client` runs on each backend.
ALL_BACKENDS_MODULES = {"test_mining_job", "test_experiments"}
BACKENDS = ["local", "chronos", "dask"]
# Chronos reports no exit code: these tests' assertions are about exit codes.
NOT_ON_CHRONOS = {"test_a_crashing_algorithm_reports_exit_code_and_stderr"}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    module = metafunc.module.__name__.rsplit(".", 1)[-1]
    if "client" in metafunc.fixturenames and module in ALL_BACKENDS_MODULES:
        skip_chronos = metafunc.function.__name__ in NOT_ON_CHRONOS
        metafunc.parametrize("backend", [b for b in BACKENDS if b != "chronos" or not skip_chronos],
                             indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    return getattr(request, "param", "local")


@pytest.fixture
async def client(aiohttp_client, postgres_server: str, tmp_path: Path,
                 backend: str, request: pytest.FixtureRequest) -> AsyncIterator:
    n = next(_numbers)
    config = woken_test_config(
        tmp_path,
        woken_db_url=create_database(postgres_server, f"api_woken_{n}"),
        features_db_url=create_database(postgres_server, f"api_features_{n}"),
    )
    if backend == "local":
        yield await aiohttp_client(create_app(config))
        return
    if backend == "dask":
        cluster = request.getfixturevalue("dask_cluster")
        config = dataclasses.replace(config, backend="dask",
                                     dask=DaskSettings(scheduler_address=cluster.address))
        yield await aiohttp_client(create_app(config))
        # Every job ended: no task of this test is left on the workers.
        assert cluster.wait_until_idle(10), "tasks left on the Dask workers"
        return
    mesos = tmp_path / "mesos"
    with ChronosDouble(images_of(config.algorithms_dir), mesos) as double:
        chronos = ChronosSettings(
            url=double.url, mesos_work_dir=str(mesos), retry_backoff_s=0.05
        )
        config = dataclasses.replace(config, backend="chronos", chronos=chronos)
        yield await aiohttp_client(create_app(config))
        # Every job ended, so the backend deleted it from Chronos.
        assert double.wait_until(lambda: not double.job_names(), 10), double.job_names()
