"""anova, federated: one-way from per-group moments, or a design's type II table from ZᵀZ.

The target is numeric. One covariable: the groups of a nominal one; each site answers
each group's count, mean and sum of squared deviations. Several covariables (nominal
factors or numeric ones), in the ``design`` 2019's anova took (``factorial``, its
default: every interaction; ``additive``: main effects only): each site answers the
cross-products ZᵀZ of Z = [1, the terms' columns, y]; their sum gives every sub-model's
residual sum of squares and rank, hence the type II table, exactly as on the pooled
rows. A group or cell under a site's cell threshold is masked by the site, and then the
central refuses (the answer would not be exact), naming the site.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import stats

from woken.algorithms.anova.tables import type_ii_of
from woken.algorithms.federatedStep.anova import DESIGN, DESIGNS, GROUPS
from woken.errors import BadRequest
from woken.federation.methods.base import (
    Aggregates,
    MethodRequest,
    Rounds,
    pooled_moments,
    request_params,
    same_across_sites,
    total,
)
from woken.federation.methods.naive_bayes import SiteMasked

MAX_FACTORIAL = 5


class Anova:
    """anova: one-way from per-group moments; a design's type II table from summed ZᵀZ."""

    code: str = "anova"

    def run(self, rounds: Rounds, request: MethodRequest) -> dict[str, Any]:
        request.target()
        if not request.covariables:
            raise BadRequest("anova (federated) needs at least one covariable")
        design = request.parameter("design", DESIGNS[0])
        if design not in DESIGNS:
            raise BadRequest(f"anova: design must be one of {', '.join(DESIGNS)}")
        if len(request.covariables) == 1:
            return self._one_way(rounds, request)
        if design == "factorial" and len(request.covariables) > MAX_FACTORIAL:
            raise BadRequest(f"anova: a factorial design takes at most {MAX_FACTORIAL} "
                             "covariables; use design 'additive'")
        return self._design(rounds, request, design)

    def _one_way(self, rounds: Rounds, request: MethodRequest) -> dict[str, Any]:
        answers = rounds.ask(GROUPS, request_params(request))
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

    def _design(self, rounds: Rounds, request: MethodRequest, design: str) -> dict[str, Any]:
        answers = rounds.ask(DESIGN, {**request_params(request),
                                      "parameters": {**request.parameters, "design": design}})
        terms = same_across_sites(answers, "terms")
        for position, answer in enumerate(answers):
            if answer["masked"]:
                raise SiteMasked(position, f"cell(s) {', '.join(answer['masked'])}")
        gram = total(answers, "cross_products")
        n = int(sum(a["n"] for a in answers))
        return {"design": design, "n": n,
                "type_ii": type_ii_table(gram, terms, n)}


def type_ii_table(gram: np.ndarray, terms: Sequence[Aggregates], n: int
                  ) -> list[dict[str, Any]]:
    """The type II table from ZᵀZ, Z = [1, every term's columns, y] summed over the sites."""
    columns: dict[str, list[int]] = {}
    start = 1
    for term in terms:
        columns[term["term"]] = list(range(start, start + int(term["columns"])))
        start += int(term["columns"])
    y = start

    def fit(names: Sequence[str]) -> tuple[float, int]:
        index = [0, *(j for name in names for j in columns[name])]
        xtx, xty = gram[np.ix_(index, index)], gram[index, y]
        beta = np.linalg.lstsq(xtx, xty, rcond=None)[0]
        return float(gram[y, y] - xty @ beta), int(np.linalg.matrix_rank(xtx, hermitian=True))

    involved = {term["term"]: frozenset(term["involves"]) for term in terms}
    return type_ii_of(fit, involved, n, float(gram[y, y] - gram[0, y] ** 2 / n))
