"""The MIP's sample package as shipped, and the 2019 Woken's answers to compare ours with.

See ``tests/fixtures/README.md``: the package is in the MIP's older Table Schema
style; the answers are the original Woken's, as its integration suite stored them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parents[1] / "fixtures"
PACKAGE = FIXTURES / "mip-sample-2019"
ANSWERS_2019 = FIXTURES / "woken2019"


def reference(name: str) -> dict[str, Any]:
    answer: dict[str, Any] = json.loads((ANSWERS_2019 / name).read_text())
    return answer


def same_structure(ours: Any, theirs: Any, where: str = "answer") -> None:
    """Every key 2019 answered is in ours, with a value of the same JSON kind, recursively."""
    if isinstance(theirs, dict):
        assert isinstance(ours, dict), where
        missing = set(theirs) - set(ours)
        assert not missing, f"{where}: missing {sorted(missing)}"
        for key, value in theirs.items():
            same_structure(ours[key], value, f"{where}.{key}")
    elif isinstance(theirs, list):
        assert isinstance(ours, list), where
        for position, item in enumerate(ours if theirs else []):
            assert any(_alike(item, example) for example in theirs), (
                f"{where}[{position}]: {item!r} is like no entry of 2019's")
    else:
        assert isinstance(ours, type(theirs)), f"{where}: {ours!r} is not like {theirs!r}"


def _alike(ours: Any, theirs: Any) -> bool:
    try:
        same_structure(ours, theirs)
    except AssertionError:
        return False
    return True
