"""correlationHeatmap's and pca's local steps: count and column sums, then cross-products.

The cross-products are of the columns centred on the overall means.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from woken.algorithms.federatedStep.local_data import LocalData
from woken.algorithms.federatedStep.sums import Aggregates, Policy, as_json

SUMS, CENTRED = "crossProducts.sums", "crossProducts.centred"


def _matrix(data: LocalData, params: dict[str, Any]) -> tuple[list[str], np.ndarray]:
    codes = [*params["variables"], *params["covariables"]]
    return codes, np.column_stack([data.numeric(code) for code in codes])


def local_sums(data: LocalData, params: dict[str, Any], _policy: Policy) -> Aggregates:
    codes, x = _matrix(data, params)
    return {"names": codes, "n": len(x), "sums": as_json(x.sum(axis=0))}


def local_centred(data: LocalData, params: dict[str, Any], _policy: Policy) -> Aggregates:
    _, x = _matrix(data, params)
    centred = x - np.asarray(params["means"])
    return {"cross_products": as_json(centred.T @ centred)}
