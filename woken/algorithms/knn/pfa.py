"""k-NN as PFA: the training points as a codebook, the k nearest by Euclidean distance.

A regression averages the neighbours' targets; a classification takes the most
frequent class among them, the first in the classes' order on a tie, as
scikit-learn's vote does.
"""

from __future__ import annotations

from typing import Any

from woken.algorithms.common.pfa import expressions as pfa
from woken.algorithms.common.pfa.document import ROW, PfaModel
from woken.algorithms.common.predictive import TrainingData


def knn_pfa(model: Any, data: TrainingData) -> PfaModel:
    target = "string" if data.is_classification else "double"
    point = pfa.record("Point", {"x": pfa.DOUBLE_ARRAY, "y": target})
    codebook = [{"x": row, "y": y}
                for row, y in zip(data.X.tolist(), data.y.tolist(), strict=True)]
    cells = {
        "codebook": pfa.cell_spec(pfa.array_of(point), codebook),
        "nNeighbors": pfa.cell_spec("int", int(model.n_neighbors)),
    }
    distance = pfa.fcn({"x": pfa.DOUBLE_ARRAY, "p": "Point"}, "double",
                       {"metric.simpleEuclidean": ["x", pfa.attr("p", "x")]})
    neighbours = pfa.let("neighbours", {"model.neighbor.nearestK": [
        pfa.cell("nNeighbors"), ROW, pfa.cell("codebook"), distance]})
    targets = {"a.map": ["neighbours", pfa.fcn({"p": "Point"}, target, pfa.attr("p", "y"))]}
    if not data.is_classification:
        return PfaModel(name="kNN", output="double", cells=cells,
                        action=[neighbours, {"a.mean": [targets]}])
    cells["classes"] = pfa.cell_spec(pfa.STRING_ARRAY, model.classes_.tolist())
    votes = {"a.map": [pfa.cell("classes"), pfa.fcn(
        {"c": "string"}, "int",
        {"a.count": ["labels", pfa.fcn({"y": "string"}, "boolean", {"==": ["y", "c"]})]})]}
    return PfaModel(name="kNN", output="string", cells=cells,
                    action=[neighbours, pfa.let("labels", targets),
                            pfa.argmax_of("classes", votes)])
