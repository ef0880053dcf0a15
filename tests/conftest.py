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


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A skipped test is not a passing test: the run fails unless skips are allowed."""
    import os

    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped and exitstatus == 0 and not os.environ.get("WOKEN_ALLOW_SKIPS"):
        session.exitstatus = 1
        if reporter:
            reporter.write_line(
                f"{skipped} test(s) skipped: failing the run (set WOKEN_ALLOW_SKIPS=1 to allow)",
                red=True,
            )
