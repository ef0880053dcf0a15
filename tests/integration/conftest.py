"""Fixtures of the integration tests: a real Dask cluster (scheduler and two workers), and a
headless Chromium with a fresh page per test (the web page's and the federation page's tests)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.support.browser import chromium, new_page
from tests.support.dask_cluster import DaskCluster


@pytest.fixture(scope="session")
def dask_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DaskCluster]:
    """A scheduler and two one-thread workers on loopback, shared by the tests that only use it.

    Tests that kill a worker or the scheduler start their own cluster.
    """
    with DaskCluster(Path(tmp_path_factory.mktemp("dask-cluster"))) as cluster:
        yield cluster


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with new_page(browser) as opened:
        yield opened
