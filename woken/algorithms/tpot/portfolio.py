"""The strong, cheap defaults the search tries before TPOT's evolution.

Systems that win AutoML benchmarks (auto-sklearn 2, AutoGluon, FLAML) start from a
portfolio of configurations known to do well on tabular data rather than from a
random population: on small clinical tables a scaled linear model or a forest is
often the answer, and it costs a second. The members are ordered cheapest first, so
that a budget cut short still has the linear model and the neighbours. Each is
one pipeline behind the shared preparation step (imputation, one-hot: see `prepare`).

The fixed platform algorithms at their defaults are members too (knn: unscaled k-NN,
naiveBayes, linearRegression, sgdLinearModel, sgdNeuralNetwork, gradientBoosting; their
manifests' defaults are scikit-learn's, so the members take scikit-learn's), so that
the search never misses what a careful manual choice among them would find. Linear
discriminant analysis joins the linear models: a classic of small clinical tables,
as cheap as naive Bayes without its independence assumption.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.ensemble import (
    ExtraTreesClassifier,
    ExtraTreesRegressor,
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.linear_model import (
    LinearRegression,
    LogisticRegression,
    RidgeCV,
    SGDClassifier,
    SGDRegressor,
)
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

# Trees per forest: enough for a stable score on hundreds of rows, under a second to fit
# (the portfolio is cross-validated up to 3 x 5 times, see `candidates.REPEATS`).
FOREST_TREES = 100


@dataclass(frozen=True)
class Member:
    """One configuration: a name in words and how to build its model (scaled or not)."""

    name: str
    model: Callable[[int], BaseEstimator]
    scaled: bool = False

    def pipeline(self, preparation: BaseEstimator, random_state: int) -> Pipeline:
        steps: list[tuple[str, Any]] = [("prepare", preparation)]
        if self.scaled:
            steps.append(("scale", StandardScaler()))
        steps.append(("model", self.model(random_state)))
        return Pipeline(steps)


CLASSIFIERS: tuple[Member, ...] = (
    Member("scaled logistic regression",
           lambda seed: LogisticRegression(max_iter=5000), scaled=True),
    Member("Gaussian naive Bayes (naiveBayes)", lambda seed: GaussianNB()),
    Member("linear discriminant analysis", lambda seed: LinearDiscriminantAnalysis()),
    Member("scaled k-NN (k = 5)", lambda seed: KNeighborsClassifier(5), scaled=True),
    Member("scaled k-NN (k = 15, distance-weighted)",
           lambda seed: KNeighborsClassifier(15, weights="distance"), scaled=True),
    Member("k-NN (k = 5, unscaled: knn)", lambda seed: KNeighborsClassifier(5)),
    Member("scaled logistic regression by SGD (sgdLinearModel)",
           lambda seed: SGDClassifier(loss="log_loss", random_state=seed), scaled=True),
    Member("random forest", lambda seed: RandomForestClassifier(
        FOREST_TREES, random_state=seed, n_jobs=1)),
    Member("extra trees", lambda seed: ExtraTreesClassifier(
        FOREST_TREES, random_state=seed, n_jobs=1)),
    Member("histogram gradient boosting",
           lambda seed: HistGradientBoostingClassifier(random_state=seed)),
    Member("gradient boosting (gradientBoosting)",
           lambda seed: GradientBoostingClassifier(random_state=seed)),
    Member("scaled multi-layer perceptron (sgdNeuralNetwork)",
           lambda seed: MLPClassifier(random_state=seed), scaled=True),
)

REGRESSORS: tuple[Member, ...] = (
    Member("scaled ridge (RidgeCV)",
           lambda seed: RidgeCV(alphas=np.logspace(-3, 3, 13)), scaled=True),
    Member("linear regression (linearRegression)", lambda seed: LinearRegression()),
    Member("scaled k-NN (k = 5)", lambda seed: KNeighborsRegressor(5), scaled=True),
    Member("scaled k-NN (k = 15, distance-weighted)",
           lambda seed: KNeighborsRegressor(15, weights="distance"), scaled=True),
    Member("k-NN (k = 5, unscaled: knn)", lambda seed: KNeighborsRegressor(5)),
    Member("scaled linear regression by SGD (sgdLinearModel)",
           lambda seed: SGDRegressor(random_state=seed), scaled=True),
    Member("random forest", lambda seed: RandomForestRegressor(
        FOREST_TREES, random_state=seed, n_jobs=1)),
    Member("extra trees", lambda seed: ExtraTreesRegressor(
        FOREST_TREES, random_state=seed, n_jobs=1)),
    Member("histogram gradient boosting",
           lambda seed: HistGradientBoostingRegressor(random_state=seed)),
    Member("gradient boosting (gradientBoosting)",
           lambda seed: GradientBoostingRegressor(random_state=seed)),
    Member("scaled multi-layer perceptron (sgdNeuralNetwork)",
           lambda seed: MLPRegressor(random_state=seed), scaled=True),
)


def members(problem_type: str) -> tuple[Member, ...]:
    return CLASSIFIERS if problem_type == "classification" else REGRESSORS
