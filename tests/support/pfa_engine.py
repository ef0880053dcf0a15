"""titus2, an independent PFA engine, as the tests call it: its own virtualenv, a subprocess.

`titus_python` creates the virtualenv once (scripts/titus_venv.sh, cached in
.venv-titus); `score` runs a PFA document on rows there and returns its outputs.
"""

from __future__ import annotations

import functools
import json
import subprocess
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "scripts" / "titus_venv.sh"
SCORER = Path(__file__).with_name("titus_score.py")
INSTALL_TIMEOUT_S = 900
SCORE_TIMEOUT_S = 300


@functools.cache
def titus_python() -> Path:
    """The titus2 virtualenv's Python, installed on first use."""
    done = subprocess.run([str(SCRIPT), str(REPO_ROOT / ".venv-titus")], capture_output=True,
                          text=True, timeout=INSTALL_TIMEOUT_S, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"installing titus2 failed:\n{done.stderr[-3000:]}")
    return Path(done.stdout.strip().splitlines()[-1])


def score(document: dict[str, Any], rows: list[dict[str, Any]]) -> list[Any]:
    """titus2's output for each row (input records), in order."""
    done = subprocess.run([str(titus_python()), str(SCORER)],
                          input=json.dumps({"document": document, "rows": rows}),
                          capture_output=True, text=True, timeout=SCORE_TIMEOUT_S, check=False)
    if done.returncode != 0:
        raise AssertionError(f"titus2 refused the document:\n{done.stderr[-3000:]}")
    return list(json.loads(done.stdout)["outputs"])
