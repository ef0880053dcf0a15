"""linearRegression's local steps: XᵀX, Xᵀy and n; then the residual sums; and its predictions."""

from __future__ import annotations

from typing import Any

import numpy as np

from woken.algorithms.common.errors import InputError
from woken.algorithms.federatedStep.local_data import LocalData
from woken.algorithms.federatedStep.sums import Aggregates, Policy, as_json

FIT, RESIDUALS = "linearRegression.fit", "linearRegression.residuals"


def _xy(data: LocalData, params: dict[str, Any]) -> tuple[list[str], np.ndarray, np.ndarray]:
    names, x = data.design(params["covariables"])
    return names, x, data.numeric(params["variables"][0])


def local_fit(data: LocalData, params: dict[str, Any], _policy: Policy) -> Aggregates:
    names, x, y = _xy(data, params)
    return {"names": names, "n": len(y), "xtx": as_json(x.T @ x), "xty": as_json(x.T @ y)}


def local_residuals(data: LocalData, params: dict[str, Any], _policy: Policy) -> Aggregates:
    _, x, y = _xy(data, params)
    residuals = y - x @ np.asarray(params["coefficients"])
    return {"sse": float(residuals @ residuals),
            "sst": float(((y - params["mean_y"]) ** 2).sum())}


def predict(model: dict[str, Any], data: LocalData, params: dict[str, Any]) -> np.ndarray:
    names, x = data.design(params["covariables"])
    if names != model["names"]:
        raise InputError("the model's terms differ from this site's design")
    return np.asarray(x @ np.asarray(model["coefficients"], dtype=np.float64))
