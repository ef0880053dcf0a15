"""Linear regression as PFA: the intercept and coefficients of the encoded features."""

from __future__ import annotations

from typing import Any

from woken.algorithms.common.pfa.document import ROW, PfaModel
from woken.algorithms.common.pfa.expressions import REGRESSION, cell, cell_spec
from woken.algorithms.common.predictive import TrainingData


def linear_regression_pfa(model: Any, data: TrainingData) -> PfaModel:
    cells = {"model": cell_spec(REGRESSION, {"const": float(model.intercept_),
                                              "coeff": model.coef_.tolist()})}
    return PfaModel(name="linearRegression", output="double", cells=cells,
                    action=[{"model.reg.linear": [ROW, cell("model")]}])
