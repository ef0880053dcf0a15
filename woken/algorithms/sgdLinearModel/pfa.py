"""The SGD linear model as PFA: standardized features, one linear function per class.

A regression is its one linear function. A classification takes the class of the
highest function; two classes have one function (scikit-learn's, for the second
class), written here as the pair (-f, f) so that the argmax says "second class"
exactly when f > 0, as scikit-learn's ``predict`` does.
"""

from __future__ import annotations

from typing import Any

from woken.algorithms.common.pfa import expressions as pfa
from woken.algorithms.common.pfa.document import ROW, PfaModel
from woken.algorithms.common.predictive import TrainingData


def _function(coef: Any, intercept: float) -> dict[str, Any]:
    return {"const": float(intercept), "coeff": [float(c) for c in coef]}


def sgd_linear_pfa(pipeline: Any, data: TrainingData) -> PfaModel:
    scaler, linear = pipeline[0], pipeline[-1]
    scaling = (scaler.mean_.tolist(), scaler.scale_.tolist())
    if not data.is_classification:
        model = _function(linear.coef_, linear.intercept_[0])
        cells = {"model": pfa.cell_spec(pfa.REGRESSION, model)}
        return PfaModel(name="sgdLinearModel", output="double", cells=cells, scaling=scaling,
                        action=[{"model.reg.linear": [ROW, pfa.cell("model")]}])
    functions = [_function(c, i) for c, i in zip(linear.coef_, linear.intercept_, strict=True)]
    if len(linear.classes_) == 2:
        (only,) = functions
        functions = [{"const": -only["const"], "coeff": [-c for c in only["coeff"]]}, only]
    cells = {
        "classes": pfa.cell_spec(pfa.STRING_ARRAY, linear.classes_.tolist()),
        "model": pfa.cell_spec(pfa.array_of(pfa.REGRESSION), functions),
    }
    scores = {"a.map": [pfa.cell("model"), pfa.fcn({"r": "Regression"}, "double",
                                                   {"model.reg.linear": [ROW, "r"]})]}
    return PfaModel(name="sgdLinearModel", output="string", cells=cells, scaling=scaling,
                    action=[pfa.argmax_of("classes", scores)])
