"""hinmine: each row's personalized PageRank over the k-NN network of the rows (networkx)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from sklearn.neighbors import NearestNeighbors

from tests.unit.algorithms.volumes import computed, iris, write_volume
from woken.algorithms.hinmine.algorithm import HANDLERS


def test_features_are_personalized_pagerank_over_the_nearest_rows(tmp_path: Path) -> None:
    species, features = iris()
    rows = list(range(0, 150, 5))
    resource = computed(HANDLERS, write_volume(tmp_path, algorithm="hinmine",
                                               variables=[species], covariables=features,
                                               train_rows=rows), "tabular_data_resource_json")
    X = np.column_stack([f.array for f in features])[rows]
    X = 2 * (X - X.min(axis=0)) / np.ptp(X, axis=0) - 1
    _, neighbours = NearestNeighbors(n_neighbors=6).fit(X).kneighbors(X)
    graph = nx.Graph()
    graph.add_edges_from((i, int(j)) for i, row in enumerate(neighbours) for j in row[1:])
    expected = nx.pagerank(graph, alpha=0.85, personalization={3: 1.0})
    record = resource["data"][3]
    assert record["id"] == 4 and len(record) == 2 + len(rows)
    assert record["class"] == species.values[rows[3]]
    assert [record[f"f_{j + 1}"] for j in range(len(rows))] == pytest.approx(
        [expected[j] for j in range(len(rows))], rel=1e-6)
    assert resource["schema"]["primaryKey"] == "id"
    assert sum(record[f"f_{j + 1}"] for j in range(len(rows))) == pytest.approx(1.0)
