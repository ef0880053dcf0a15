"""logisticRegression, federated: Newton-Raphson over the sites' summed gradients and Hessians.

The target is binary: a nominal variable with two categories (the second is the
positive class, or the parameter ``positive_class``). Each iteration sends the
current coefficients; each site answers its gradient Xᵀ(y - p), Hessian XᵀWX and
log-likelihood; the central takes one Newton step on the sums, until the step is
below ``tol`` (relative to the coefficients) or ``max_iter`` is reached.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats

from woken.algorithms.federatedStep.logistic_regression import STEP
from woken.errors import BadRequest
from woken.federation.methods import base

MAX_ITER, TOL = 100, 1e-12


class LogisticRegression:
    """logisticRegression: Newton-Raphson on summed gradients and Hessians."""

    code: str = "logisticRegression"
    problem: str = "classification"

    def run(self, rounds: base.Rounds, request: base.MethodRequest) -> dict[str, Any]:
        params = base.request_params(request)
        beta: np.ndarray | None = None
        iterations = 0
        while iterations < MAX_ITER:
            iterations += 1
            answers = rounds.ask(STEP, {**params, "coefficients": None if beta is None
                                        else base.as_json(beta)})
            names = base.same_across_sites(answers, "names")
            hessian = base.total(answers, "hessian")
            current = np.zeros(len(names)) if beta is None else beta
            try:
                step = np.linalg.solve(hessian, base.total(answers, "gradient"))
            except np.linalg.LinAlgError as error:
                raise BadRequest("logisticRegression: the Hessian is singular (collinear "
                                 "covariables or perfect separation)") from error
            beta = current + step
            if np.max(np.abs(step)) <= TOL * max(1.0, float(np.max(np.abs(beta)))):
                break
        else:
            # The loop ended without a small enough step.
            raise BadRequest(f"logisticRegression did not converge in {MAX_ITER} iterations "
                             "(perfect separation?)")
        # Standard errors at the optimum: one more round for the Hessian there.
        answers = rounds.ask(STEP, {**params, "coefficients": base.as_json(beta)})
        se = np.sqrt(np.diag(np.linalg.inv(base.total(answers, "hessian"))))
        z = beta / se
        return {
            "coefficients": [
                {"name": name, "estimate": float(b), "std_error": float(s), "z_value": float(zv),
                 "p_value": float(2 * stats.norm.sf(abs(zv)))}
                for name, b, s, zv in zip(names, beta, se, z, strict=True)
            ],
            "n": int(sum(a["n"] for a in answers)),
            "log_likelihood": float(sum(a["loglik"] for a in answers)),
            "iterations": iterations,
            "model": {"names": names, "coefficients": base.as_json(beta)},
        }
