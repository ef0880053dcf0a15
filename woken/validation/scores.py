"""Score objects: truth and predictions turned into what the portal shows (contract §5).

Every function here is pure and returns plain JSON-safe values: Python
``int``/``float``/``str``/``None``, never numpy scalars, never NaN or infinity.

Conventions, chosen once for every score:

- **Undefined regression metrics are ``None``.** R-squared and explained
  variance divide by the variance of the truth; with fewer than two rows or a
  constant truth they are undefined (scikit-learn would return NaN, or 0/1 with
  ``force_finite``), and a made-up number would mislead a ranking. A metric too
  large for a float (overflow) is also ``None``.
- **Classification ratios with a zero denominator are 0.0** (scikit-learn's
  ``zero_division=0``): e.g. the precision of a class that is never predicted.
- **Confusion matrix**: rows are the truth, columns the prediction, both in the
  order of ``labels`` (scikit-learn's layout). ``labels`` are all the target's
  enumeration codes in metadata order, so a class absent from a fold, or never
  predicted, still has its row and column of zeros.
- **Binary or polynomial** is decided by the metadata, not by the data: exactly
  two labels give a ``BinaryClassificationScore``, any other count a
  ``PolynomialClassificationScore``.
- **The positive class** of a binary score is ``labels[0]``, the first code in
  metadata order (e.g. the first enumeration of a binominal variable), and is
  stated in the score as ``positive_class``. It is never the first of a sorted
  order, which would silently flip with the codes' spelling.
- **Weighted false positive rate**: per class c, FPR_c = FP_c / (FP_c + TN_c),
  where FP_c counts rows of another class predicted as c and TN_c rows of
  another class not predicted as c; the classes' FPRs are averaged weighted by
  their support (number of true rows), like the other weighted metrics.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

REGRESSION = "regression"
CLASSIFICATION = "classification"
PROBLEMS = (CLASSIFICATION, REGRESSION)

CONFUSION_MATRIX = "Confusion matrix"
# The scalar metrics of each kind of score, in the order a score holds them; the
# catalogue (`GET /mining/algorithms`) publishes these names.
REGRESSION_METRICS = ("MSE", "RMSE", "R-squared", "MAE", "Explained variance")
BINARY_METRICS = ("Accuracy", "Recall", "Precision", "F1-score", "False positive rate")
POLYNOMIAL_METRICS = (
    "Accuracy", "Weighted Recall", "Weighted Precision", "Weighted F1-score",
    "Weighted false positive rate",
)

# Keys of a score that are not scalar metrics (excluded from fold_mean/fold_std).
_NON_METRIC_KEYS = frozenset({"type", "positive_class", CONFUSION_MATRIX})


def primary_metric(problem: str) -> tuple[str, bool]:
    """The metric that ranks algorithms for ``problem`` and whether higher is better.

    Classification: ``Accuracy``. Regression: ``R-squared`` (higher is better)
    rather than RMSE, because it is unit-free: it reads the same whatever the
    target's unit, and 0 means "no better than predicting the mean". Rank on
    the ``average`` (pooled) score; a ``None`` R-squared ranks last.
    """
    if problem == CLASSIFICATION:
        return "Accuracy", True
    if problem == REGRESSION:
        return "R-squared", True
    raise ValueError(f"unknown problem {problem!r}, expected one of {list(PROBLEMS)}")


def regression_score(y_true: Sequence[float], y_pred: Sequence[float]) -> dict[str, Any]:
    """``{"type": "RegressionScore", "MSE", "RMSE", "R-squared", "MAE", "Explained variance"}``.

    R-squared = 1 - SS_res / SS_tot; explained variance = 1 - Var(y - y_pred) / Var(y);
    both ``None`` when the truth has no variance (see the module's conventions).
    """
    truth = _numbers(y_true, "truth")
    predicted = _numbers(y_pred, "prediction")
    _check_lengths(truth, predicted)
    residuals = truth - predicted
    mse = float(np.mean(residuals**2))
    variance = float(np.var(truth))
    # A constant truth, tested exactly: np.var of equal floats can be a tiny non-zero.
    defined = bool(truth.max() > truth.min()) and variance > 0.0
    values = [
        _finite(mse),
        _finite(math.sqrt(mse)),
        _finite(1.0 - mse / variance) if defined else None,
        _finite(float(np.mean(np.abs(residuals)))),
        _finite(1.0 - float(np.var(residuals)) / variance) if defined else None,
    ]
    return {"type": "RegressionScore", **dict(zip(REGRESSION_METRICS, values, strict=True))}


def classification_score(
    y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str]
) -> dict[str, Any]:
    """A ``BinaryClassificationScore`` (two labels) or ``PolynomialClassificationScore``.

    Polynomial: ``{"type", "Confusion matrix": {"labels", "values"}, "Accuracy",
    "Weighted Recall", "Weighted Precision", "Weighted F1-score",
    "Weighted false positive rate"}``, weighted by class support.

    Binary: ``{"type", "positive_class", "Confusion matrix", "Accuracy", "Recall",
    "Precision", "F1-score", "False positive rate"}`` for ``positive_class = labels[0]``.

    Raises ``ValueError`` when the lengths differ, a value is not one of
    ``labels``, or ``labels`` is empty or repeats a code.
    """
    codes = list(labels)
    if not codes:
        raise ValueError("a classification score needs the target's labels, got none")
    if len(set(codes)) != len(codes):
        raise ValueError(f"labels repeat a code: {codes}")
    truth = _label_indices(y_true, codes, "truth")
    predicted = _label_indices(y_pred, codes, "prediction")
    _check_lengths(truth, predicted)
    matrix = np.zeros((len(codes), len(codes)), dtype=np.int64)
    np.add.at(matrix, (truth, predicted), 1)

    n = int(matrix.sum())
    tp = np.diag(matrix).astype(float)
    support = matrix.sum(axis=1).astype(float)
    predicted_count = matrix.sum(axis=0).astype(float)
    fp = predicted_count - tp
    fn = support - tp
    tn = n - tp - fp - fn
    recall = _ratio(tp, tp + fn)
    precision = _ratio(tp, tp + fp)
    f1 = _ratio(2 * tp, 2 * tp + fp + fn)
    fpr = _ratio(fp, fp + tn)
    confusion = {"labels": codes, "values": matrix.tolist()}
    accuracy = _finite(float(tp.sum()) / n)

    if len(codes) == 2:
        positive = [_finite(m[0]) for m in (recall, precision, f1, fpr)]
        return {
            "type": "BinaryClassificationScore",
            "positive_class": codes[0],
            CONFUSION_MATRIX: confusion,
            **dict(zip(BINARY_METRICS, [accuracy, *positive], strict=True)),
        }

    def weighted(per_class: np.ndarray) -> float | None:
        return _finite(float(np.dot(per_class, support)) / n)

    averaged = [weighted(m) for m in (recall, precision, f1, fpr)]
    return {
        "type": "PolynomialClassificationScore",
        CONFUSION_MATRIX: confusion,
        **dict(zip(POLYNOMIAL_METRICS, [accuracy, *averaged], strict=True)),
    }


def score(
    problem: str,
    y_true: Sequence[Any],
    y_pred: Sequence[Any],
    labels: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The score object of ``problem`` ("classification" needs ``labels``, "regression" not)."""
    if problem == REGRESSION:
        return regression_score(y_true, y_pred)
    if problem == CLASSIFICATION:
        if labels is None:
            raise ValueError("a classification score needs the target's labels")
        return classification_score(y_true, y_pred, labels)
    raise ValueError(f"unknown problem {problem!r}, expected one of {list(PROBLEMS)}")


def kfold_score(
    fold_truths: Sequence[Sequence[Any]],
    fold_predictions: Sequence[Sequence[Any]],
    problem: str,
    labels: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The ``KFoldCrossValidationScore`` of k folds' truths and predictions.

    ``{"type": "KFoldCrossValidationScore", "average", "average_method": "pooled",
    "folds": {"0": score, ...}, "fold_mean": {metric: float|None},
    "fold_std": {metric: float|None}}``

    - ``average`` is the score of all folds' predictions pooled together (the
      original's average, and the one to rank on): every row counts once,
      whatever its fold's size. Its confusion matrix is the sum of the folds'.
    - ``fold_mean`` / ``fold_std`` are the mean and population standard
      deviation (ddof=0) over folds of each scalar metric of the per-fold
      scores, over the folds where the metric is defined (``None`` if none):
      they show how much the score varies from fold to fold.
    """
    if len(fold_truths) != len(fold_predictions):
        raise ValueError(
            f"{len(fold_truths)} folds of truth but {len(fold_predictions)} folds of predictions"
        )
    if not fold_truths:
        raise ValueError("no folds to score")
    folds: dict[str, dict[str, Any]] = {}
    for index, (truth, predicted) in enumerate(zip(fold_truths, fold_predictions, strict=True)):
        try:
            folds[str(index)] = score(problem, truth, predicted, labels)
        except ValueError as error:
            raise ValueError(f"fold {index}: {error}") from error
    pooled_truth = [value for truth in fold_truths for value in truth]
    pooled_predictions = [value for predicted in fold_predictions for value in predicted]
    metrics = [key for key in folds["0"] if key not in _NON_METRIC_KEYS]
    fold_mean: dict[str, float | None] = {}
    fold_std: dict[str, float | None] = {}
    for metric in metrics:
        values = [s[metric] for s in folds.values() if s[metric] is not None]
        fold_mean[metric] = _finite(float(np.mean(values))) if values else None
        fold_std[metric] = _finite(float(np.std(values))) if values else None
    return {
        "type": "KFoldCrossValidationScore",
        "average": score(problem, pooled_truth, pooled_predictions, labels),
        "average_method": "pooled",
        "folds": folds,
        "fold_mean": fold_mean,
        "fold_std": fold_std,
    }


def _numbers(values: Sequence[Any], what: str) -> np.ndarray:
    """Floats from JSON-ish values; a missing or non-finite value is an error, not a NaN."""
    numbers = np.empty(len(values), dtype=float)
    for position, value in enumerate(values):
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{what} {position} is not a number: {value!r}") from None
        if not math.isfinite(number):
            raise ValueError(f"{what} {position} is not a finite number: {value!r}")
        numbers[position] = number
    return numbers


def _label_indices(values: Sequence[Any], codes: list[str], what: str) -> np.ndarray:
    index_of = {code: i for i, code in enumerate(codes)}
    indices = np.empty(len(values), dtype=np.int64)
    for position, value in enumerate(values):
        try:
            indices[position] = index_of[value]
        except (KeyError, TypeError):
            raise ValueError(
                f"{what} {position} is {value!r}, not one of the target's labels {codes}"
            ) from None
    return indices


def _check_lengths(truth: np.ndarray, predicted: np.ndarray) -> None:
    if truth.size != predicted.size:
        raise ValueError(f"{truth.size} true values but {predicted.size} predictions")
    if truth.size == 0:
        raise ValueError("no rows to score")


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """The ratio numerator / denominator, 0 where the denominator is 0 (zero_division=0)."""
    safe = np.where(denominator > 0, denominator, 1.0)
    return np.where(denominator > 0, numerator / safe, 0.0)


def _finite(value: float) -> float | None:
    """A plain float, or None when it is NaN or infinite (not representable in JSON)."""
    number = float(value)
    return number if math.isfinite(number) else None
