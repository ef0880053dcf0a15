"""Fixtures of the integration tests: a real Dask cluster (scheduler and two workers)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.dask_cluster import DaskCluster


@pytest.fixture(scope="session")
def dask_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DaskCluster]:
    """A scheduler and two one-thread workers on loopback, shared by the tests that only use it.

    Tests that kill a worker or the scheduler start their own cluster.
    """
    with DaskCluster(Path(tmp_path_factory.mktemp("dask-cluster"))) as cluster:
        yield cluster
