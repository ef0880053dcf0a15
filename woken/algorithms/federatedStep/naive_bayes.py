"""naiveBayes' local step, and its predictions.

The step: class counts, per-class moments and per-class category counts. A class under
the site's cell threshold leaves as null.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from woken.algorithms.federatedStep.local_data import LocalData
from woken.algorithms.federatedStep.sums import Aggregates, Policy, masked, moments

STEP = "naiveBayes.fit"


def local_fit(data: LocalData, params: dict[str, Any], policy: Policy) -> Aggregates:
    classes, index = data.indicator(params["variables"][0])
    counts = [masked(int(c), policy) for c in np.bincount(index, minlength=len(classes))]
    numeric: dict[str, Any] = {}
    nominal: dict[str, Any] = {}
    for code in params["covariables"]:
        if data.metas[code].is_numeric:
            values = data.columns[code]
            numeric[code] = [moments(values[index == k]) for k in range(len(classes))]
        else:
            levels, level_index = data.indicator(code)
            nominal[code] = {"levels": levels, "counts": [
                np.bincount(level_index[index == k], minlength=len(levels)).tolist()
                for k in range(len(classes))]}
    return {"classes": classes, "class_counts": counts, "numeric": numeric,
            "nominal": nominal}


def predict(model: dict[str, Any], data: LocalData, _params: dict[str, Any]) -> np.ndarray:
    log_posterior = np.tile(np.log(np.asarray(model["priors"])), (data.n, 1))
    for code, means in model["means"].items():
        mean, var = np.asarray(means), np.asarray(model["variances"][code])
        x = data.columns[code][:, None]
        log_posterior += -0.5 * (np.log(2 * math.pi * var) + (x - mean) ** 2 / var)
    for code, table in model["categorical"].items():
        _, index = data.indicator(code)
        log_posterior += np.log(np.asarray(table["probabilities"]))[:, index].T
    return np.asarray(model["classes"], dtype=object)[log_posterior.argmax(axis=1)]
