"""histograms' local steps: the target's range (to agree the bin edges), then bin counts.

The range leaves rounded outward unless the site shares its extremes exactly
(``sums.bounds``). A bin under the site's cell threshold leaves as null.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from woken.algorithms.federatedStep.local_data import LocalData
from woken.algorithms.federatedStep.sums import Aggregates, Policy, bounds, masked

RANGE, COUNTS = "histograms.range", "histograms.counts"


def local_range(data: LocalData, params: dict[str, Any], policy: Policy) -> Aggregates:
    target = params["variables"][0]
    if not data.metas[target].is_numeric:
        return {"nominal": True}
    low, high = bounds(data.columns[target], policy)
    return {"min": low, "max": high}


def local_counts(data: LocalData, params: dict[str, Any], policy: Policy) -> Aggregates:
    target = params["variables"][0]
    inside = np.ones(data.n, dtype=bool)
    if data.metas[target].is_numeric:
        edges = np.asarray(params["edges"], dtype=np.float64)
        values = data.columns[target]
        # As np.histogram: values outside the edges are not counted, the last bin is closed.
        inside = (values >= edges[0]) & (values <= edges[-1])
        bins = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, len(edges) - 2)
        labels = [f"{edges[i]:g} - {edges[i + 1]:g}" for i in range(len(edges) - 1)]
    else:
        labels, bins = data.indicator(target)
    series: dict[str, list[int | None]] = {"all": _counts(bins[inside], len(labels), policy)}
    for code in params["covariables"]:
        if not data.metas[code].is_nominal:
            continue
        levels, index = data.indicator(code)
        for j, level in enumerate(levels):
            series[f"{code}={level}"] = _counts(bins[inside & (index == j)], len(labels),
                                                policy)
    return {"labels": labels, "series": series}


def _counts(bins: np.ndarray, size: int, policy: Policy) -> list[int | None]:
    return [masked(int(c), policy) for c in np.bincount(bins, minlength=size)]
