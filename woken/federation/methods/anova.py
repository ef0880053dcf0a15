"""anova, federated: one-way analysis of variance from per-group counts, means and squares.

The target is numeric, the one covariable nominal (the groups). Each site answers
each group's count, mean and sum of squared deviations; a group under the site's
cell threshold is masked, and then the central refuses (the answer would not be
exact), naming the site.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats

from woken.errors import BadRequest
from woken.federation.local_data import LocalData
from woken.federation.methods.base import (
    Aggregates,
    LocalStep,
    MethodRequest,
    Policy,
    Rounds,
    moments,
    pooled_moments,
    request_params,
    same_across_sites,
)
from woken.federation.methods.naive_bayes import SiteMasked

STEP = "anova.groups"


def local_groups(data: LocalData, params: dict[str, Any], policy: Policy) -> Aggregates:
    y = data.numeric(params["variables"][0])
    levels, index = data.indicator(params["covariables"][0])
    groups = []
    for k in range(len(levels)):
        n, mean, m2 = moments(y[index == k])
        groups.append(None if 0 < n < policy.min_cell_count else [n, mean, m2])
    return {"levels": levels, "groups": groups}


class Anova:
    """anova: one-way, from per-group moments."""

    code: str = "anova"
    local_steps: dict[str, LocalStep] = {STEP: local_groups}

    def run(self, rounds: Rounds, request: MethodRequest) -> dict[str, Any]:
        request.target()
        if len(request.covariables) != 1:
            raise BadRequest("anova (federated) takes one nominal covariable: the groups")
        answers = rounds.ask(STEP, request_params(request))
        levels = same_across_sites(answers, "levels")
        for position, answer in enumerate(answers):
            hidden = [lv for lv, g in zip(levels, answer["groups"], strict=True) if g is None]
            if hidden:
                raise SiteMasked(position, f"group(s) {', '.join(hidden)}")
        parts = np.array([a["groups"] for a in answers], dtype=np.float64)
        n, mean, m2 = pooled_moments(parts[:, :, 0], parts[:, :, 1], parts[:, :, 2])
        present = n > 0
        total_n, grand_mean, _ = pooled_moments(n[present], mean[present], m2[present])
        between = float((n[present] * (mean[present] - grand_mean) ** 2).sum())
        within = float(m2[present].sum())
        df_between, df_within = int(present.sum()) - 1, int(total_n) - int(present.sum())
        if df_between < 1 or df_within < 1:
            raise BadRequest("anova needs at least two groups and more rows than groups")
        f = (between / df_between) / (within / df_within)
        return {
            "groups": [{"level": lv, "n": int(c), "mean": float(m)}
                       for lv, c, m in zip(levels, n, mean, strict=True)],
            "sum_sq_between": between, "sum_sq_within": within,
            "df_between": df_between, "df_within": df_within,
            "f_statistic": f, "p_value": float(stats.f.sf(f, df_between, df_within)),
        }
