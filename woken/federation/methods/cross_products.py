"""correlationHeatmap and pca, federated: from the sites' summed centred cross-products.

Round 1: each site's count and column sums; the central's overall means. Round 2:
each site's cross-products of its columns centred on the overall means. Their sum,
over n - 1, is the pooled covariance matrix: exact, and without the cancellation of
raw sums of squares. PCA is the eigen-decomposition of the correlation matrix
(``standardize``, the default) or of the covariance matrix; its components' signs
are fixed (largest loading positive). Row scores are not computed: they are rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from woken.algorithms.federatedStep.cross_products import CENTRED, SUMS
from woken.errors import BadRequest
from woken.federation.methods import base


def covariance(
    rounds: base.Rounds, request: base.MethodRequest
) -> tuple[list[str], int, np.ndarray]:
    """The variables' names, the pooled row count and the pooled covariance matrix."""
    params = base.request_params(request)
    answers = rounds.ask(SUMS, params)
    names = answers[0]["names"]
    n = int(sum(a["n"] for a in answers))
    if len(names) < 2:
        raise BadRequest("give at least two numeric variables")
    if n < 2:
        raise BadRequest("fewer than two rows")
    means = base.total(answers, "sums") / n
    answers = rounds.ask(CENTRED, {**params, "means": base.as_json(means)})
    return names, n, base.total(answers, "cross_products") / (n - 1)


def correlation_of(cov: np.ndarray) -> np.ndarray:
    scale = np.sqrt(np.diag(cov))
    return np.asarray(cov / np.outer(scale, scale))


class Correlation:
    """correlationHeatmap: the pooled covariance and correlation matrices."""

    code: str = "correlationHeatmap"

    def run(self, rounds: base.Rounds, request: base.MethodRequest) -> dict[str, Any]:
        names, n, cov = covariance(rounds, request)
        return {"names": names, "n": n, "covariance": base.as_json(cov),
                "correlation": base.as_json(correlation_of(cov))}


class Pca:
    """pca: eigen-decomposition of the pooled correlation (or covariance) matrix."""

    code: str = "pca"

    def run(self, rounds: base.Rounds, request: base.MethodRequest) -> dict[str, Any]:
        names, n, cov = covariance(rounds, request)
        matrix = correlation_of(cov) if request.parameter("standardize", True) else cov
        values, vectors = np.linalg.eigh(matrix)
        order = np.argsort(values)[::-1]
        values, vectors = values[order], vectors[:, order]
        signs = np.sign(vectors[np.abs(vectors).argmax(axis=0), range(len(values))])
        vectors = vectors * np.where(signs == 0, 1, signs)
        return {"names": names, "n": n, "eigenvalues": base.as_json(values),
                "explained_variance_ratio": base.as_json(values / values.sum()),
                "components": base.as_json(vectors.T)}
