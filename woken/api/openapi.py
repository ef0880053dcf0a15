"""The OpenAPI 3 document of a running app, built from its route table and the schemas.

Paths come from the app's router (so a route cannot exist without being in the
document), their request and answer shapes from `woken.api.operations`, which names
the marshmallow schemas the handlers load and answer with.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from aiohttp import web
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from woken import __version__
from woken.api import schemas
from woken.api.operations import JSON, OPERATIONS, Answer, Operation

log = logging.getLogger(__name__)

OPENAPI_VERSION = "3.0.3"
# aiohttp allows `{name:regex}`; OpenAPI only `{name}`.
_PATH_PARAMETER = re.compile(r"\{(\w+)(?::[^}]*)?\}")
_ERROR = Answer("an error; `message` says what went wrong", schemas.ErrorSchema)
# A route missing from OPERATIONS still appears (so the document never lies by omission).
_UNDOCUMENTED = Operation("(not documented yet)", "other", {200: Answer("an answer", None)})


def routes_of(app: web.Application) -> list[tuple[str, str]]:
    """The (method, path) pairs the app serves, without HEAD and static file folders."""
    found = []
    for route in app.router.routes():
        resource = route.resource
        if route.method in {"HEAD", "*"} or resource is None:
            continue
        if isinstance(resource, web.StaticResource):
            continue
        found.append((route.method, resource.canonical))
    return found


def build_openapi(app: web.Application, auth: bool) -> dict[str, Any]:
    spec = APISpec(
        title="Woken", version=__version__, openapi_version=OPENAPI_VERSION,
        plugins=[MarshmallowPlugin()],
        info={"description": "The experiment coordinator of a medical data platform."},
    )
    if auth:
        spec.components.security_scheme("basic", {"type": "http", "scheme": "basic"})
    paths: dict[str, dict[str, Any]] = {}
    for method, path in routes_of(app):
        operation = OPERATIONS.get((method, path))
        if operation is None:
            log.warning("route %s %s has no entry in woken.api.operations", method, path)
            operation = _UNDOCUMENTED
        openapi_path = _PATH_PARAMETER.sub(r"{\1}", path)
        paths.setdefault(openapi_path, {})[method.lower()] = _operation(
            operation, method, openapi_path, protected=auth and path.startswith("/mining")
        )
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def _operation(
    operation: Operation, method: str, path: str, protected: bool
) -> dict[str, Any]:
    parameters = [
        {"in": "path", "name": name, "required": True, "schema": {"type": "string"}}
        for name in _PATH_PARAMETER.findall(path)
    ] + list(operation.query)
    answers = dict(operation.answers)
    if operation.body is not None or operation.query:
        answers.setdefault(400, _ERROR)
    if operation.body is not None or operation.other_bodies:
        answers.setdefault(413, _ERROR)  # past limits.max_body_bytes
        answers.setdefault(415, _ERROR)  # not a media type the route reads
    if protected:
        answers.setdefault(401, _ERROR)
    if "{" in path:
        answers.setdefault(404, _ERROR)
    answers.setdefault(500, _ERROR)
    document: dict[str, Any] = {
        "summary": operation.summary,
        "tags": [operation.tag],
        "operationId": _operation_id(method, path),
        "responses": {str(status): _answer(answer) for status, answer in sorted(answers.items())},
    }
    if parameters:
        document["parameters"] = parameters
    if operation.body is not None or operation.other_bodies:
        content: dict[str, Any] = {}
        if operation.body is not None:
            content[JSON] = {"schema": operation.body}
        content.update({kind: {"schema": s} for kind, s in operation.other_bodies.items()})
        document["requestBody"] = {"required": True, "content": content}
    if protected:
        document["security"] = [{"basic": []}]
    return document


def _operation_id(method: str, path: str) -> str:
    return "_".join([method.lower(), *re.sub(r"[^A-Za-z0-9]+", " ", path).split()])


def _answer(answer: Answer) -> dict[str, Any]:
    document: dict[str, Any] = {"description": answer.description}
    if answer.schema is not None:
        document["content"] = {answer.content_type: {"schema": answer.schema}}
    elif answer.content_type != JSON:
        document["content"] = {answer.content_type: {"schema": {"type": "string"}}}
    if answer.headers:
        document["headers"] = {name: {"schema": {"type": "string"}} for name in answer.headers}
    return document
