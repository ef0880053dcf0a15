"""histograms, federated: the bin edges agreed first, then each bin's count summed.

Round 1: each site's min and max of the target (if numeric), rounded outward unless the
site shares them exactly; none if the request gives the range (parameters ``min`` and
``max``). The central takes the overall range and cuts it into ``bins`` equal bins (the
last one closed; values outside the range are not counted, as in np.histogram). Round 2:
each site counts its rows per bin, overall and per category of each nominal
covariable; a bin under the site's cell threshold leaves as null, and the summed bin
is null (masked) when any site masked it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from woken.algorithms.federatedStep.histograms import COUNTS, RANGE
from woken.errors import BadRequest
from woken.federation.methods import base

DEFAULT_BINS = 20


class Histograms:
    """histograms: agreed edges, then summed bin counts."""

    code: str = "histograms"

    def run(self, rounds: base.Rounds, request: base.MethodRequest) -> dict[str, Any]:
        params = base.request_params(request)
        target = request.target()
        bins = request.parameter("bins", DEFAULT_BINS)
        if not isinstance(bins, int) or not 1 <= bins <= 1000:
            raise BadRequest("histograms: bins must be an integer from 1 to 1000")
        edges: list[float] | None = None
        given = request.parameter("min", None), request.parameter("max", None)
        extent = _range(*given) if given != (None, None) else _agreed(rounds, params)
        if extent is not None:
            low, high = extent
            edges = np.linspace(low, high if high > low else low + 1.0, bins + 1).tolist()
        answers = rounds.ask(COUNTS, {**params, "edges": edges})
        series: dict[str, list[int | None]] = {}
        for name in answers[0]["series"]:
            cells = zip(*(a["series"][name] for a in answers), strict=True)
            series[name] = [None if None in cell else int(sum(cell)) for cell in cells]
        return {"variable": target, "edges": edges, "labels": answers[0]["labels"],
                "series": series}


def _range(low: Any, high: Any) -> tuple[float, float]:
    """The range the request gives (parameters ``min`` and ``max``): no site is asked."""
    numbers = (int, float)
    if not (isinstance(low, numbers) and isinstance(high, numbers)) or isinstance(
            low, bool) or isinstance(high, bool) or not low < high:
        raise BadRequest("histograms: give both min and max, numbers with min < max")
    return float(low), float(high)


def _agreed(rounds: base.Rounds, params: dict[str, Any]) -> tuple[float, float] | None:
    """The range over the sites' (coarse) ranges; None for a nominal target."""
    answers = rounds.ask(RANGE, params)
    if not all("min" in a for a in answers):
        return None
    return min(a["min"] for a in answers), max(a["max"] for a in answers)
