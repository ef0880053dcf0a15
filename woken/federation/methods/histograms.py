"""histograms, federated: the bin edges agreed first, then each bin's count summed.

Round 1: each site's min and max of the target (if numeric). The central takes the
overall range and cuts it into ``bins`` equal bins (the last one closed). Round 2:
each site counts its rows per bin, overall and per category of each nominal
covariable; a bin under the site's cell threshold leaves as null, and the summed bin
is null (masked) when any site masked it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from woken.errors import BadRequest
from woken.federation.local_data import LocalData
from woken.federation.methods import base

RANGE, COUNTS = "histograms.range", "histograms.counts"
DEFAULT_BINS = 20


def local_range(data: LocalData, params: dict[str, Any], _policy: base.Policy) -> base.Aggregates:
    target = params["variables"][0]
    if not data.metas[target].is_numeric:
        return {"nominal": True}
    values = data.columns[target]
    return {"min": float(values.min()), "max": float(values.max())}


def local_counts(data: LocalData, params: dict[str, Any], policy: base.Policy) -> base.Aggregates:
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


def _counts(bins: np.ndarray, size: int, policy: base.Policy) -> list[int | None]:
    return [base.masked(int(c), policy) for c in np.bincount(bins, minlength=size)]


class Histograms:
    """histograms: agreed edges, then summed bin counts."""

    code: str = "histograms"
    local_steps: dict[str, base.LocalStep] = {RANGE: local_range, COUNTS: local_counts}

    def run(self, rounds: base.Rounds, request: base.MethodRequest) -> dict[str, Any]:
        params = base.request_params(request)
        target = request.target()
        bins = request.parameter("bins", DEFAULT_BINS)
        if not isinstance(bins, int) or not 1 <= bins <= 1000:
            raise BadRequest("histograms: bins must be an integer from 1 to 1000")
        edges: list[float] | None = None
        answers = rounds.ask(RANGE, params)
        if all("min" in a for a in answers):
            low, high = min(a["min"] for a in answers), max(a["max"] for a in answers)
            edges = np.linspace(low, high if high > low else low + 1.0, bins + 1).tolist()
        answers = rounds.ask(COUNTS, {**params, "edges": edges})
        series: dict[str, list[int | None]] = {}
        for name in answers[0]["series"]:
            cells = zip(*(a["series"][name] for a in answers), strict=True)
            series[name] = [None if None in cell else int(sum(cell)) for cell in cells]
        return {"variable": target, "edges": edges, "labels": answers[0]["labels"],
                "series": series}
