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
