"""heatmaply: the rows and variables in the order of scipy's dendrograms, scaled to [0, 1]."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy.cluster.hierarchy import dendrogram, linkage

from tests.unit.algorithms.volumes import computed, iris, write_volume
from woken.algorithms.heatmaply.algorithm import HANDLERS

PLOTLY = "application/vnd.plotly.v1+json"


def test_rows_and_columns_follow_the_dendrograms(tmp_path: Path) -> None:
    _, features = iris()
    figure = computed(HANDLERS, write_volume(tmp_path, algorithm="heatmaply",
                                             variables=[features[0]],
                                             covariables=features[1:]), PLOTLY)
    X = np.column_stack([f.array for f in features])
    scaled = (X - X.min(axis=0)) / np.ptp(X, axis=0)
    rows = dendrogram(linkage(scaled, "average"), no_plot=True)["leaves"]
    columns = dendrogram(linkage(scaled.T, "average"), no_plot=True)["leaves"]
    (trace,) = figure["data"]
    np.testing.assert_allclose(trace["z"], scaled[np.ix_(rows, columns)], rtol=1e-12)
    assert trace["x"] == [features[c].meta["label"] for c in columns]
    assert trace["y"][0] == f"row {rows[0] + 1}" and len(trace["y"]) == 150
    assert figure["layout"]["meta"]["row_order"] == rows
