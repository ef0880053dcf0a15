"""Three sites, each a `woken serve` in its own network namespace, and their central.

Each site has its own address on its own network stack, joined to this host by a veth
pair, as a hospital's server is a separate host: the central reaches it over that
link only. Root and ``ip netns`` are on the test machines (the Dask tests use them too):
where they are missing this test fails, it does not skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from tests.support.federation_cluster import TIMEOUT_S, Federation, running_federation
from tests.support.federation_data import ROWS_BY_SITE, close, pooled_type_ii
from tests.support.netns import Namespaces

ROWS = ROWS_BY_SITE
POOLED = [row for rows in ROWS.values() for row in rows]


@pytest.fixture
def federation_in_namespaces(tmp_path: Path) -> Iterator[Federation]:
    namespaces = Namespaces("fd", 214)
    try:
        with running_federation(tmp_path, namespaces) as running:
            yield running
    finally:
        namespaces.close()


def test_sites_in_their_own_network_namespaces_answer_their_central_over_veth(
        federation_in_namespaces: Federation) -> None:
    federation = federation_in_namespaces
    own = os.readlink("/proc/self/ns/net")
    site_namespaces = {os.readlink(f"/proc/{pid}/ns/net")
                       for pid in federation.site_pids.values()}
    assert len(site_namespaces) == len(ROWS) and own not in site_namespaces
    hosts = {urlsplit(url).hostname for url in federation.sites.values()}
    assert len(hosts) == len(ROWS) and not any(h.startswith("127.") for h in hosts)
    # Off loopback, a site's mining routes ask for its credentials; its steps, for its token.
    site = federation.sites["hospital_a"]
    assert requests.get(f"{site}/mining/jobs", timeout=TIMEOUT_S).status_code == 401
    body = {"algorithms": [{"code": "anova", "parameters": [
                {"code": "design", "value": "factorial"}]}],
            "variables": [{"code": "y"}], "covariables": [{"code": "group"}, {"code": "x1"}],
            "datasets": [{"code": name} for name in ROWS]}
    answer = requests.post(f"{federation.central}/mining/federated", json=body,
                           timeout=TIMEOUT_S)
    assert answer.status_code == 200, answer.text
    result = answer.json()
    expected = pooled_type_ii(POOLED, ["group", "x1"], "factorial")
    got = {row["source"]: row for row in result["results"][0]["data"]["type_ii"]}
    assert close([got[s]["sum_sq"] for s in expected], [v[1] for v in expected.values()])
    assert all(t["rows_sent"] == 0 and t["bytes_sent"] > 0
               for t in result["transfer"].values())
