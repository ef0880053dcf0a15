"""A linear model fitted by stochastic gradient descent, on standardized features.

A nominal target gets a logistic regression (``SGDClassifier`` with the log
loss, one-vs-rest for more than two classes), a numeric one a linear regression
(``SGDRegressor``, squared error). Gradient descent needs features of one scale:
the pipeline standardizes them with the training rows' means and deviations, so
the coefficients read per standard deviation of each feature.
"""

from __future__ import annotations

from typing import Any

from sklearn.linear_model import SGDClassifier, SGDRegressor
from sklearn.pipeline import Pipeline

from woken.algorithms.common.estimators import scaled, scaling_of, seed
from woken.algorithms.common.parameters import Parameters
from woken.algorithms.common.predictive import (
    PredictiveAlgorithm,
    TrainingData,
    predictive_handlers,
)
from woken.algorithms.sgdLinearModel.pfa import sgd_linear_pfa

# Defaults, bounds and values of the parameters: algorithm.toml (read by `parameters`).


def settings(parameters: Parameters) -> dict[str, Any]:
    """The estimator's keyword arguments from the job's parameters."""
    penalty = parameters.str_param("penalty")
    return {
        "penalty": None if penalty == "none" else penalty,
        "alpha": parameters.float_param("alpha"),
        "l1_ratio": parameters.float_param("l1_ratio"),
        "random_state": seed(parameters),
    }


def estimator(parameters: Parameters, classification: bool) -> Pipeline:
    """The unfitted, scaled model these parameters ask for (AutoML's portfolio fits it too)."""
    options = settings(parameters)
    return scaled(SGDClassifier(loss="log_loss", **options) if classification
                  else SGDRegressor(**options))


def fit(data: TrainingData) -> Pipeline:
    return estimator(data.inputs.parameters, data.is_classification).fit(data.X, data.y)


def describe(pipeline: Pipeline, data: TrainingData) -> dict[str, Any]:
    linear = pipeline[-1]
    names = data.feature_names
    if data.is_classification:
        classes = linear.classes_.tolist()
        # Two classes have one linear function, that of the second class (scikit-learn's).
        rows = classes[1:] if len(classes) == 2 else classes
        coefficients: Any = {c: dict(zip(names, row.tolist(), strict=True))
                             for c, row in zip(rows, linear.coef_, strict=True)}
        intercept: Any = dict(zip(rows, linear.intercept_.tolist(), strict=True))
    else:
        classes = None
        coefficients = dict(zip(names, linear.coef_.tolist(), strict=True))
        intercept = float(linear.intercept_[0])
    return {
        "loss": linear.loss,
        "parameters": settings(data.inputs.parameters),
        "classes": classes,
        "coefficients": coefficients,
        "intercept": intercept,
        "n_iter": int(linear.n_iter_),
        "scaling": scaling_of(pipeline, names),
    }


HANDLERS = predictive_handlers(PredictiveAlgorithm(fit=fit, describe=describe, pfa=sgd_linear_pfa))
