"""Gaussian naive Bayes as PFA: each class's log prior plus its Gaussian log-likelihood.

The variances are scikit-learn's, smoothing included (``var_``), so that the
document's log-likelihoods are the model's joint log-likelihoods.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from woken.algorithms.common.pfa import expressions as pfa
from woken.algorithms.common.pfa.document import ROW, PfaModel
from woken.algorithms.common.predictive import TrainingData


def naive_bayes_pfa(model: Any, data: TrainingData) -> PfaModel:
    moments = pfa.record("Moments", {"mean": "double", "variance": "double"})
    distribution = pfa.record("GaussianDistribution", {"stats": pfa.array_of(moments)})
    gauss = [{"stats": [{"mean": float(m), "variance": float(v)} for m, v in zip(
        means, variances, strict=True)]} for means, variances in zip(
        model.theta_, model.var_, strict=True)]
    cells = {
        "classes": pfa.cell_spec(pfa.STRING_ARRAY, model.classes_.tolist()),
        "logPrior": pfa.cell_spec(pfa.DOUBLE_ARRAY, np.log(model.class_prior_).tolist()),
        "gaussModel": pfa.cell_spec(pfa.array_of(distribution), gauss),
    }
    likelihoods = {"a.map": [pfa.cell("gaussModel"), pfa.fcn(
        {"dist": "GaussianDistribution"}, "double",
        {"model.naive.gaussian": [ROW, pfa.attr("dist", "stats")]})]}
    scores = {"la.add": [pfa.cell("logPrior"), likelihoods]}
    return PfaModel(name="naiveBayes", output="string", cells=cells,
                    action=[pfa.argmax_of("classes", scores)])

