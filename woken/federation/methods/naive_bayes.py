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

from typing import Any

import numpy as np

from woken.algorithms.federatedStep.naive_bayes import STEP
from woken.errors import BadRequest
from woken.federation.methods import base

VAR_SMOOTHING, ALPHA = 1e-9, 1.0


class NaiveBayes:
    """naiveBayes: Gaussian and categorical likelihoods from per-class sums."""

    code: str = "naiveBayes"
    problem: str = "classification"

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


class SiteMasked(BadRequest):
    """A site masked a cell (a class, a group) that the algorithm needs to be exact."""

    def __init__(self, position: int, what: str) -> None:
        super().__init__(f"{what} under the site's cell threshold", {"site_position": position})
        self.position = position
        self.what = what
