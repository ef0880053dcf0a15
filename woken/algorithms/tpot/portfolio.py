"""The strong, cheap defaults the search tries before TPOT's evolution.

Systems that win AutoML benchmarks (auto-sklearn 2, AutoGluon, FLAML) start from a
portfolio of configurations known to do well on tabular data rather than from a
random population: on small clinical tables a scaled linear model or a forest is
often the answer, and it costs a second. The members are ordered cheapest first, so
that a budget cut short still has the linear model and the neighbours. Each is
one pipeline behind the shared preparation step (imputation, one-hot: see `prepare`).

The fixed platform algorithms at their defaults are members too (knn, naiveBayes,
linearRegression, sgdLinearModel, sgdNeuralNetwork, gradientBoosting), so that the search
never misses what a careful manual choice among them would find. Each is built by its
own module from its own manifest's defaults (seed included): the member is the very
model a researcher gets by choosing that algorithm, and no default is written twice
(the tpot image ships those algorithms' code and manifests beside its own). Linear
discriminant analysis joins the linear models: a classic of small clinical tables, as
cheap as naive Bayes without its independence assumption.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.ensemble import (
    ExtraTreesClassifier,
    ExtraTreesRegressor,
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from woken.algorithms.common.manifest import parameter_rules
from woken.algorithms.common.parameters import Parameters
from woken.algorithms.gradientBoosting import algorithm as gradient_boosting
from woken.algorithms.knn import algorithm as knn
from woken.algorithms.linearRegression import algorithm as linear_regression
from woken.algorithms.naiveBayes import algorithm as naive_bayes
from woken.algorithms.sgdLinearModel import algorithm as sgd_linear_model
from woken.algorithms.sgdNeuralNetwork import algorithm as sgd_neural_network

# Trees per forest: enough for a stable score on hundreds of rows, under a second to fit
# (the portfolio is cross-validated up to 3 x 5 times, see `candidates.REPEATS`).
FOREST_TREES = 100


@dataclass(frozen=True)
class Member:
    """One configuration: a name in words and how to build its model (scaled or not)."""

    name: str
    model: Callable[[int], BaseEstimator]
    scaled: bool = False
    # The fixed platform algorithm this member is, at its defaults (None: the portfolio's own).
    algorithm: str | None = None

    def pipeline(self, preparation: BaseEstimator, random_state: int) -> Pipeline:
        steps: list[tuple[str, Any]] = [("prepare", preparation)]
        if self.scaled:
            steps.append(("scale", StandardScaler()))
        steps.append(("model", self.model(random_state)))
        return Pipeline(steps)


class FixedAlgorithm(Protocol):
    """A fixed platform algorithm's module, as far as the portfolio uses it."""

    def estimator(self, parameters: Parameters, classification: bool) -> Any: ...


def fixed(code: str, module: FixedAlgorithm, words: str, classification: bool) -> Member:
    """The fixed algorithm ``code`` at its manifest's defaults, built by its own module."""
    defaults = Parameters(rules=parameter_rules(code))
    # Its own seed (the manifest's), not the search's: the model a researcher would get.
    return Member(f"{words} ({code})", lambda seed: module.estimator(defaults, classification),
                  algorithm=code)


CLASSIFIERS: tuple[Member, ...] = (
    Member("scaled logistic regression",
           lambda seed: LogisticRegression(max_iter=5000), scaled=True),
    fixed("naiveBayes", naive_bayes, "Gaussian naive Bayes", classification=True),
    Member("linear discriminant analysis", lambda seed: LinearDiscriminantAnalysis()),
    Member("scaled k-NN (k = 5)", lambda seed: KNeighborsClassifier(5), scaled=True),
    Member("scaled k-NN (k = 15, distance-weighted)",
           lambda seed: KNeighborsClassifier(15, weights="distance"), scaled=True),
    fixed("knn", knn, "unscaled k-NN", classification=True),
    fixed("sgdLinearModel", sgd_linear_model, "scaled logistic regression by SGD",
          classification=True),
    Member("random forest", lambda seed: RandomForestClassifier(
        FOREST_TREES, random_state=seed, n_jobs=1)),
    Member("extra trees", lambda seed: ExtraTreesClassifier(
        FOREST_TREES, random_state=seed, n_jobs=1)),
    Member("histogram gradient boosting",
           lambda seed: HistGradientBoostingClassifier(random_state=seed)),
    fixed("gradientBoosting", gradient_boosting, "gradient boosting", classification=True),
    fixed("sgdNeuralNetwork", sgd_neural_network, "scaled multi-layer perceptron",
          classification=True),
)

REGRESSORS: tuple[Member, ...] = (
    Member("scaled ridge (RidgeCV)",
           lambda seed: RidgeCV(alphas=np.logspace(-3, 3, 13)), scaled=True),
    fixed("linearRegression", linear_regression, "linear regression", classification=False),
    Member("scaled k-NN (k = 5)", lambda seed: KNeighborsRegressor(5), scaled=True),
    Member("scaled k-NN (k = 15, distance-weighted)",
           lambda seed: KNeighborsRegressor(15, weights="distance"), scaled=True),
    fixed("knn", knn, "unscaled k-NN", classification=False),
    fixed("sgdLinearModel", sgd_linear_model, "scaled linear regression by SGD",
          classification=False),
    Member("random forest", lambda seed: RandomForestRegressor(
        FOREST_TREES, random_state=seed, n_jobs=1)),
    Member("extra trees", lambda seed: ExtraTreesRegressor(
        FOREST_TREES, random_state=seed, n_jobs=1)),
    Member("histogram gradient boosting",
           lambda seed: HistGradientBoostingRegressor(random_state=seed)),
    fixed("gradientBoosting", gradient_boosting, "gradient boosting", classification=False),
    fixed("sgdNeuralNetwork", sgd_neural_network, "scaled multi-layer perceptron",
          classification=False),
)


def members(problem_type: str) -> tuple[Member, ...]:
    return CLASSIFIERS if problem_type == "classification" else REGRESSORS
