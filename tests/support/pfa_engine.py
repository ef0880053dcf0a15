"""titus2, an independent PFA engine, as the tests call it: its own virtualenv, a subprocess.

`titus_python` creates the virtualenv once (scripts/titus_venv.sh, cached in
.venv-titus); `score` runs a PFA document on rows there and returns its outputs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.side_venv import run_json, venv_python

SCORER = Path(__file__).with_name("titus_score.py")


def titus_python() -> Path:
    """The titus2 virtualenv's Python, installed on first use."""
    return venv_python("titus_venv.sh", ".venv-titus")


def score(document: dict[str, Any], rows: list[dict[str, Any]]) -> list[Any]:
    """titus2's output for each row (input records), in order."""
    answer = run_json(titus_python(), SCORER, {"document": document, "rows": rows},
                      "titus2 refused the document")
    return list(answer["outputs"])
