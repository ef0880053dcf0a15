"""The ``score`` step: a model's scores at a site, from counts only.

The site keeps its rows and its predictions. Regression: n, the sums of squared and
absolute errors, Σy and Σy². Classification: the confusion matrix.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from woken.algorithms.common.errors import InputError
from woken.algorithms.federatedStep import linear_regression, logistic_regression, naive_bayes
from woken.algorithms.federatedStep.local_data import LocalData
from woken.algorithms.federatedStep.sums import Aggregates, Policy

SCORE = "score"

Predict = Callable[[dict[str, Any], LocalData, dict[str, Any]], np.ndarray]
# Each predictive algorithm: its problem and its predictions at a site.
PREDICTORS: dict[str, tuple[str, Predict]] = {
    "linearRegression": ("regression", linear_regression.predict),
    "logisticRegression": ("classification", logistic_regression.predict),
    "naiveBayes": ("classification", naive_bayes.predict),
}


def local_score(data: LocalData, params: dict[str, Any], _policy: Policy) -> Aggregates:
    if params.get("algorithm") not in PREDICTORS:
        raise InputError(f"algorithm {params.get('algorithm')!r} does not predict here")
    problem, predict = PREDICTORS[params["algorithm"]]
    predicted = predict(params["model"], data, params)
    target = params["variables"][0]
    truth = data.columns[target]
    if problem == "regression":
        errors = truth - predicted
        return {"n": len(truth), "sse": float(errors @ errors),
                "sae": float(np.abs(errors).sum()), "sy": float(truth.sum()),
                "syy": float(truth @ truth)}
    labels, truth_index = data.indicator(target)
    position = {label: i for i, label in enumerate(labels)}
    predicted_index = np.fromiter((position[p] for p in predicted), dtype=np.int64,
                                  count=len(predicted))
    confusion = np.zeros((len(labels), len(labels)), dtype=np.int64)
    np.add.at(confusion, (truth_index, predicted_index), 1)
    return {"labels": labels, "confusion": confusion.tolist()}
