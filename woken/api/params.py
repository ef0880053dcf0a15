"""What a request says besides its body: its query parameters and its preferences."""

from __future__ import annotations

from aiohttp import web

from woken._guards.strict_numbers import parse_int
from woken.errors import BadRequest

# The largest page of a list.
MAX_PAGE = 100
# Far past any real list, well within the 64-bit integers the databases bind.
MAX_OFFSET = 10**9


def wants_async(request: web.Request) -> bool:
    """`Prefer: respond-async` (RFC 7240), or `?async=true`: answer 202 and let the client poll."""
    prefer = request.headers.get("Prefer", "").lower()
    return "respond-async" in prefer or request.query.get("async", "").lower() in {"1", "true"}


def int_query(request: web.Request, name: str, default: int, low: int, high: int | None) -> int:
    """An integer query parameter within its bounds; BadRequest naming it otherwise."""
    raw = request.query.get(name)
    if raw is None:
        return default
    try:
        value = parse_int(raw)
    except ValueError:
        raise BadRequest(f"query parameter '{name}' must be an integer, got {raw!r}") from None
    if value < low or (high is not None and value > high):
        bounds = f">= {low}" if high is None else f"between {low} and {high}"
        raise BadRequest(f"query parameter '{name}' must be {bounds}, got {value}")
    return value
