"""kmeans: clusters and centres equal scikit-learn's KMeans of the standardized rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler

from tests.unit.algorithms.checks import (
    assert_refused_by_the_registry,
)
from tests.unit.algorithms.volumes import computed, iris, read_result, write_volume
from woken.algorithms.common.pfa.document import model_description
from woken.algorithms.common.runner import dispatch
from woken.algorithms.kmeans.algorithm import HANDLERS


def test_counts_centres_and_inertia_equal_scikit_learns(tmp_path: Path) -> None:
    _, features = iris()
    volume = write_volume(tmp_path, algorithm="kmeans", variables=[features[2]],
                          covariables=[features[0], features[3]],
                          parameters={"n_clusters": "4", "seed": "9"})
    result = model_description(computed(HANDLERS, volume, "pfa_json"))
    X = np.column_stack([features[2].array, features[0].array, features[3].array])
    scaler = StandardScaler().fit(X)
    reference = KMeans(n_clusters=4, n_init=10, random_state=9).fit(scaler.transform(X))
    codes = ["petal_length_cm", "sepal_length_cm", "petal_width_cm"]
    assert result["variables"] == codes
    assert [c["count"] for c in result["clusters"]] == np.bincount(reference.labels_).tolist()
    centres = [[c["centre"][code] for code in codes] for c in result["clusters"]]
    np.testing.assert_allclose(centres, scaler.inverse_transform(reference.cluster_centers_),
                               rtol=1e-12)
    # In the variables' own units: the mean of each cluster's rows.
    for index, centre in enumerate(centres):
        np.testing.assert_allclose(centre, X[reference.labels_ == index].mean(axis=0),
                                   rtol=1e-9)
    assert result["inertia"] == pytest.approx(reference.inertia_, rel=1e-12)
    assert result["parameters"] == {"n_clusters": 4, "seed": 9, "n_init": 10}


def test_more_clusters_than_rows_are_refused(tmp_path: Path) -> None:
    _, features = iris()
    volume = write_volume(tmp_path, algorithm="kmeans", variables=[features[0]],
                          parameters={"n_clusters": "6"}, train_rows=range(5))
    assert dispatch(HANDLERS, ["compute"], volume) == 1
    assert read_result(volume, "compute")["error"] == (
        "parameter 'n_clusters' (6) is more than the 5 rows")


@pytest.mark.parametrize(("parameter", "value", "message"), [
    ("n_clusters", "1", "must be >= 2"),
    ("n_clusters", "51", "must be <= 50"),
    ("seed", "4294967296", "must be <= 4294967295"),
    ("seed", "x", "must be an integer"),
])
def test_bad_parameters_are_refused_by_the_manifest(parameter: str, value: str,
                                                    message: str) -> None:
    assert_refused_by_the_registry("kmeans", parameter, value, message)

