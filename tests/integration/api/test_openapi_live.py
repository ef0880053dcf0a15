"""Schemathesis against a real `woken serve`: generated requests, no 5xx, answers as documented.

Bounded: a few examples per operation. The checks are schemathesis' own, less one:
`positive_data_acceptance` expects every schema-valid body to be accepted, but a
request naming variables that do not exist is rightly a 400 (the schema cannot list
the codes of the data loaded).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.support.server import woken_server
from woken.api.app import create_app
from woken.api.keys import OPENAPI
from woken.config import Config

MAX_EXAMPLES = 20
REQUEST_TIMEOUT_S = 60


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with woken_server(tmp_path_factory.mktemp("openapi") / "var") as woken:
        yield woken.url


def app_document() -> dict:
    """The document as the app factory builds it (nothing starts): known at collection time.

    (schemathesis' `from_fixture` would read it from the server, but it relies on pytest
    internals that pytest 9 no longer has.)
    """
    with tempfile.TemporaryDirectory() as folder:
        return create_app(Config(data_dir=Path(folder)))[OPENAPI]


DOCUMENT = app_document()


def test_the_served_document_is_valid_openapi_3_and_the_one_tested(server: str) -> None:
    answer = requests.get(f"{server}/openapi.json", timeout=REQUEST_TIMEOUT_S)
    assert answer.status_code == 200
    validate(answer.json())
    assert answer.json() == DOCUMENT


def test_swagger_ui_is_served_from_the_package(server: str) -> None:
    page = requests.get(f"{server}/docs", timeout=REQUEST_TIMEOUT_S)
    assert page.status_code == 200 and "swagger-ui-bundle.js" in page.text
    script = requests.get(f"{server}/docs/static/swagger-ui-bundle.js", timeout=REQUEST_TIMEOUT_S)
    assert script.status_code == 200 and "SwaggerUIBundle" in script.text
    assert "http" not in requests.get(f"{server}/docs/init.js", timeout=REQUEST_TIMEOUT_S).text


schema = schemathesis.openapi.from_dict(DOCUMENT)


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_answers_as_documented(case, server: str) -> None:
    case.call_and_validate(
        base_url=server, timeout=REQUEST_TIMEOUT_S, excluded_checks=[positive_data_acceptance]
    )
