"""The layout of a job's volume: the one contract between Woken and an algorithm.

Woken creates one directory per job (or per train/test pair), named by a fresh
UUID, and the algorithm container sees it at ``$JOB_VOLUME`` (``/data`` inside
Docker). Woken writes the inputs; the algorithm writes its outputs::

    <volume>/
      job.json              Woken: the job (see below)
      data.json             Woken: the rows for `compute` and `train`
      test.json             Woken: the rows to predict for `test`
      folds.json            Woken: the fold of each row of data.json, for `cross_validate`
      model/                the algorithm: whatever `train` saves for `test`
      results/<command>.json  the algorithm: {"shape": ..., "data": ..., "error": ...}

``job.json``::

    {"job_id": "…uuid…", "algorithm": "knn",
     "variables": ["cognitive_task2"], "covariables": ["score_test1", "sex"], "grouping": [],
     "metadata": {"<code>": {"code", "label", "type", "enumerations": [{"code", "label"}], ...}},
     "parameters": {"k": "5"}}     # values as the request sent them: strings

``data.json`` and ``test.json`` hold rows as a database returns them::

    {"columns": ["cognitive_task2", "score_test1", "sex"], "rows": [[1.5, 0.2, "M"], ...]}

Nominal values are their enumeration codes (strings); numbers are JSON numbers;
rows with a missing value in any selected column are not selected.

Commands: ``compute`` (the algorithm on data.json), ``train`` (fit on data.json,
save in model/), ``test`` (predict test.json with the saved model) and, for the
predictive algorithms whose manifest lists it, ``cross_validate``: every fold of
a k-fold validation and the final model in one job over one volume (data.json
holds all rows once, folds.json the fold of each row; see
`woken.algorithms.common.cross_validation`). Woken runs one train/test pair per
fold instead for algorithms without it (legacy images, AutoML) or when its
setting ``strict_isolation`` is on.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from woken.algorithms.common import json_text

VOLUME_ENV = "JOB_VOLUME"
DEFAULT_VOLUME = "/data"

JOB_FILE = "job.json"
DATA_FILE = "data.json"
TEST_DATA_FILE = "test.json"
FOLDS_FILE = "folds.json"
MODEL_DIR = "model"
RESULTS_DIR = "results"

COMMANDS = ("compute", "train", "test", "cross_validate")


def volume_from_env() -> Path:
    """The volume this process works in: ``$JOB_VOLUME``, else Docker's mount point."""
    return Path(os.environ.get(VOLUME_ENV, DEFAULT_VOLUME))


def result_path(volume: Path, command: str) -> Path:
    return volume / RESULTS_DIR / f"{command}.json"


def write_json_atomically(path: Path, document: Any) -> None:
    """Write JSON so that a reader sees the whole file or none of it (write, then rename)."""
    write_atomically(path, json_text.dumps(document))


def write_atomically(path: Path, content: bytes) -> None:
    """Write ``content`` so that a reader sees the whole file or none of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_json(path: Path) -> Any:
    return json_text.loads(path.read_bytes())
