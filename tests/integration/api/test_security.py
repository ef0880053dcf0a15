"""Authentication of the mining routes, no unauthenticated service off loopback, admission."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest

from tests.support.woken_app import woken_test_config
from woken.api.app import create_app
from woken.errors import ConfigurationError
from woken.system.lifecycle import check_security


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


@pytest.fixture
async def full(aiohttp_client, tmp_path: Path):
    """A Woken that admits no more jobs or experiments."""
    config = replace(woken_test_config(tmp_path), max_active_jobs=0, max_running_experiments=0)
    return await aiohttp_client(create_app(config))


async def test_requests_past_the_admission_limits_get_503(full) -> None:
    body = {"variables": [{"code": "cognitive_task2"}], "covariables": [{"code": "score_test1"}],
            "algorithm": {"code": "knn"}}
    refused = await full.post("/mining/job", json=body)
    assert refused.status == 503
    assert "limit is 0" in (await refused.json())["message"]
    body["algorithms"] = [body.pop("algorithm")]
    refused = await full.post("/mining/experiment", json=body)
    assert refused.status == 503
    assert "limit is 0" in (await refused.json())["message"]


async def test_metadata_needs_the_credentials_when_auth_is_configured(guarded) -> None:
    for path in ("/metadata/datasets", "/metadata/variables"):
        assert (await guarded.get(path)).status == 401, path
    right = {"Authorization": aiohttp.encode_basic_auth("portal", "s3cret!")}
    assert (await guarded.get("/metadata/datasets", headers=right)).status == 200


async def test_a_setting_opens_the_metadata(aiohttp_client, tmp_path: Path) -> None:
    config = replace(woken_test_config(tmp_path), auth_user="portal", auth_password="s3cret!",
                     metadata_open=True)
    client = await aiohttp_client(create_app(config))
    assert (await client.get("/metadata/datasets")).status == 200
    assert (await client.get("/mining/algorithms")).status == 401
