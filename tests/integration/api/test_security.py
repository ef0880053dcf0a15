"""HTTP Basic authentication of the mining routes, and no unauthenticated service off loopback."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest

from tests.support.woken_app import woken_test_config
from woken.api.app import create_app
from woken.errors import ConfigurationError
from woken.lifecycle import check_security


@pytest.fixture
async def guarded(aiohttp_client, tmp_path: Path):
    config = replace(woken_test_config(tmp_path), auth_user="portal", auth_password="s3cret!")
    return await aiohttp_client(create_app(config))


async def test_mining_routes_need_the_credentials(guarded) -> None:
    assert (await guarded.get("/mining/algorithms")).status == 401
    wrong = {"Authorization": aiohttp.encode_basic_auth("portal", "guess")}
    assert (await guarded.get("/mining/algorithms", headers=wrong)).status == 401
    right = {"Authorization": aiohttp.encode_basic_auth("portal", "s3cret!")}
    assert (await guarded.get("/mining/algorithms", headers=right)).status == 200
    refused = await guarded.post("/mining/job", json={})
    assert refused.status == 401
    assert refused.headers["WWW-Authenticate"].startswith("Basic")


async def test_health_needs_no_credentials(guarded) -> None:
    assert (await guarded.get("/health")).status == 200


def test_no_unauthenticated_service_off_loopback(tmp_path: Path) -> None:
    config = replace(woken_test_config(tmp_path), host="0.0.0.0")
    with pytest.raises(ConfigurationError, match="without authentication"):
        check_security(config)
    check_security(replace(config, dev_mode=True))
    check_security(replace(config, auth_user="u", auth_password="p"))
    with pytest.raises(ConfigurationError, match="both"):
        check_security(replace(config, auth_user="u"))
