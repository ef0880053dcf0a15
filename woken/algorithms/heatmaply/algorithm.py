"""A clustered heat map: rows and numeric variables reordered by hierarchical clustering.

Each variable is scaled to [0, 1] (min-max, as heatmaply's ``normalize`` does), so
that one colour scale fits all; rows are clustered on those values, variables on
their columns, both by average linkage of Euclidean distances (scipy), and drawn
in the order of the dendrograms' leaves. ``layout.meta`` gives both orders.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.cluster.hierarchy import leaves_list, linkage

from woken.algorithms.common.descriptive import descriptive_handlers
from woken.algorithms.common.inputs import JobInputs
from woken.algorithms.common.numeric import numeric_data
from woken.algorithms.common.plotly import figure
from woken.algorithms.common.results import Shape

METHOD = "average"


def leaf_order(matrix: npt.NDArray[np.float64]) -> list[int]:
    """The order of the rows of ``matrix`` along its dendrogram (one row: itself)."""
    if len(matrix) < 2:
        return list(range(len(matrix)))
    return [int(i) for i in leaves_list(linkage(matrix, method=METHOD, metric="euclidean"))]


def clustered_heatmap(inputs: JobInputs) -> dict[str, Any]:
    data = numeric_data(inputs, min_variables=2, min_rows=2)
    low, span = data.X.min(axis=0), np.ptp(data.X, axis=0)
    scaled = (data.X - low) / np.where(span > 0, span, 1.0)
    rows, columns = leaf_order(scaled), leaf_order(scaled.T)
    z = scaled[np.ix_(rows, columns)]
    trace = {"type": "heatmap", "z": z.tolist(), "x": [data.labels[c] for c in columns],
             "y": [f"row {r + 1}" for r in rows], "xaxis": "x", "yaxis": "y",
             "colorscale": "Viridis", "zmin": 0.0, "zmax": 1.0}
    return figure([trace], title="Clustered heat map", meta={
        "variables": data.codes, "n_rows": data.n_rows, "linkage": METHOD,
        "metric": "euclidean", "normalize": "min-max",
        "row_order": rows, "column_order": [data.codes[c] for c in columns]})


HANDLERS = descriptive_handlers(Shape.PLOTLY_JSON, clustered_heatmap)
