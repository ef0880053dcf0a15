"""The search's scorers, computed from predictions already made (greater is better).

The candidates are scored from their out-of-fold predictions (see `candidates`), so
that a blend of candidates (see `selection`) is scored without fitting anything
again. A classifier's predictions are class probabilities, one column per class index;
a regressor's are numbers. The names are scikit-learn's scorer names, as TPOT takes them.

The selection scores hundreds of blends on every internal fold (`selection.scorings`),
within the search's budget: the scorers it uses most (accuracy, the log loss, the
regression errors and R-squared) are computed here with numpy, about a hundred times
faster than scikit-learn's functions with their input checks (1-3 ms a call, seconds
of a 20 s budget); the unit tests check them against scikit-learn's scorers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.metrics import balanced_accuracy_score, f1_score, roc_auc_score

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


def _true_class(y: npt.NDArray[Any], probabilities: Predictions) -> Predictions:
    """Each row's probability of its true class (clipped and normalised as in scikit-learn)."""
    clipped = np.clip(probabilities, 1e-15, 1.0)
    rows = np.arange(len(y))
    return np.asarray(clipped[rows, np.asarray(y, dtype=np.intp)] / clipped.sum(axis=1))


def _neg_log_loss(y: npt.NDArray[Any], probabilities: Predictions) -> float:
    return float(np.log(_true_class(y, probabilities)).mean())


def _accuracy(y: npt.NDArray[Any], probabilities: Predictions) -> float:
    return float(np.mean(_labels(probabilities) == np.asarray(y, dtype=np.intp)))


def _errors(y: npt.NDArray[Any], predictions: Predictions) -> Predictions:
    return np.asarray(y, dtype=np.float64) - np.ravel(predictions)


def _explained(residual_square: float, total_square: float) -> float:
    """1 - residual / total, with scikit-learn's answer for constant truth: 1 if exact, else 0."""
    if total_square == 0.0:
        return 1.0 if residual_square == 0.0 else 0.0
    return 1.0 - residual_square / total_square


def _r2(y: npt.NDArray[Any], predictions: Predictions) -> float:
    truth = np.asarray(y, dtype=np.float64)
    return _explained(float(np.sum(_errors(y, predictions) ** 2)),
                      float(np.sum((truth - truth.mean()) ** 2)))


def _explained_variance(y: npt.NDArray[Any], predictions: Predictions) -> float:
    return _explained(float(np.var(_errors(y, predictions))),
                      float(np.var(np.asarray(y, dtype=np.float64))))


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
    true = _true_class(y, probabilities)[:, np.newaxis]
    smoothing = np.asarray(SMOOTHINGS)[np.newaxis, :]
    mixed = np.clip((1.0 - smoothing) * true + smoothing / classes, 1e-15, 1.0)
    return float(np.log(mixed).mean(axis=0).max())


METRICS: dict[str, Metric] = {
    "accuracy": _accuracy,
    "balanced_accuracy": lambda y, p: float(balanced_accuracy_score(y, _labels(p))),
    "f1_weighted": lambda y, p: float(f1_score(y, _labels(p), average="weighted")),
    "roc_auc_ovr": _roc_auc,
    "neg_log_loss": _neg_log_loss,
    "r2": _r2,
    "neg_mean_squared_error": lambda y, p: -float(np.mean(_errors(y, p) ** 2)),
    "neg_root_mean_squared_error": lambda y, p: -float(np.sqrt(np.mean(_errors(y, p) ** 2))),
    "neg_mean_absolute_error": lambda y, p: -float(np.mean(np.abs(_errors(y, p)))),
    "explained_variance": _explained_variance,
}


# Scorers that only rank the candidates (`selection.RANKING`), not scikit-learn's.
RANKING_METRICS: dict[str, Metric] = {"neg_smoothed_log_loss": _neg_smoothed_log_loss}


def score(scoring: str, y: npt.NDArray[Any], predictions: Predictions) -> float:
    """The scorer ``scoring`` of ``predictions`` against the truth ``y``."""
    metric = METRICS[scoring] if scoring in METRICS else RANKING_METRICS[scoring]
    return metric(y, predictions)
