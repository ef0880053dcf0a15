"""A request body from bytes to JSON: every way a body can be malformed is a BadRequest.

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

from woken._guards.plain_text import check_strings
from woken.errors import BadRequest
from woken.planning.limits import RequestLimits, over_limit

# A JSON string, removed before brackets are counted: a bracket inside one does not nest.
_STRINGS = re.compile(rb'"(?:[^"\\]+|\\.)*"', re.DOTALL)
# Every byte but the four brackets, deleted by bytes.translate.
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
# A bracket's step in depth: +1 opening, -1 closing.
_STEP = np.zeros(256, dtype=np.int64)
_STEP[list(b"[{")] = 1
_STEP[list(b"]}")] = -1


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
