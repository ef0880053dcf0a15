"""The search's scorers, computed from predictions already made (greater is better).

The candidates are scored from their out-of-fold predictions (see `candidates`), so
that a blend of candidates (see `selection`) is scored without fitting anything
again. A classifier's predictions are class probabilities, one column per class index;
a regressor's are numbers. The names are scikit-learn's scorer names, as TPOT takes them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    explained_variance_score,
    f1_score,
    log_loss,
    mean_absolute_error,
    mean_squared_error,
    r2_score,
    roc_auc_score,
    root_mean_squared_error,
)

Predictions = npt.NDArray[np.float64]
Metric = Callable[[npt.NDArray[Any], Predictions], float]


def _labels(probabilities: Predictions) -> npt.NDArray[np.int64]:
    return np.asarray(probabilities.argmax(axis=1), dtype=np.int64)


def _roc_auc(y: npt.NDArray[Any], probabilities: Predictions) -> float:
    classes = probabilities.shape[1]
    # Normalised rows: a fold's rows may miss a class; scikit-learn wants scores summing to 1.
    rows = probabilities / np.clip(probabilities.sum(axis=1, keepdims=True), 1e-12, None)
    if classes == 2:
        return float(roc_auc_score(y, rows[:, 1]))
    return float(roc_auc_score(y, rows, multi_class="ovr", labels=np.arange(classes)))


def _neg_log_loss(y: npt.NDArray[Any], probabilities: Predictions) -> float:
    return -float(log_loss(y, np.clip(probabilities, 1e-15, 1.0),
                           labels=np.arange(probabilities.shape[1])))


# The smoothings tried by `_neg_smoothed_log_loss` (the share of the uniform distribution).
SMOOTHINGS = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3)


def _neg_smoothed_log_loss(y: npt.NDArray[Any], probabilities: Predictions) -> float:
    """The log loss after the additive smoothing that suits these predictions best.

    A k-nearest-neighbours vote says 0 for a class none of the k neighbours has, and one
    such row costs as much as dozens of wrong guesses: its log loss ranks it last however
    well it sorts the rows. Mixed with a little of the uniform distribution (which does not
    change a single model's answers), every candidate is judged by how well its
    probabilities order the rows, not by how it rounds them.
    """
    classes = probabilities.shape[1]
    return max(_neg_log_loss(y, (1.0 - e) * probabilities + e / classes) for e in SMOOTHINGS)


METRICS: dict[str, Metric] = {
    "accuracy": lambda y, p: float(accuracy_score(y, _labels(p))),
    "balanced_accuracy": lambda y, p: float(balanced_accuracy_score(y, _labels(p))),
    "f1_weighted": lambda y, p: float(f1_score(y, _labels(p), average="weighted")),
    "roc_auc_ovr": _roc_auc,
    "neg_log_loss": _neg_log_loss,
    "r2": lambda y, p: float(r2_score(y, p)),
    "neg_mean_squared_error": lambda y, p: -float(mean_squared_error(y, p)),
    "neg_root_mean_squared_error": lambda y, p: -float(root_mean_squared_error(y, p)),
    "neg_mean_absolute_error": lambda y, p: -float(mean_absolute_error(y, p)),
    "explained_variance": lambda y, p: float(explained_variance_score(y, p)),
}


# Scorers that only rank the candidates (`selection.RANKING`), not scikit-learn's.
RANKING_METRICS: dict[str, Metric] = {"neg_smoothed_log_loss": _neg_smoothed_log_loss}


def score(scoring: str, y: npt.NDArray[Any], predictions: Predictions) -> float:
    """The scorer ``scoring`` of ``predictions`` against the truth ``y``."""
    return METRICS[scoring](y, predictions) if scoring in METRICS else RANKING_METRICS[scoring](
        y, predictions)
