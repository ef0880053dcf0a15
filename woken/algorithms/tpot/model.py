"""What `train` saves for `test`: the best pipeline, its label decoding, and the versions.

The pipeline goes into the shared model store (``model/model.joblib``) wrapped in
`TpotModel`. A TPOT pipeline only loads with the TPOT and scikit-learn that
pickled it, so the versions are also written beside it, in plain JSON
(``model/versions.json``), and `test` compares them *before* unpickling
anything: a mismatch is refused with a message that says so, rather than
failing somewhere inside the unpickler.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import sklearn
from sklearn.preprocessing import LabelEncoder

from woken.algorithms.common.errors import NoTrainedModel
from woken.algorithms.common.model_store import model_path
from woken.algorithms.common.volume import read_json, write_json_atomically

VERSIONS_FILE = "versions.json"
# The libraries a pickled pipeline depends on: any difference and `test` refuses the model.
PINNED = ("tpot", "scikit-learn")


def library_versions() -> dict[str, str]:
    """The versions this process runs: those that must match, then the others worth reporting."""
    return {
        "tpot": metadata.version("tpot"),
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }


@dataclass(frozen=True)
class TpotModel:
    """The estimator the shared store saves: TPOT's best pipeline, predicting decoded labels."""

    pipeline: Any
    # For a classification: the class labels, whose indices the pipeline was trained on.
    label_encoder: LabelEncoder | None
    text: str
    # What the search tried and how it was set up, reported by train and compute.
    search: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=library_versions)

    @property
    def classes(self) -> list[str] | None:
        if self.label_encoder is None:
            return None
        return [str(c) for c in self.label_encoder.classes_]

    def predict(self, X: npt.NDArray[np.float64]) -> npt.NDArray[Any]:
        """Predictions as the target's own values: class codes, or numbers for a regression."""
        predicted = np.asarray(self.pipeline.predict(X))
        if self.label_encoder is None:
            return predicted.astype(np.float64)
        # The pipeline predicts class indices (TPOT 1.1 trains on them): decode.
        return np.asarray(self.label_encoder.inverse_transform(predicted.astype(np.int64)))


def versions_path(volume: Path) -> Path:
    return model_path(volume).parent / VERSIONS_FILE


def write_versions(volume: Path, versions: dict[str, str]) -> Path:
    path = versions_path(volume)
    write_json_atomically(path, versions)
    return path


def check_versions(volume: Path) -> None:
    """Refuse a model saved by another TPOT or scikit-learn, before unpickling it.

    No model at all is left to the shared store, whose message every algorithm shares.
    """
    if not model_path(volume).is_file():
        return
    path = versions_path(volume)
    if not path.is_file():
        raise NoTrainedModel(
            f"the model in {path.parent} has no {VERSIONS_FILE}: it was not saved by this "
            "tpot train; run train again"
        )
    saved = read_json(path)
    current = library_versions()
    if not isinstance(saved, dict):
        raise NoTrainedModel(f"{path} is not a JSON object of versions: run train again")
    check_same(saved, current, str(path.parent))


def check_same(saved: dict[str, Any], current: dict[str, str], where: str) -> None:
    different = [name for name in PINNED if str(saved.get(name)) != current[name]]
    if different:
        trained = ", ".join(f"{name} {saved.get(name)}" for name in different)
        here = ", ".join(f"{name} {current[name]}" for name in different)
        raise NoTrainedModel(
            f"the model in {where} was trained with {trained}; this image has {here}: a "
            "pipeline only loads with the versions that trained it, run train again"
        )
