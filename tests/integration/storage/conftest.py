"""woken-db on a real PostgreSQL and on SQLite, for every test of this folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from woken.storage.database import WokenDatabase
from woken.storage.migrate import upgrade_to_head


@pytest.fixture(params=["postgresql", "sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'woken.db'}"
    return str(request.getfixturevalue("postgres_database"))


@pytest.fixture
def woken_db(database_url: str) -> Iterator[WokenDatabase]:
    upgrade_to_head(database_url)
    database = WokenDatabase(database_url)
    yield database
    database.dispose()
