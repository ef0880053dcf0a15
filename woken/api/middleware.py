"""The one error middleware: domain errors and malformed bodies become JSON 4xx/5xx answers."""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
import uuid
from collections.abc import Awaitable, Callable

from aiohttp import web

from woken.api.json_answer import json_response
from woken.errors import (
    BackendError,
    BadRequest,
    DatabaseUnavailable,
    NotExportable,
    NotFound,
    PayloadTooLarge,
    ServiceUnavailable,
    UnsupportedMediaType,
    WokenError,
)

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Unauthorized(WokenError):
    """The mining routes need credentials, and the request has none or wrong ones."""


# The one place where a domain error becomes an HTTP status; anything else is a 500.
STATUS_BY_ERROR: dict[type[WokenError], int] = {
    BadRequest: 400,
    Unauthorized: 401,
    NotFound: 404,
    NotExportable: 409,
    PayloadTooLarge: 413,
    UnsupportedMediaType: 415,
    BackendError: 502,
    ServiceUnavailable: 503,
    DatabaseUnavailable: 503,
}


def status_for(error: WokenError) -> int:
    """The HTTP status of a domain error: its own class's, or its nearest ancestor's."""
    for cls in type(error).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 500


def error_body(message: str, details: object | None = None) -> dict[str, object]:
    body: dict[str, object] = {"message": message}
    if details is not None:
        body["details"] = details
    return body


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        check_target(request)
        return await handler(request)
    except WokenError as error:
        details = error.details
        status = status_for(error)
        if status >= 500:
            log.error("%s %s: %s", request.method, request.path, error)
        headers = {"WWW-Authenticate": 'Basic realm="woken"'} if status == 401 else None
        return json_response(error_body(str(error), details), status=status, headers=headers)
    except web.HTTPException as error:
        if error.empty_body or error.status < 400:
            raise
        # Keep the exception's headers: a 405 must say which methods are allowed (`Allow`).
        headers = {k: v for k, v in error.headers.items() if k.lower() != "content-type"}
        return json_response(error_body(error.reason), status=error.status, headers=headers)
    except Exception:
        # The answer says nothing of the cause (it may quote SQL, parameters, hosts or
        # paths); the id finds the traceback in the log.
        request_id = uuid.uuid4().hex[:16]
        log.exception("request %s: %s %s failed", request_id, request.method, request.path)
        body = error_body(f"internal error (request {request_id}; the log has the details)")
        return json_response({**body, "requestId": request_id}, status=500)


def check_target(request: web.Request) -> None:
    """No NUL in the path (ids) or the query string: no database stores or compares one."""
    if "\x00" in request.path or any("\x00" in f"{k}{v}" for k, v in request.query.items()):
        raise BadRequest("a NUL character is not accepted in a URL")


def basic_auth_middleware(
    user: str, password: str, protected_prefixes: tuple[str, ...] = ("/mining", "/metadata")
) -> Callable:
    """HTTP Basic authentication of the routes under `protected_prefixes` (contract §1).

    The 2019 Woken guarded the mining routes; the metadata routes describe the patients'
    data (variables, data sets and their sizes), so they are guarded too unless opened.
    """
    expected = f"{user}:{password}".encode()

    @web.middleware
    async def authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(protected_prefixes):
            header = request.headers.get("Authorization", "")
            scheme, _, encoded = header.partition(" ")
            try:
                given = base64.b64decode(encoded, validate=True)
            except (binascii.Error, ValueError):
                given = b""
            if scheme.lower() != "basic" or not hmac.compare_digest(given, expected):
                raise Unauthorized("authentication required (HTTP Basic)")
        return await handler(request)

    return authenticate
