"""Gaussian naive Bayes of a nominal target on the encoded features.

One-hot columns are treated as Gaussian like the numeric ones: that is what
scikit-learn's GaussianNB does with them, and what the tests compare against.
"""

from __future__ import annotations

from typing import Any

from sklearn.naive_bayes import GaussianNB

from woken.algorithms.common.errors import InputError
from woken.algorithms.common.parameters import Parameters
from woken.algorithms.common.predictive import (
    PredictiveAlgorithm,
    TrainingData,
    predictive_handlers,
)
from woken.algorithms.naiveBayes.pfa import naive_bayes_pfa


def estimator(parameters: Parameters, classification: bool = True) -> GaussianNB:
    """The unfitted model these parameters ask for (AutoML's portfolio fits it too)."""
    smoothing = parameters.float_param("var_smoothing")
    if smoothing < 0:
        raise InputError(f"parameter 'var_smoothing' must be >= 0, got {smoothing}")
    return GaussianNB(var_smoothing=smoothing)


def fit(data: TrainingData) -> GaussianNB:
    data.require("classification", "naive Bayes")
    return estimator(data.inputs.parameters).fit(data.X, data.y)


def describe(model: GaussianNB, data: TrainingData) -> dict[str, Any]:
    classes = model.classes_.tolist()
    names = data.feature_names

    def by_class_and_feature(table: Any) -> dict[str, dict[str, float]]:
        return {c: dict(zip(names, row.tolist(), strict=True))
                for c, row in zip(classes, table, strict=True)}

    return {
        "classes": classes,
        "class_labels": {c: data.target.label_of(c) for c in classes},
        "class_counts": dict(zip(classes, model.class_count_.tolist(), strict=True)),
        "priors": dict(zip(classes, model.class_prior_.tolist(), strict=True)),
        "means": by_class_and_feature(model.theta_),
        "variances": by_class_and_feature(model.var_),
        "var_smoothing": model.var_smoothing,
        "epsilon": float(model.epsilon_),
    }


HANDLERS = predictive_handlers(PredictiveAlgorithm(fit=fit, describe=describe, pfa=naive_bayes_pfa))
