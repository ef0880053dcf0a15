"""Fixtures of the actor tests: a real woken-db on SQLite in tmp_path, a stub backend,
short timeouts, and every actor stopped after each test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pykka
import pytest

from tests.support.stub_backend import StubBackend
from tests.unit.actors.support import Inbox, StubContext, algorithm_spec
from woken.actors.validation_pool import ValidationPool
from woken.catalogue.registry import AlgorithmSpec
from woken.config import Config
from woken.storage.database import WokenDatabase
from woken.storage.migrate import upgrade_to_head


@pytest.fixture(autouse=True)
def stop_every_actor() -> Iterator[None]:
    yield
    pykka.ActorRegistry.stop_all(block=True, timeout=10)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(
        data_dir=tmp_path / "data", node="test-node",
        poll_interval_min_s=0.01, poll_interval_max_s=0.05,
        queue_timeout_s=5.0, experiment_timeout_s=10.0,
    )


@pytest.fixture(scope="session")
def migrated_db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A woken-db migrated once per session; each test gets a copy (migrating costs ~0.4 s)."""
    path = tmp_path_factory.mktemp("template") / "woken.db"
    upgrade_to_head(f"sqlite:///{path}")
    database = WokenDatabase(f"sqlite:///{path}")
    with database.engine.connect() as connection:
        # Everything into the main file, so that copying that file copies the database.
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()
    return path


@pytest.fixture
def woken_db(config: Config, migrated_db_file: Path) -> Iterator[WokenDatabase]:
    config.data_dir.mkdir(parents=True)
    shutil.copyfile(migrated_db_file, config.data_dir / "woken.db")
    database = WokenDatabase(config.woken_db)
    yield database
    database.dispose()


@pytest.fixture
def backend() -> StubBackend:
    return StubBackend()


@pytest.fixture
def context(config: Config, woken_db: WokenDatabase, backend: StubBackend) -> StubContext:
    return StubContext(config, woken_db, backend, ValidationPool(1))


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


@pytest.fixture
def spec(tmp_path: Path) -> AlgorithmSpec:
    return algorithm_spec(tmp_path / "algorithms" / "stubModel")
