"""A Woken app on real PostgreSQL databases, served on loopback by pytest-aiohttp."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from tests.support.postgres import create_database
from tests.support.woken_app import test_config
from woken.api.app import create_app

_numbers = itertools.count()


@pytest.fixture
async def client(aiohttp_client, postgres_server: str, tmp_path: Path):
    n = next(_numbers)
    config = test_config(
        tmp_path,
        woken_db_url=create_database(postgres_server, f"api_woken_{n}"),
        features_db_url=create_database(postgres_server, f"api_features_{n}"),
    )
    return await aiohttp_client(create_app(config))
