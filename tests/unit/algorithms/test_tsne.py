"""tSNE: the embedding equals scikit-learn's TSNE of the standardized rows with the same seed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.manifold import TSNE
from sklearn.preprocessing import StandardScaler

from tests.unit.algorithms.checks import (
    assert_refused_by_the_registry,
)
from tests.unit.algorithms.volumes import computed, iris, read_result, write_volume
from woken.algorithms.common.runner import dispatch
from woken.algorithms.tSNE.algorithm import HANDLERS

HIGHCHARTS = "highcharts_json"


def test_the_embedding_equals_scikit_learns(tmp_path: Path) -> None:
    _, features = iris()
    volume = write_volume(tmp_path, algorithm="tSNE", variables=[features[0]],
                          covariables=features[1:],
                          parameters={"perplexity": "20", "seed": "4", "max_iter": "300"})
    figure = computed(HANDLERS, volume, HIGHCHARTS)
    X = StandardScaler().fit_transform(np.column_stack([f.array for f in features]))
    reference = TSNE(perplexity=20, random_state=4, max_iter=300, init="pca",
                     learning_rate="auto")
    points = reference.fit_transform(X)
    assert figure["chart"] == {"type": "scatter", "zoomType": "xy"}
    embedded = np.array([series["data"][0] for series in figure["series"]])
    np.testing.assert_allclose(embedded, points, rtol=1e-10, atol=1e-10)
    assert [series["name"] for series in figure["series"]] == features[0].values
    meta = figure["meta"]
    assert meta["kl_divergence"] == pytest.approx(reference.kl_divergence_, rel=1e-12)
    assert meta["parameters"]["perplexity"] == 20 and meta["n_rows"] == 150
    assert figure["title"]["text"].startswith("t-SNE embedding for: sepal_length_cm")


def test_a_perplexity_of_as_many_rows_is_refused(tmp_path: Path) -> None:
    _, features = iris()
    volume = write_volume(tmp_path, algorithm="tSNE", variables=[features[0]],
                          parameters={"perplexity": "10"}, train_rows=range(10))
    assert dispatch(HANDLERS, ["compute"], volume) == 1
    assert read_result(volume, "compute")["error"] == (
        "parameter 'perplexity' (10) must be less than the number of rows (10)")


@pytest.mark.parametrize(("parameter", "value", "message"), [
    ("perplexity", "0.5", "must be >= 1"),
    ("perplexity", "101", "must be <= 100"),
    ("max_iter", "100", "must be >= 250"),
])
def test_bad_parameters_are_refused_by_the_manifest(parameter: str, value: str,
                                                    message: str) -> None:
    assert_refused_by_the_registry("tSNE", parameter, value, message)

