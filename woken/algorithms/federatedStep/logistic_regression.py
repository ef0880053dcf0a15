"""logisticRegression's local step, and its predictions.

The step: the gradient, Hessian and log-likelihood at the central's coefficients.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from woken.algorithms.common.errors import InputError
from woken.algorithms.federatedStep.local_data import LocalData
from woken.algorithms.federatedStep.sums import Aggregates, Policy, as_json

STEP = "logisticRegression.newton"


def positive_class(data: LocalData, params: dict[str, Any]) -> tuple[list[str], str]:
    target = params["variables"][0]
    levels = data.levels(target)
    chosen = params["parameters"].get("positive_class")
    if chosen is None:
        if len(levels) != 2:
            raise InputError(f"logisticRegression: '{target}' has {len(levels)} categories; "
                             "give the parameter positive_class")
        chosen = levels[1]
    if chosen not in levels:
        raise InputError(f"logisticRegression: positive_class {chosen!r} is not a category "
                         f"of '{target}'")
    return levels, str(chosen)


def _xy(data: LocalData, params: dict[str, Any]) -> tuple[list[str], np.ndarray, np.ndarray]:
    _, positive = positive_class(data, params)
    names, x = data.design(params["covariables"])
    y = (data.columns[params["variables"][0]] == positive).astype(np.float64)
    return names, x, y


def local_newton(data: LocalData, params: dict[str, Any], _policy: Policy) -> Aggregates:
    names, x, y = _xy(data, params)
    beta = np.asarray(params["coefficients"], dtype=np.float64) if params.get(
        "coefficients") is not None else np.zeros(len(names))
    eta = x @ beta
    p = 1 / (1 + np.exp(-eta))
    # log(1 + e^eta) without overflow.
    loglik = float((y * eta - np.logaddexp(0, eta)).sum())
    w = p * (1 - p)
    return {"names": names, "n": len(y), "gradient": as_json(x.T @ (y - p)),
            "hessian": as_json((x * w[:, None]).T @ x), "loglik": loglik}


def predict(model: dict[str, Any], data: LocalData, params: dict[str, Any]) -> np.ndarray:
    levels, positive = positive_class(data, params)
    if len(levels) != 2:
        raise InputError("logisticRegression predicts a target of two categories only")
    negative = next(level for level in levels if level != positive)
    names, x = data.design(params["covariables"])
    if names != model["names"]:
        raise InputError("the model's terms differ from this site's design")
    eta = x @ np.asarray(model["coefficients"], dtype=np.float64)
    return np.where(eta > 0, positive, negative).astype(object)
