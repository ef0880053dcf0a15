"""Numbers as a request writes them: decimal ASCII only, nothing Python would also accept.

Python's ``int()`` and ``float()`` are lenient in ways that change a request's
meaning: ``int("3_0")`` is 30, ``int("٣")`` (an Arabic-Indic digit) is 3, and
``float("1_0.5")`` is 10.5. A request must say what it means in plain digits.
"""

from __future__ import annotations

import re

# re.ASCII: `\d` would match every Unicode digit; spelt [0-9] to be plain anyway.
_INTEGER = re.compile(r"[+-]?[0-9]+", re.ASCII)
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
# Far beyond any parameter, far below Python's 4,300-digit conversion limit.
MAX_DIGITS = 30


def parse_int(text: str) -> int:
    """``text`` (surrounding ASCII spaces allowed) as an int; ValueError unless plain digits."""
    stripped = text.strip(" \t")
    if _INTEGER.fullmatch(stripped) is None or len(stripped) > MAX_DIGITS:
        raise ValueError(f"not a decimal integer: {text!r}")
    return int(stripped)


def parse_number(text: str) -> float:
    """``text`` as a float; ValueError unless decimal ASCII (no nan, inf, underscores)."""
    stripped = text.strip(" \t")
    if _NUMBER.fullmatch(stripped) is None:
        raise ValueError(f"not a decimal number: {text!r}")
    return float(stripped)
