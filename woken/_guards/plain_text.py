"""Text a database can store and compare: no NUL, nothing that is not valid Unicode.

PostgreSQL refuses a NUL in text (and in JSON); SQLite keeps it but ends a LIKE
pattern there; a lone surrogate (U+D800 to U+DFFF, which JSON can write as an
escape) is not UTF-8, so no driver can send it. Both are refused where text
enters: the request body, and a filter given as JSON text inside it.
"""

from __future__ import annotations

import json
from typing import Any

from woken.errors import BadRequest


def check_strings(document: Any) -> None:
    """Every string of a decoded JSON ``document`` (keys included) passes :func:`check_text`.

    Iterative: the document may be as deep as the JSON decoder allowed.
    """
    pending = [document]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                check_text(key)
                pending.append(item)
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, str):
            check_text(value)


def check_text(text: str) -> None:
    if "\x00" in text:
        raise BadRequest(f"a NUL character (\\u0000) is not accepted in a request: {_shown(text)}")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise BadRequest(f"a lone surrogate is not accepted in a request: {_shown(text)}") from None


def _shown(text: str) -> str:
    shown = json.dumps(text[:60])
    return shown if len(text) <= 60 else shown[:-1] + '…"'
