"""JSON text for the volume, woken-db and HTTP answers, encoded and decoded by orjson.

A job's result can carry a model of megabytes (a k-NN's PFA codebook holds every
training row): the same document is written by the job, read by Woken, stored and
answered. The standard library's encoder spent about 40 ms per megabyte each time,
orjson a tenth of it.

The same rules as the results had before (see `woken.algorithms.common.results`):
NaN and infinities are written as ``null``, keys that are not strings as their text,
tuples and numpy arrays and numbers as JSON arrays and numbers.
"""

from __future__ import annotations

from typing import Any

import orjson

_OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS

# What a value that cannot be JSON raises (a subclass of TypeError).
EncodeError = orjson.JSONEncodeError
# What text that is not JSON raises (a subclass of ValueError, as json's own error).
DecodeError = orjson.JSONDecodeError


def dumps(document: Any) -> bytes:
    """``document`` as compact UTF-8 JSON."""
    return orjson.dumps(document, option=_OPTIONS)


def dumps_text(document: Any) -> str:
    """``document`` as compact JSON text (for APIs that take a ``str``)."""
    return dumps(document).decode("utf-8")


def loads(text: bytes | str) -> Any:
    return orjson.loads(text)
