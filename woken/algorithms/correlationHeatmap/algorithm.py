"""The Pearson correlation matrix of the numeric variables, drawn as a plotly heatmap.

The matrix is the heatmap's ``z``, in the order of ``layout.meta.variables``
(the variable, then the covariables). A variable that does not vary has no
correlation: its row and column are ``null``, and ``meta.constant`` names it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from woken.algorithms.common.descriptive import descriptive_handlers
from woken.algorithms.common.inputs import JobInputs
from woken.algorithms.common.numeric import numeric_data
from woken.algorithms.common.plotly import figure, heatmap
from woken.algorithms.common.results import Shape


def correlation_heatmap(inputs: JobInputs) -> dict[str, Any]:
    data = numeric_data(inputs, min_variables=2, min_rows=2)
    # A constant column divides by a zero deviation: NaN, written as null, on purpose.
    with np.errstate(divide="ignore", invalid="ignore"):
        matrix = np.atleast_2d(np.corrcoef(data.X, rowvar=False))
    constant = [code for code, std in zip(data.codes, data.X.std(axis=0), strict=True)
                if std == 0]
    return figure(
        [heatmap(matrix, data.labels, zmin=-1.0, zmax=1.0)],
        title="Correlation matrix (Pearson)",
        meta={"method": "pearson", "variables": data.codes, "n_rows": data.n_rows,
              "constant": constant},
    )


HANDLERS = descriptive_handlers(Shape.PLOTLY_JSON, correlation_heatmap)
