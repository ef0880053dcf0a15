"""A reference library the tests check against, in its own virtualenv (it needs numpy < 2).

`venv_python` builds the virtualenv once with its script under scripts/ (cached in the
repository); `run_json` runs a helper script there, a JSON document in and one out.
"""

from __future__ import annotations

import functools
import json
import subprocess
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
INSTALL_TIMEOUT_S = 900
RUN_TIMEOUT_S = 300


@functools.cache
def venv_python(script: str, directory: str) -> Path:
    """The Python of the virtualenv ``scripts/<script>`` builds in ``<directory>``."""
    done = subprocess.run([str(REPO_ROOT / "scripts" / script), str(REPO_ROOT / directory)],
                          capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S,
                          check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{script} failed:\n{done.stderr[-3000:]}")
    return Path(done.stdout.strip().splitlines()[-1])


def run_json(python: Path, helper: Path, document: Any, what: str) -> Any:
    """``helper``'s JSON answer to ``document`` (on its stdin); its failure is ``what``'s."""
    done = subprocess.run([str(python), str(helper)], input=json.dumps(document),
                          capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False)
    if done.returncode != 0:
        raise AssertionError(f"{what}:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)
