"""k-NN as PFA: the training points as a codebook, the k nearest by Euclidean distance.

A regression averages the neighbours' targets; a classification takes the most
frequent class among them, the first in the classes' order on a tie, as
scikit-learn's vote does.
"""

from __future__ import annotations

from typing import Any

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
    let,
    record,
)
from woken.algorithms.common.predictive import TrainingData


def knn_pfa(model: Any, data: TrainingData) -> PfaModel:
    target = "string" if data.is_classification else "double"
    point = record("Point", {"x": DOUBLE_ARRAY, "y": target})
    codebook = [{"x": row.tolist(), "y": y.item()} for row, y in zip(data.X, data.y, strict=True)]
    cells = {
        "codebook": cell_spec(array_of(point), codebook),
        "nNeighbors": cell_spec("int", int(model.n_neighbors)),
    }
    distance = fcn({"x": DOUBLE_ARRAY, "p": "Point"}, "double",
                   {"metric.simpleEuclidean": ["x", attr("p", "x")]})
    neighbours = let("neighbours", {"model.neighbor.nearestK": [
        cell("nNeighbors"), ROW, cell("codebook"), distance]})
    targets = {"a.map": ["neighbours", fcn({"p": "Point"}, target, attr("p", "y"))]}
    if not data.is_classification:
        return PfaModel(name="kNN", output="double", cells=cells,
                        action=[neighbours, {"a.mean": [targets]}])
    cells["classes"] = cell_spec(STRING_ARRAY, model.classes_.tolist())
    votes = {"a.map": [cell("classes"), fcn(
        {"c": "string"}, "int",
        {"a.count": ["labels", fcn({"y": "string"}, "boolean", {"==": ["y", "c"]})]})]}
    return PfaModel(name="kNN", output="string", cells=cells,
                    action=[neighbours, let("labels", targets), argmax_of("classes", votes)])
