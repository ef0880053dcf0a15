"""k nearest neighbours: a classifier for a nominal target, a regressor for a numeric one.

The features are used as encoded (no scaling), exactly as scikit-learn's
estimators take them, so that predictions can be checked against them.
"""

from __future__ import annotations

from typing import Any, TypeAlias

from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor

from woken.algorithms.common.errors import InputError
from woken.algorithms.common.parameters import Parameters
from woken.algorithms.common.predictive import (
    PredictiveAlgorithm,
    TrainingData,
    predictive_handlers,
)
from woken.algorithms.knn.pfa import knn_pfa

# Above this many feature values the training points are left out of the description:
# the model stays in model/, the result stays small enough to store and send.
MAX_DESCRIBED_VALUES = 10_000

Estimator: TypeAlias = KNeighborsClassifier | KNeighborsRegressor


def estimator(parameters: Parameters, classification: bool) -> Estimator:
    """The unfitted model these parameters ask for (AutoML's portfolio fits it too)."""
    k = parameters.int_param("k")  # within the manifest's bounds
    return (KNeighborsClassifier if classification else KNeighborsRegressor)(n_neighbors=k)


def fit(data: TrainingData) -> Estimator:
    model = estimator(data.inputs.parameters, data.is_classification)
    if model.n_neighbors > len(data.y):
        raise InputError(f"k = {model.n_neighbors} is more than the {len(data.y)} training rows")
    return model.fit(data.X, data.y)


def describe(model: Estimator, data: TrainingData) -> dict[str, Any]:
    points = None
    if data.X.size <= MAX_DESCRIBED_VALUES:
        points = {"features": data.X.tolist(), "target": data.y.tolist()}
    return {
        "k": model.n_neighbors,
        "classes": model.classes_.tolist() if data.is_classification else None,
        "training_points": points,
    }


HANDLERS = predictive_handlers(PredictiveAlgorithm(fit=fit, describe=describe, pfa=knn_pfa))
