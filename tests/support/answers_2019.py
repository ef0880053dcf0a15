"""The MIP's sample package as shipped, and the 2019 Woken's answers to compare ours with.

See ``tests/fixtures/README.md``: the package is in the MIP's older Table Schema
style; the answers are the original Woken's, as its integration suite stored them.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient

from tests.support.postgres import create_database
from tests.support.woken_app import woken_test_config
from woken.api.app import create_app
from woken.features.database import FeaturesDatabase
from woken.features.load_files import LoadOptions, load_sources, open_sources

FIXTURES = Path(__file__).parents[1] / "fixtures"
PACKAGE = FIXTURES / "mip-sample-2019"
ANSWERS_2019 = FIXTURES / "woken2019"


async def mip_client(aiohttp_client: Callable[[web.Application], Awaitable[TestClient]],
                     postgres_server: str, tmp_path: Path, database: str) -> TestClient:
    """A Woken app whose features database holds the MIP package, loaded as shipped."""
    features_url = f"sqlite:///{tmp_path / 'features.db'}"
    features = FeaturesDatabase(features_url)
    load_sources(features.engine, open_sources(PACKAGE), LoadOptions())
    features.dispose()
    config = woken_test_config(tmp_path, woken_db_url=create_database(postgres_server, database),
                               features_db_url=features_url)
    return await aiohttp_client(create_app(config))


def reference(name: str) -> dict[str, Any]:
    answer: dict[str, Any] = json.loads((ANSWERS_2019 / name).read_text())
    return answer


def same_structure(ours: Any, theirs: Any, where: str = "answer") -> None:
    """Every key 2019 answered is in ours, with a value of the same JSON kind, recursively."""
    if isinstance(theirs, dict):
        assert isinstance(ours, dict), where
        missing = set(theirs) - set(ours)
        assert not missing, f"{where}: missing {sorted(missing)}"
        for key, value in theirs.items():
            same_structure(ours[key], value, f"{where}.{key}")
    elif isinstance(theirs, list):
        assert isinstance(ours, list), where
        for position, item in enumerate(ours if theirs else []):
            assert any(_alike(item, example) for example in theirs), (
                f"{where}[{position}]: {item!r} is like no entry of 2019's")
    elif _is_number(theirs):
        # JSON has one kind of number: 2019's 5.0 and our 5 are alike.
        assert _is_number(ours), f"{where}: {ours!r} is not a number like {theirs!r}"
    else:
        assert isinstance(ours, type(theirs)), f"{where}: {ours!r} is not like {theirs!r}"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _alike(ours: Any, theirs: Any) -> bool:
    try:
        same_structure(ours, theirs)
    except AssertionError:
        return False
    return True
