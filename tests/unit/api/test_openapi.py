"""The OpenAPI document: valid OpenAPI 3, every route in it with its error answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from openapi_spec_validator import validate

from woken.api.app import create_app
from woken.api.keys import OPENAPI
from woken.api.openapi import routes_of
from woken.api.operations import OPERATIONS
from woken.config import Config


def document(tmp_path: Path, **config: str) -> dict:
    # create_app starts nothing: the services start when the app runs.
    app = create_app(Config(data_dir=tmp_path, **config))  # type: ignore[arg-type]
    return app[OPENAPI]


def test_the_document_is_valid_openapi_3(tmp_path: Path) -> None:
    spec = document(tmp_path)
    assert spec["openapi"].startswith("3.")
    validate(spec)


def test_every_route_is_documented_and_nothing_else(tmp_path: Path) -> None:
    app = create_app(Config(data_dir=tmp_path))
    served = set(routes_of(app))
    assert served == set(OPERATIONS), (served ^ set(OPERATIONS))
    spec = app[OPENAPI]
    listed = {(method.upper(), path) for path, ops in spec["paths"].items() for method in ops}
    assert listed == served


@pytest.mark.parametrize(("method", "path", "status"), [
    ("post", "/mining/experiment", "400"),
    ("get", "/mining/experiments/{experiment_id}", "404"),
    ("get", "/health", "500"),
])
def test_error_answers_are_documented_with_the_error_schema(
    tmp_path: Path, method: str, path: str, status: str
) -> None:
    answer = document(tmp_path)["paths"][path][method]["responses"][status]
    assert answer["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }


def test_request_bodies_come_from_the_request_schemas(tmp_path: Path) -> None:
    spec = document(tmp_path)
    body = spec["paths"]["/mining/experiment"]["post"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"]
    schema = spec["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert {"variables", "algorithms"} <= set(schema["required"])


def test_with_authentication_the_mining_routes_declare_basic_auth(tmp_path: Path) -> None:
    spec = document(tmp_path, auth_user="u", auth_password="p")
    job = spec["paths"]["/mining/job"]["post"]
    assert job["security"] == [{"basic": []}]
    assert "401" in job["responses"]
    assert "security" not in spec["paths"]["/health"]["get"]
    validate(spec)
