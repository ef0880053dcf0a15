"""statisticsSummary's local step: moments of numeric variables, counts of nominal ones.

Per numeric variable its count, mean, sum of squared deviations, min and max (rounded
outward unless the site shares them exactly: ``sums.bounds``); per
nominal variable its count of each category (masked under the cell threshold).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from woken.algorithms.federatedStep.local_data import LocalData
from woken.algorithms.federatedStep.sums import Aggregates, Policy, bounds, masked, moments

STEP = "statisticsSummary.moments"


def local_moments(data: LocalData, params: dict[str, Any], policy: Policy) -> Aggregates:
    numeric: dict[str, Any] = {}
    nominal: dict[str, Any] = {}
    for code in [*params["variables"], *params["covariables"]]:
        if data.metas[code].is_numeric:
            values = data.columns[code]
            n, mean, m2 = moments(values)
            low, high = bounds(values, policy)
            numeric[code] = {"n": n, "mean": mean, "m2": m2, "min": low, "max": high,
                             "exact_extremes": policy.exact_extremes}
        else:
            levels, index = data.indicator(code)
            counts = np.bincount(index, minlength=len(levels))
            nominal[code] = {level: masked(int(c), policy)
                             for level, c in zip(levels, counts, strict=True)}
    return {"numeric": numeric, "nominal": nominal}
