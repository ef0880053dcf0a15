"""Which algorithms federate, and why the others do not."""

from __future__ import annotations

from typing import Any

from woken.errors import BadRequest
from woken.federation.methods.anova import Anova
from woken.federation.methods.base import FederatedMethod, PredictiveMethod
from woken.federation.methods.cross_products import Correlation, Pca
from woken.federation.methods.histograms import Histograms
from woken.federation.methods.linear_regression import LinearRegression
from woken.federation.methods.logistic_regression import LogisticRegression
from woken.federation.methods.naive_bayes import NaiveBayes
from woken.federation.methods.summary import StatisticsSummary

METHODS: dict[str, FederatedMethod] = {
    method.code: method
    for method in (StatisticsSummary(), Histograms(), LinearRegression(), LogisticRegression(),
                   NaiveBayes(), Correlation(), Pca(), Anova())
}
METHODS["correlation"] = METHODS["correlationHeatmap"]

# Models that carry rows: sending them to the central would send the rows.
_EMBEDS_ROWS = {
    "knn": "a k-NN model is its training rows",
    "tSNE": "a t-SNE result is one point per row",
    "ggparci": "parallel coordinates draw every row",
    "heatmaply": "a clustered heat map shows every row",
    "hinmine": "its features are one row per subject",
}

def federated_method(code: str) -> FederatedMethod:
    """The federated algorithm of ``code``; BadRequest saying why when there is none."""
    if code in METHODS:
        return METHODS[code]
    if code in _EMBEDS_ROWS:
        raise BadRequest(f"algorithm '{code}' does not federate: {_EMBEDS_ROWS[code]}, and no "
                         "patient row may leave its site")
    raise BadRequest(f"algorithm '{code}' has no federated version; those that do: "
                     f"{', '.join(sorted(METHODS))}")


def catalogue_answer() -> dict[str, Any]:
    """The federated algorithms, as ``GET /mining/federated/algorithms`` lists them."""
    return {"algorithms": [{"code": code, "predictive": hasattr(method, "problem")}
                           for code, method in METHODS.items() if code == method.code]}


def predictive_method(code: str) -> PredictiveMethod:
    method = federated_method(code)
    if not hasattr(method, "problem"):
        raise BadRequest(f"algorithm '{code}' is not predictive: it cannot be validated")
    return method  # type: ignore[return-value]
