"""naiveBayes, federated: class counts, per-class moments and per-class category counts.

Each site answers, for each category of the target: its count; for each numeric
covariable, the class's count, mean and sum of squared deviations (Gaussian
likelihood); for each nominal covariable, the class's count of each category
(categorical likelihood, Laplace smoothing ``alpha``). The central pools them. As
scikit-learn's GaussianNB does, ``var_smoothing`` times the largest variance is added
to every variance.

A class with fewer rows than the site's cell threshold is masked by the site: the
model cannot then be exact, and the central refuses it, naming the site.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from woken.errors import BadRequest
from woken.federation.local_data import LocalData
from woken.federation.methods import base

STEP = "naiveBayes.fit"
VAR_SMOOTHING, ALPHA = 1e-9, 1.0


def local_fit(data: LocalData, params: dict[str, Any], policy: base.Policy) -> base.Aggregates:
    classes, index = data.indicator(params["variables"][0])
    counts = [base.masked(int(c), policy) for c in np.bincount(index, minlength=len(classes))]
    numeric: dict[str, Any] = {}
    nominal: dict[str, Any] = {}
    for code in params["covariables"]:
        if data.metas[code].is_numeric:
            values = data.columns[code]
            numeric[code] = [base.moments(values[index == k]) for k in range(len(classes))]
        else:
            levels, level_index = data.indicator(code)
            nominal[code] = {"levels": levels, "counts": [
                np.bincount(level_index[index == k], minlength=len(levels)).tolist()
                for k in range(len(classes))]}
    return {"classes": classes, "class_counts": counts, "numeric": numeric,
            "nominal": nominal}


class NaiveBayes:
    """naiveBayes: Gaussian and categorical likelihoods from per-class sums."""

    code: str = "naiveBayes"
    problem: str = "classification"
    local_steps: dict[str, base.LocalStep] = {STEP: local_fit}

    def run(self, rounds: base.Rounds, request: base.MethodRequest) -> dict[str, Any]:
        answers = rounds.ask(STEP, base.request_params(request))
        classes = base.same_across_sites(answers, "classes")
        for position, answer in enumerate(answers):
            if None in answer["class_counts"]:
                hidden = [c for c, n in zip(classes, answer["class_counts"], strict=True)
                          if n is None]
                raise SiteMasked(position, f"class(es) {', '.join(hidden)}")
        counts = np.sum([a["class_counts"] for a in answers], axis=0).astype(np.float64)
        alpha = float(request.parameter("alpha", ALPHA))
        means: dict[str, list[float]] = {}
        variances: dict[str, list[float]] = {}
        largest = 0.0
        for code in answers[0]["numeric"]:
            parts = np.array([a["numeric"][code] for a in answers], dtype=np.float64)
            n, mean, m2 = base.pooled_moments(parts[:, :, 0], parts[:, :, 1], parts[:, :, 2])
            means[code] = mean.tolist()
            variances[code] = (m2 / np.where(n > 0, n, 1)).tolist()
            _, _, all_m2 = base.pooled_moments(n, mean, m2)
            largest = max(largest, float(all_m2) / float(n.sum()))
        epsilon = float(request.parameter("var_smoothing", VAR_SMOOTHING)) * largest
        variances = {code: [v + epsilon for v in vs] for code, vs in variances.items()}
        categorical: dict[str, Any] = {}
        for code in answers[0]["nominal"]:
            levels = answers[0]["nominal"][code]["levels"]
            table = np.sum([a["nominal"][code]["counts"] for a in answers], axis=0)
            probabilities = (table + alpha) / (table.sum(axis=1, keepdims=True)
                                               + alpha * len(levels))
            categorical[code] = {"levels": levels, "probabilities": probabilities.tolist()}
        model = {"classes": classes, "class_counts": counts.tolist(),
                 "priors": (counts / counts.sum()).tolist(), "means": means,
                 "variances": variances, "categorical": categorical}
        return {"n": int(counts.sum()), "model": model}

    def predict(self, model: dict[str, Any], data: LocalData, request: base.MethodRequest
                ) -> np.ndarray:
        log_posterior = np.tile(np.log(np.asarray(model["priors"])), (data.n, 1))
        for code, means in model["means"].items():
            mean, var = np.asarray(means), np.asarray(model["variances"][code])
            x = data.columns[code][:, None]
            log_posterior += -0.5 * (np.log(2 * math.pi * var) + (x - mean) ** 2 / var)
        for code, table in model["categorical"].items():
            _, index = data.indicator(code)
            log_posterior += np.log(np.asarray(table["probabilities"]))[:, index].T
        return np.asarray(model["classes"], dtype=object)[log_posterior.argmax(axis=1)]


class SiteMasked(BadRequest):
    """A site masked a cell (a class, a group) that the algorithm needs to be exact."""

    def __init__(self, position: int, what: str) -> None:
        super().__init__(f"{what} under the site's cell threshold", {"site_position": position})
        self.position = position
        self.what = what
