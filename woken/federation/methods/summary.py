"""statisticsSummary, federated: count, mean, standard deviation, min, max; category counts.

Each site sends, per numeric variable, its count, mean, sum of squared deviations,
min and max; per nominal variable, its count of each category (masked under the
cell threshold). Quantiles are not exact from sums and are not given.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from woken.algorithms.federatedStep.summary import STEP
from woken.federation.methods import base


class StatisticsSummary:
    """statisticsSummary: moments and category counts, pooled."""

    code: str = "statisticsSummary"

    def run(self, rounds: base.Rounds, request: base.MethodRequest) -> dict[str, Any]:
        answers = rounds.ask(STEP, base.request_params(request))
        result: dict[str, Any] = {}
        for code in answers[0]["numeric"]:
            parts = [a["numeric"][code] for a in answers]
            n, mean, m2 = base.pooled_moments(*(np.array([p[k] for p in parts], dtype=np.float64)
                                                for k in ("n", "mean", "m2")))
            result[code] = {
                "count": int(n), "mean": float(mean),
                "std": math.sqrt(m2 / (n - 1)) if n > 1 else None,
                "min": min(p["min"] for p in parts), "max": max(p["max"] for p in parts),
                # Coarse: min and max are bounds (rounded outward at some site), not values.
                "extremes": "exact" if all(p.get("exact_extremes") for p in parts)
                else "coarse",
            }
        for code in answers[0]["nominal"]:
            counts: dict[str, int | None] = {}
            for level in answers[0]["nominal"][code]:
                cells = [a["nominal"][code][level] for a in answers]
                # A cell masked at one site cannot be summed exactly: it is masked here too.
                counts[level] = None if None in cells else int(sum(cells))
            result[code] = {"counts": counts}
        return {"statistics": result}
