"""Gradient boosting of regression trees: a classifier for a nominal target, a regressor else.

Trees split on thresholds, so the features are used as encoded, unscaled. The
seed fixes the feature sampling (``max_features``) and the tie-breaks between
equally good splits, so that the same job grows the same trees.
"""

from __future__ import annotations

from typing import Any, TypeAlias

from sklearn.ensemble import GradientBoostingClassifier, GradientBoostingRegressor

from woken.algorithms.common.estimators import seed
from woken.algorithms.common.parameters import Parameters
from woken.algorithms.common.predictive import (
    PredictiveAlgorithm,
    TrainingData,
    predictive_handlers,
)
from woken.algorithms.gradientBoosting.pfa import gradient_boosting_pfa

# Defaults, bounds and values of the parameters: algorithm.toml (read by `parameters`).
# max_features "all": every feature is a candidate at every split (scikit-learn's None).
TREE_PARAMETERS = ("n_estimators", "max_depth", "min_samples_split", "min_samples_leaf")

Estimator: TypeAlias = GradientBoostingClassifier | GradientBoostingRegressor


def settings(parameters: Parameters) -> dict[str, Any]:
    """The estimator's keyword arguments from the job's parameters."""
    max_features = parameters.str_param("max_features")
    return {
        "learning_rate": parameters.float_param("learning_rate"),
        **{code: parameters.int_param(code) for code in TREE_PARAMETERS},
        "max_features": None if max_features == "all" else max_features,
        "random_state": seed(parameters),
    }


def estimator(parameters: Parameters, classification: bool) -> Estimator:
    """The unfitted model these parameters ask for (AutoML's portfolio fits it too)."""
    return (GradientBoostingClassifier if classification
            else GradientBoostingRegressor)(**settings(parameters))


def fit(data: TrainingData) -> Estimator:
    return estimator(data.inputs.parameters, data.is_classification).fit(data.X, data.y)


def describe(model: Estimator, data: TrainingData) -> dict[str, Any]:
    return {
        "parameters": settings(data.inputs.parameters),
        "classes": model.classes_.tolist() if data.is_classification else None,
        "loss": model.loss,
        "n_estimators": int(model.n_estimators_),
        # Impurity-based importances, summing to 1 over the encoded features.
        "feature_importances": dict(
            zip(data.feature_names, model.feature_importances_.tolist(), strict=True)
        ),
        "train_loss": float(model.train_score_[-1]),
    }


HANDLERS = predictive_handlers(PredictiveAlgorithm(
    fit=fit, describe=describe, pfa=gradient_boosting_pfa
))
