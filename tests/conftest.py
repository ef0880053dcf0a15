"""Fixtures shared by every test: the throwaway PostgreSQL server and fresh databases on it."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from tests.support.postgres import create_database, throwaway_postgres

_database_numbers = itertools.count()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a PostgreSQL server started for this test session."""
    with throwaway_postgres() as url:
        yield url


@pytest.fixture
def postgres_database(postgres_server: str) -> str:
    """A fresh, empty database on the session's server."""
    return create_database(postgres_server, f"woken_test_{next(_database_numbers)}")
