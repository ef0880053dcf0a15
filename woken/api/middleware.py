"""The one error middleware: domain errors and malformed bodies become JSON 4xx/5xx answers."""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from woken.errors import BackendError, BadRequest, NotFound, ServiceUnavailable, WokenError

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Unauthorized(WokenError):
    """The mining routes need credentials, and the request has none or wrong ones."""


# The one place where a domain error becomes an HTTP status; anything else is a 500.
STATUS_BY_ERROR: dict[type[WokenError], int] = {
    BadRequest: 400,
    Unauthorized: 401,
    NotFound: 404,
    BackendError: 502,
    ServiceUnavailable: 503,
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
        return await handler(request)
    except WokenError as error:
        details = error.details if isinstance(error, BadRequest) else None
        status = status_for(error)
        if status >= 500:
            log.error("%s %s: %s", request.method, request.path, error)
        headers = {"WWW-Authenticate": 'Basic realm="woken"'} if status == 401 else None
        return web.json_response(error_body(str(error), details), status=status, headers=headers)
    except web.HTTPException as error:
        if error.empty_body or error.status < 400:
            raise
        return web.json_response(error_body(error.reason), status=error.status)
    except Exception as error:
        log.exception("%s %s failed", request.method, request.path)
        return web.json_response(
            error_body(f"internal error: {type(error).__name__}: {error}"), status=500
        )


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
