"""Each row's features from a network of the rows: personalized PageRank over a k-NN graph.

The rows are the nodes; each is linked to its ``NEIGHBOURS`` nearest rows by
Euclidean distance over the numeric covariables (scaled to [-1, 1] when
``normalize``). A row's features are the personalized PageRank (networkx) of every
row when the walk restarts at that row: ``f_j`` of row ``i`` is how often a walk
from ``i`` visits ``j``. The answer is a tabular data resource, one record per row
with its variable's value (``class``), ready for a learner (propositionalization).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import numpy.typing as npt

from woken.algorithms.common.errors import InputError
from woken.algorithms.common.inputs import JobInputs, read_inputs
from woken.algorithms.common.results import Result, Shape
from woken.algorithms.common.runner import Handler

NEIGHBOURS = 5
# n rows give n features each: n^2 numbers in the answer.
MAX_ROWS = 1000


def row_network(X: npt.NDArray[np.float64]) -> nx.Graph:
    """Each row linked to its nearest rows (undirected, unweighted)."""
    n = len(X)
    distances = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=2))
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    k = min(NEIGHBOURS, n - 1)
    for i in range(n):
        order = [j for j in np.argsort(distances[i], kind="stable") if j != i][:k]
        graph.add_edges_from((i, int(j)) for j in order)
    return graph


def features(inputs: JobInputs) -> dict[str, Any]:
    covariables = [v for v in inputs.features if not v.is_nominal]
    if not covariables:
        raise InputError("hinmine links rows by numeric covariables: none given")
    n = len(inputs.table)
    if not 2 <= n <= MAX_ROWS:
        raise InputError(f"hinmine needs 2 to {MAX_ROWS} rows, {inputs.table.source} has {n}")
    X = np.column_stack([inputs.table.numeric(v) for v in covariables])
    if inputs.str_param("normalize") == "true":
        low, span = X.min(axis=0), np.ptp(X, axis=0)
        X = 2 * (X - low) / np.where(span > 0, span, 1.0) - 1
    target = inputs.target
    labels = (inputs.table.nominal(target) if target.is_nominal
              else inputs.table.numeric(target).tolist())
    graph = row_network(X)
    damping = inputs.float_param("damping")
    names = [f"f_{j + 1}" for j in range(n)]
    records = []
    for i in range(n):
        rank = nx.pagerank(graph, alpha=damping, personalization={i: 1.0})
        records.append({"id": i + 1, "class": labels[i],
                        **{names[j]: float(rank[j]) for j in range(n)}})
    return {
        "name": "hinmine_features",
        "profile": "tabular-data-resource",
        "data": records,
        "schema": {"fields": [{"name": "id", "type": "integer"},
                              {"name": "class",
                               "type": "string" if target.is_nominal else "number"},
                              *({"name": name, "type": "number"} for name in names)],
                   "primaryKey": "id"},
    }


def compute(volume: Path) -> Result:
    return Result(Shape.TABULAR_DATA_RESOURCE_JSON, features(read_inputs(volume)))


HANDLERS: dict[str, Handler] = {"compute": compute}
