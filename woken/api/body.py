"""The one body reader of the handlers: a request body from bytes to JSON.

:func:`read_json_body` (and :func:`read_body` for other media types) reads a body
within the size limit; :func:`decode_json` turns it into JSON, where every way a
body can be malformed is a BadRequest.

Decoding happens in steps, each bounded by the size it has already checked:
the UTF-8 text, its nesting depth (counted without recursion, before the decoder
recurses: a body nested 1,000 deep would otherwise raise RecursionError), the
JSON (no NaN or Infinity, which no database stores as JSON), and every string in
it (no NUL, which PostgreSQL refuses in text and SQLite's LIKE takes as the end
of a pattern; no lone surrogate, which is not UTF-8).
"""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np
from aiohttp import web

from woken._guards.plain_text import check_strings
from woken.api.keys import CONFIG
from woken.errors import BadRequest, UnsupportedMediaType
from woken.planning.limits import (
    RequestLimits,
    body_too_large,
    check_body_counts,
    check_body_size,
    over_limit,
)

JSON = "application/json"

# A JSON string, removed before brackets are counted: a bracket inside one does not nest.
_STRINGS = re.compile(rb'"(?:[^"\\]+|\\.)*"', re.DOTALL)
# Every byte but the four brackets, deleted by bytes.translate.
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
# A bracket's step in depth: +1 opening, -1 closing.
_STEP = np.zeros(256, dtype=np.int64)
_STEP[list(b"[{")] = 1
_STEP[list(b"]}")] = -1


async def read_json_body(request: web.Request) -> Any:
    """The body as JSON, read only when it says it is JSON and within the size limit.

    The media type is checked first: a web page can make a browser post
    ``text/plain`` to a loopback service without asking, but not ``application/json``.
    """
    if request.content_type != JSON:
        raise UnsupportedMediaType(
            f"the request body must be JSON with Content-Type: {JSON}, "
            f"not {request.content_type or 'none'}"
        )
    limits = request.app[CONFIG].limits
    document = decode_json(await read_body(request), limits)
    check_body_counts(document, limits)
    return document


async def read_body(request: web.Request) -> bytes:
    """The body's bytes, refused (413) past the size limit before or while it is read."""
    limits = request.app[CONFIG].limits
    if request.content_length is not None:
        check_body_size(request.content_length, limits)
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:  # a chunked body that grew past client_max_size
        raise body_too_large(limits) from None
    check_body_size(len(body), limits)
    return body


def decode_json(body: bytes, limits: RequestLimits) -> Any:
    """The JSON value of ``body``; BadRequest naming the problem otherwise."""
    check_depth(body, limits.max_json_depth)
    try:
        text = body.decode("utf-8")
        document = json.loads(text, parse_constant=_refuse_constant)
    except UnicodeDecodeError as error:
        raise BadRequest(f"the request body is not UTF-8: {error.reason} "
                         f"at byte {error.start}") from None
    except RecursionError:  # only if max_json_depth is set above the interpreter's limit
        raise over_limit("JSON nested too deep", limits.max_json_depth + 1,
                         "max_json_depth", limits.max_json_depth) from None
    except ValueError as error:
        # JSONDecodeError, a constant refused, or an integer over Python's digit limit.
        raise BadRequest(f"the request body is not valid JSON: {error}") from None
    check_strings(document)
    return document


def check_depth(body: bytes, max_depth: int) -> None:
    """The deepest nesting of ``body``, in C loops: linear in the body and never recursive."""
    brackets = _STRINGS.sub(b"", body).translate(None, _NOT_BRACKETS)
    if not brackets:
        return
    depth = int(np.cumsum(_STEP[np.frombuffer(brackets, dtype=np.uint8)]).max())
    if depth > max_depth:
        raise over_limit("JSON nested too deep", depth, "max_json_depth", max_depth)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")
