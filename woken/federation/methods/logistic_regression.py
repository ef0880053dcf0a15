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

from woken.errors import BadRequest
from woken.federation.local_data import LocalData
from woken.federation.methods import base

STEP = "logisticRegression.newton"
MAX_ITER, TOL = 100, 1e-12


def positive_class(data: LocalData, params: dict[str, Any]) -> tuple[list[str], str]:
    target = params["variables"][0]
    levels = data.levels(target)
    chosen = params["parameters"].get("positive_class")
    if chosen is None:
        if len(levels) != 2:
            raise BadRequest(f"logisticRegression: '{target}' has {len(levels)} categories; "
                             "give the parameter positive_class")
        chosen = levels[1]
    if chosen not in levels:
        raise BadRequest(f"logisticRegression: positive_class {chosen!r} is not a category "
                         f"of '{target}'")
    return levels, str(chosen)


def _xy(data: LocalData, params: dict[str, Any]) -> tuple[list[str], np.ndarray, np.ndarray]:
    _, positive = positive_class(data, params)
    names, x = data.design(params["covariables"])
    y = (data.columns[params["variables"][0]] == positive).astype(np.float64)
    return names, x, y


def local_newton(data: LocalData, params: dict[str, Any], _policy: base.Policy) -> base.Aggregates:
    names, x, y = _xy(data, params)
    beta = np.asarray(params["coefficients"], dtype=np.float64) if params.get(
        "coefficients") is not None else np.zeros(len(names))
    eta = x @ beta
    p = 1 / (1 + np.exp(-eta))
    # log(1 + e^eta) without overflow.
    loglik = float((y * eta - np.logaddexp(0, eta)).sum())
    w = p * (1 - p)
    return {"names": names, "n": len(y), "gradient": base.as_json(x.T @ (y - p)),
            "hessian": base.as_json((x * w[:, None]).T @ x), "loglik": loglik}


class LogisticRegression:
    """logisticRegression: Newton-Raphson on summed gradients and Hessians."""

    code: str = "logisticRegression"
    problem: str = "classification"
    local_steps: dict[str, base.LocalStep] = {STEP: local_newton}

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

    def predict(self, model: dict[str, Any], data: LocalData, request: base.MethodRequest
                ) -> np.ndarray:
        params = base.request_params(request)
        levels, positive = positive_class(data, params)
        if len(levels) != 2:
            raise BadRequest("logisticRegression predicts a target of two categories only")
        negative = next(level for level in levels if level != positive)
        names, x = data.design(request.covariables)
        if names != model["names"]:
            raise BadRequest("the model's terms differ from this site's design")
        eta = x @ np.asarray(model["coefficients"], dtype=np.float64)
        return np.where(eta > 0, positive, negative).astype(object)
