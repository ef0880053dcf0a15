"""Linear regression of a real target: scikit-learn's coefficients with their OLS inference.

Nominal covariables are one-hot encoded against their first category (the
reference level), so that every coefficient is identifiable next to the
intercept and reads as "the difference from the reference category".
"""

from __future__ import annotations

from typing import Any

from sklearn.linear_model import LinearRegression

from woken.algorithms.common.parameters import Parameters
from woken.algorithms.common.predictive import (
    PredictiveAlgorithm,
    TrainingData,
    predictive_handlers,
)
from woken.algorithms.linearRegression.ols import ols_inference
from woken.algorithms.linearRegression.pfa import linear_regression_pfa

INTERCEPT = "(Intercept)"


def estimator(parameters: Parameters, classification: bool = False) -> LinearRegression:
    """The unfitted model (it has no parameter; AutoML's portfolio fits it too)."""
    return LinearRegression()


def fit(data: TrainingData) -> LinearRegression:
    data.require("regression", "linear regression")
    return estimator(data.inputs.parameters).fit(data.X, data.y)


def describe(model: LinearRegression, data: TrainingData) -> dict[str, Any]:
    inference = ols_inference(data.X, data.y, float(model.intercept_), model.coef_)
    names = [INTERCEPT, *data.feature_names]
    return {
        "intercept": float(model.intercept_),
        "coefficients": dict(zip(data.feature_names, model.coef_.tolist(), strict=True)),
        "standard_errors": dict(zip(names, inference.standard_errors, strict=True)),
        "t_values": dict(zip(names, inference.t_values, strict=True)),
        "p_values": dict(zip(names, inference.p_values, strict=True)),
        "r_squared": inference.r_squared,
        "adjusted_r_squared": inference.adjusted_r_squared,
        "residual_standard_error": inference.residual_standard_error,
        "df_residual": inference.df_residual,
        "f_statistic": inference.f_statistic,
        "f_p_value": inference.f_p_value,
    }


HANDLERS = predictive_handlers(PredictiveAlgorithm(
    fit=fit, describe=describe, drop_first=True, pfa=linear_regression_pfa
))
