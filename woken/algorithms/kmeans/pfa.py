"""k-means as PFA: the row standardized, then the closest centre's index.

The centres are in standardized units, as k-means found them; the closest is by
Euclidean distance (``model.cluster.closest``), as scikit-learn's ``predict``
assigns a row.
"""

from __future__ import annotations

from typing import Any

from woken.algorithms.common.pfa import expressions as pfa
from woken.algorithms.common.pfa.document import ROW, PfaModel

CLUSTER = pfa.record("Cluster", {"center": pfa.DOUBLE_ARRAY, "id": "int"})


def kmeans_pfa(pipeline: Any) -> PfaModel:
    scaler, kmeans = pipeline[0], pipeline[-1]
    clusters = [{"center": centre.tolist(), "id": index}
                for index, centre in enumerate(kmeans.cluster_centers_)]
    distance = pfa.fcn({"x": pfa.DOUBLE_ARRAY, "y": pfa.DOUBLE_ARRAY}, "double",
                       {"metric.simpleEuclidean": ["x", "y"]})
    closest = {"model.cluster.closest": [ROW, pfa.cell("clusters"), distance]}
    return PfaModel(name="kmeans", output="int",
                    cells={"clusters": pfa.cell_spec(pfa.array_of(CLUSTER), clusters)},
                    scaling=(scaler.mean_.tolist(), scaler.scale_.tolist()),
                    action=[pfa.attr(closest, "id")])
