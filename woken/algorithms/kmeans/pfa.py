"""k-means as PFA: the row standardized, then the closest centre's index.

The centres are in standardized units, as k-means found them; the closest is by
Euclidean distance (``model.cluster.closest``), as scikit-learn's ``predict``
assigns a row.
"""

from __future__ import annotations

from typing import Any

from woken.algorithms.common.pfa.document import ROW, PfaModel
from woken.algorithms.common.pfa.expressions import (
    DOUBLE_ARRAY,
    array_of,
    attr,
    cell,
    cell_spec,
    fcn,
    record,
)

CLUSTER = record("Cluster", {"center": DOUBLE_ARRAY, "id": "int"})


def kmeans_pfa(pipeline: Any) -> PfaModel:
    scaler, kmeans = pipeline[0], pipeline[-1]
    clusters = [{"center": centre.tolist(), "id": index}
                for index, centre in enumerate(kmeans.cluster_centers_)]
    distance = fcn({"x": DOUBLE_ARRAY, "y": DOUBLE_ARRAY}, "double",
                   {"metric.simpleEuclidean": ["x", "y"]})
    closest = {"model.cluster.closest": [ROW, cell("clusters"), distance]}
    return PfaModel(name="kmeans", output="int",
                    cells={"clusters": cell_spec(array_of(CLUSTER), clusters)},
                    scaling=(scaler.mean_.tolist(), scaler.scale_.tolist()),
                    action=[attr(closest, "id")])
