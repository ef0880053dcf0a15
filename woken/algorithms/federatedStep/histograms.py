"""histograms' local steps: the target's range (to agree the bin edges), then bin counts.

A bin under the site's cell threshold leaves as null.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from woken.algorithms.federatedStep.local_data import LocalData
from woken.algorithms.federatedStep.sums import Aggregates, Policy, masked

RANGE, COUNTS = "histograms.range", "histograms.counts"


def local_range(data: LocalData, params: dict[str, Any], _policy: Policy) -> Aggregates:
    target = params["variables"][0]
    if not data.metas[target].is_numeric:
        return {"nominal": True}
    values = data.columns[target]
    return {"min": float(values.min()), "max": float(values.max())}


def local_counts(data: LocalData, params: dict[str, Any], policy: Policy) -> Aggregates:
    target = params["variables"][0]
    if data.metas[target].is_numeric:
        edges = np.asarray(params["edges"], dtype=np.float64)
        # np.histogram closes the last bin: the overall max is counted.
        bins = np.clip(np.searchsorted(edges, data.columns[target], side="right") - 1,
                       0, len(edges) - 2)
        labels = [f"{edges[i]:g} - {edges[i + 1]:g}" for i in range(len(edges) - 1)]
    else:
        labels, bins = data.indicator(target)
    series: dict[str, list[int | None]] = {"all": _counts(bins, len(labels), policy)}
    for code in params["covariables"]:
        if not data.metas[code].is_nominal:
            continue
        levels, index = data.indicator(code)
        for j, level in enumerate(levels):
            series[f"{code}={level}"] = _counts(bins[index == j], len(labels), policy)
    return {"labels": labels, "series": series}


def _counts(bins: np.ndarray, size: int, policy: Policy) -> list[int | None]:
    return [masked(int(c), policy) for c in np.bincount(bins, minlength=size)]
