"""The federation's configuration, its token check and the federated request's checks."""

from __future__ import annotations

import json

import pytest

from woken.config import load_config
from woken.config.federation import FederationSettings
from woken.errors import BadRequest, ConfigurationError
from woken.federation.folds import fold_of_rows, rows_of_part
from woken.federation.query import parse_query
from woken.federation.site import NotASite, check_token

SITES = [{"name": "a", "url": "https://a.example:8087", "token": "secret-a"},
         {"name": "b", "url": "http://127.0.0.1:9000/", "token": "secret-b",
          "verify_tls": "/etc/ca.pem", "timeout_s": 3}]


def test_a_central_reads_its_sites_from_the_environment_as_json() -> None:
    config = load_config(environ={"WOKEN_FEDERATION_SITES": json.dumps(SITES),
                                  "WOKEN_FEDERATION_MIN_ROWS": "20"})
    sites = config.federation.site_list()
    assert [s.name for s in sites] == ["a", "b"]
    assert sites[1].url == "http://127.0.0.1:9000" and sites[1].verify_tls == "/etc/ca.pem"
    assert config.federation.is_central and not config.federation.is_site
    assert config.federation.min_rows == 20


@pytest.mark.parametrize(("sites", "message"), [
    ([{"name": "a", "url": "ftp://x", "token": "t"}], "url must be"),
    ([{"name": "a", "url": "http://x:1"}], "a name and a token"),
    ([{"name": "a", "url": "http://x:1", "token": "t", "password": "p"}], "unknown keys"),
    ([{"name": "a", "url": "http://x:1", "token": "t"}] * 2, "same name"),
    ("not json", "not JSON"),
])
def test_a_wrong_site_entry_is_refused_at_start_up(sites: object, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        FederationSettings(sites=sites)


def test_a_site_accepts_only_its_own_bearer_token() -> None:
    settings = FederationSettings(site_token="secret-a")
    check_token(settings, "Bearer secret-a")
    for header in ("", "Bearer secret-b", "Basic secret-a", "Bearer secret-a-and-more"):
        with pytest.raises(NotASite):
            check_token(settings, header)
    with pytest.raises(NotASite):
        check_token(FederationSettings(), "Bearer ")  # not a site: nothing is accepted


def test_a_federated_request_is_checked_before_any_site_is_asked() -> None:
    body = {"variables": [{"code": "y"}], "datasets": ["a", "b"],
            "algorithm": {"code": "histograms", "parameters": [{"code": "bins", "value": "8"}]}}
    query = parse_query(body)
    assert query.algorithms[0].parameters == {"bins": 8} and query.k is None
    for change, message in (({"executionPlan": "all-rows-to-central"}, "executionPlan"),
                            ({"datasets": []}, "datasets"),
                            ({"validationDatasets": ["a"]}, "both trained on and held out"),
                            ({"validations": [{"code": "bootstrap"}]}, "does not federate"),
                            ({"seed": -1}, "seed")):
        with pytest.raises(BadRequest, match=message):
            parse_query({**body, **change})
    assert parse_query({**body, "executionPlan": "scatter-gather"}).datasets == ["a", "b"]


def test_folds_are_fixed_by_the_seed_and_cover_every_row_once() -> None:
    folds = fold_of_rows(47, 4, seed=5)
    assert (folds == fold_of_rows(47, 4, seed=5)).all()
    assert sorted(set(folds.tolist())) == [0, 1, 2, 3]
    test = sum(rows_of_part(47, {"k": 4, "seed": 5, "fold": f, "use": "test"}).sum()
               for f in range(4))
    assert test == 47
