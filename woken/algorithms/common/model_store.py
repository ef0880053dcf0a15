"""What `train` leaves in ``model/`` for `test`: the fitted estimator and how to encode rows.

The model is written by the standard library's C pickler (protocol 5), which
`joblib.load` reads as it reads its own files (what a downloaded model is loaded
with); joblib's own writer goes through the pure-Python pickler and cost a small
job more than its fit. A model written by joblib (an older Woken) still loads.
Pickles are code: `test` only ever loads what `train` of the same image wrote in the same
job's volume, which Woken creates and no user writes into.
"""

from __future__ import annotations

import io
import os
import pickle
import platform
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import sklearn

from woken.algorithms.common.encoding import FeatureEncoder
from woken.algorithms.common.errors import NoTrainedModel
from woken.algorithms.common.variables import Variable
from woken.algorithms.common.volume import MODEL_DIR, write_json_atomically

MODEL_FILE = "model.joblib"
PICKLE_PROTOCOL = 5
# What only a file written by joblib's own pickler holds (its wrapper of numpy arrays).
JOBLIB_MARK = b"joblib.numpy_pickle"
# Beside the model: the libraries that wrote it, readable without loading the pickle.
VERSIONS_FILE = "versions.json"


@dataclass(frozen=True)
class TrainedModel:
    """What `train` saves for `test`: the fitted estimator, its encoder and its target."""

    algorithm: str
    estimator: Any
    encoder: FeatureEncoder
    target: Variable
    # A pickle is only safe to load with the scikit-learn that wrote it.
    sklearn_version: str = sklearn.__version__


def model_path(volume: Path) -> Path:
    return volume / MODEL_DIR / MODEL_FILE


def save_model(volume: Path, model: TrainedModel) -> Path:
    """Save atomically: a `test` racing a `train` sees the old model or the new, never half."""
    path = model_path(volume)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            pickle.dump(model, out, protocol=PICKLE_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    write_json_atomically(path.parent / VERSIONS_FILE, library_versions())
    return path


def library_versions() -> dict[str, str]:
    import numpy

    return {"python": platform.python_version(), "scikit-learn": sklearn.__version__,
            "numpy": numpy.__version__, "joblib": joblib.__version__}


def load_model(volume: Path) -> TrainedModel:
    path = model_path(volume)
    if not path.is_file():
        raise NoTrainedModel(f"no trained model in {path.parent}: run train first")
    content = path.read_bytes()
    # Loaded by the C unpickler unless joblib's own writer made it (an older Woken).
    model = joblib.load(io.BytesIO(content)) if JOBLIB_MARK in content else pickle.loads(content)
    if not isinstance(model, TrainedModel):
        raise NoTrainedModel(f"{path} does not hold a model saved by train")
    if model.sklearn_version != sklearn.__version__:
        raise NoTrainedModel(
            f"the model in {path} was trained with scikit-learn {model.sklearn_version}, "
            f"this image has {sklearn.__version__}: run train again"
        )
    return model
