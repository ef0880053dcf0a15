"""Gaussian naive Bayes as PFA: each class's log prior plus its Gaussian log-likelihood.

The variances are scikit-learn's, smoothing included (``var_``), so that the
document's log-likelihoods are the model's joint log-likelihoods.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from woken.algorithms.common.pfa.document import ROW, PfaModel
from woken.algorithms.common.pfa.expressions import (
    DOUBLE_ARRAY,
    STRING_ARRAY,
    argmax_of,
    array_of,
    attr,
    cell,
    cell_spec,
    fcn,
    record,
)
from woken.algorithms.common.predictive import TrainingData


def naive_bayes_pfa(model: Any, data: TrainingData) -> PfaModel:
    moments = record("Moments", {"mean": "double", "variance": "double"})
    distribution = record("GaussianDistribution", {"stats": array_of(moments)})
    gauss = [{"stats": [{"mean": float(m), "variance": float(v)} for m, v in zip(
        means, variances, strict=True)]} for means, variances in zip(
        model.theta_, model.var_, strict=True)]
    cells = {
        "classes": cell_spec(STRING_ARRAY, model.classes_.tolist()),
        "logPrior": cell_spec(DOUBLE_ARRAY, np.log(model.class_prior_).tolist()),
        "gaussModel": cell_spec(array_of(distribution), gauss),
    }
    likelihoods = {"a.map": [cell("gaussModel"), fcn(
        {"dist": "GaussianDistribution"}, "double",
        {"model.naive.gaussian": [ROW, attr("dist", "stats")]})]}
    scores = {"la.add": [cell("logPrior"), likelihoods]}
    return PfaModel(name="naiveBayes", output="string", cells=cells,
                    action=[argmax_of("classes", scores)])

