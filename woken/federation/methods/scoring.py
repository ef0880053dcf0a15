"""Scores from the sites' counts (their ``score`` step: woken.algorithms.federatedStep.scoring).

Regression: n, the sums of squared and absolute errors, Σy and Σy². Classification:
the confusion matrix. The central adds them over sites (and folds) and computes the
metrics as the pooled rows would give them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from woken.federation.methods.base import Aggregates, total


def scores_of(problem: str, answers: Sequence[Aggregates]) -> dict[str, Any]:
    """The metrics of summed score counts (regression or classification)."""
    if problem == "regression":
        n = float(total(answers, "n"))
        sse, sae = float(total(answers, "sse")), float(total(answers, "sae"))
        sy, syy = float(total(answers, "sy")), float(total(answers, "syy"))
        sst = syy - sy * sy / n
        return {"n": int(n), "MSE": sse / n, "RMSE": math.sqrt(sse / n), "MAE": sae / n,
                "R-squared": 1 - sse / sst if sst > 0 else math.nan}
    confusion = total(answers, "confusion")
    n = confusion.sum()
    support = confusion.sum(axis=1)
    predicted = confusion.sum(axis=0)
    hits = np.diag(confusion)
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(predicted > 0, hits / predicted, 0.0)
        recall = np.where(support > 0, hits / support, 0.0)
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    weights = support / n
    return {"n": int(n), "Accuracy": float(hits.sum() / n),
            "Weighted precision": float(weights @ precision),
            "Weighted recall": float(weights @ recall),
            "Weighted F1-score": float(weights @ f1),
            "labels": answers[0]["labels"], "Confusion matrix": confusion.astype(int).tolist()}
