"""linearRegression, federated: ordinary least squares from XᵀX, Xᵀy and n.

Round 1: each site's XᵀX, Xᵀy and n; the central solves the normal equations.
Round 2: the coefficients go back; each site answers its sum of squared residuals
and its sum of squares around the overall mean of y. From them: standard errors,
t statistics, p values, R², adjusted R² and the F statistic.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import stats

from woken.algorithms.federatedStep.linear_regression import FIT, RESIDUALS
from woken.errors import BadRequest
from woken.federation.methods import base


class LinearRegression:
    """linearRegression: normal equations, then residual sums."""

    code: str = "linearRegression"
    problem: str = "regression"

    def run(self, rounds: base.Rounds, request: base.MethodRequest) -> dict[str, Any]:
        params = base.request_params(request)
        answers = rounds.ask(FIT, params)
        names = base.same_across_sites(answers, "names")
        n = int(sum(a["n"] for a in answers))
        xtx, xty = base.total(answers, "xtx"), base.total(answers, "xty")
        p = len(names)
        if n <= p:
            raise BadRequest(f"linearRegression: {n} rows for {p} coefficients")
        if np.linalg.matrix_rank(xtx) < p:
            raise BadRequest("linearRegression: the covariables are collinear "
                             "(XᵀX is singular over the pooled rows)")
        beta = np.linalg.solve(xtx, xty)
        mean_y = float(xty[0] / n)
        answers = rounds.ask(RESIDUALS, {**params, "coefficients": base.as_json(beta),
                                         "mean_y": mean_y})
        sse, sst = float(base.total(answers, "sse")), float(base.total(answers, "sst"))
        df = n - p
        sigma2 = sse / df
        se = np.sqrt(np.diag(np.linalg.inv(xtx)) * sigma2)
        t = beta / se
        pvalues = 2 * stats.t.sf(np.abs(t), df)
        r2 = 1 - sse / sst if sst > 0 else math.nan
        f = ((sst - sse) / (p - 1)) / sigma2 if p > 1 else math.nan
        return {
            "coefficients": [
                {"name": name, "estimate": float(b), "std_error": float(s), "t_value": float(tv),
                 "p_value": float(pv)}
                for name, b, s, tv, pv in zip(names, beta, se, t, pvalues, strict=True)
            ],
            "n": n, "df_residual": df, "residual_std_error": math.sqrt(sigma2),
            "r_squared": r2, "adjusted_r_squared": 1 - (1 - r2) * (n - 1) / df,
            "f_statistic": f,
            "f_p_value": float(stats.f.sf(f, p - 1, df)) if p > 1 else math.nan,
            "model": {"names": names, "coefficients": base.as_json(beta)},
        }
