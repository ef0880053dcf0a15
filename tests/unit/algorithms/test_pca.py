"""pca: components and explained variance equal scikit-learn's PCA of the standardized rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.decomposition import PCA
from sklearn.preprocessing import StandardScaler

from tests.unit.algorithms.checks import spec
from tests.unit.algorithms.volumes import computed, diabetes, read_result, real, write_volume
from woken.algorithms.common.runner import dispatch
from woken.algorithms.pca.algorithm import HANDLERS

PLOTLY = "application/vnd.plotly.v1+json"


def test_components_variance_and_scatter_equal_scikit_learns(tmp_path: Path) -> None:
    target, features = diabetes()
    volume = write_volume(tmp_path, algorithm="pca", variables=[target], covariables=features)
    figure = computed(HANDLERS, volume, PLOTLY)
    X = np.column_stack([target.array, *(f.array for f in features)])
    scaler = StandardScaler().fit(X)
    reference = PCA(svd_solver="full").fit(scaler.transform(X))
    scores = reference.transform(scaler.transform(X))

    meta = figure["layout"]["meta"]
    codes = [target.code, *(f.code for f in features)]
    assert meta["variables"] == codes and meta["n_rows"] == 442
    assert meta["components"] == [f"PC{i}" for i in range(1, 12)]
    loadings = np.array([[meta["loadings"][pc][code] for code in codes]
                         for pc in meta["components"]])
    np.testing.assert_allclose(loadings, reference.components_, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(meta["explained_variance"], reference.explained_variance_,
                               rtol=1e-12)
    np.testing.assert_allclose(meta["explained_variance_ratio"],
                               reference.explained_variance_ratio_, rtol=1e-12)
    np.testing.assert_allclose(list(meta["scaling"]["scale"].values()), scaler.scale_,
                               rtol=1e-12)

    trace, scree, cumulative, *others = figure["data"]
    assert trace["type"] == "scatter" and trace["mode"] == "markers"
    # The 2019 PCA's other traces: scree, cumulative, PC1 and PC2 loadings, one arrow each.
    np.testing.assert_allclose(scree["y"], 100 * reference.explained_variance_ratio_)
    assert abs(cumulative["y"][-1] - 100.0) < 1e-9
    assert len(others) == 2 + len(meta["variables"])
    np.testing.assert_allclose(trace["x"], scores[:, 0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(trace["y"], scores[:, 1], rtol=1e-10, atol=1e-12)
    assert trace["marker"]["color"] == target.values
    ratio = reference.explained_variance_ratio_[0]
    assert figure["layout"]["xaxis4"]["title"]["text"] == f"PC1 ({ratio:.1%} of the variance)"


def test_one_variable_is_too_few_to_draw_two_components(tmp_path: Path) -> None:
    volume = write_volume(tmp_path, algorithm="pca", variables=[real("x", [1, 2, 3])])
    assert dispatch(HANDLERS, ["compute"], volume) == 1
    assert read_result(volume, "compute")["error"] == "pca needs at least 2 variables, got 1"


def test_the_manifest_has_no_parameters_and_is_a_feature_extraction() -> None:
    pca = spec("pca")
    assert (pca.type, pca.predictive, pca.parameters, pca.commands) == (
        "features_extraction", False, (), ("compute",))
