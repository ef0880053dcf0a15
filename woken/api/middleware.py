"""The one error middleware: domain errors and malformed bodies become JSON 4xx/5xx answers."""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from woken.errors import BadRequest, Unauthorized, WokenError

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


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
        if error.http_status >= 500:
            log.error("%s %s: %s", request.method, request.path, error)
        headers = {"WWW-Authenticate": 'Basic realm="woken"'} if error.http_status == 401 else None
        return web.json_response(
            error_body(str(error), details), status=error.http_status, headers=headers
        )
    except web.HTTPException as error:
        if error.empty_body or error.status < 400:
            raise
        return web.json_response(error_body(error.reason), status=error.status)
    except Exception as error:
        log.exception("%s %s failed", request.method, request.path)
        return web.json_response(
            error_body(f"internal error: {type(error).__name__}: {error}"), status=500
        )


def basic_auth_middleware(user: str, password: str, protected_prefix: str = "/mining") -> Callable:
    """HTTP Basic authentication of the mining routes (contract §1, added by the 2019 Woken)."""
    expected = f"{user}:{password}".encode()

    @web.middleware
    async def authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(protected_prefix):
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
