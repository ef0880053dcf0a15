"""correlationHeatmap: a plotly heatmap whose matrix equals numpy's Pearson correlations."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.unit.algorithms.checks import spec
from tests.unit.algorithms.volumes import computed, iris, read_result, real, write_volume
from woken.algorithms.common.runner import dispatch
from woken.algorithms.correlationHeatmap.algorithm import HANDLERS
from woken.errors import BadRequest
from woken.features.variables import VariableMeta

PLOTLY = "application/vnd.plotly.v1+json"


def test_the_heatmap_holds_the_correlation_matrix_of_the_variables(tmp_path: Path) -> None:
    _, features = iris()
    volume = write_volume(tmp_path, algorithm="correlationHeatmap", variables=[features[0]],
                          covariables=features[1:])
    figure = computed(HANDLERS, volume, PLOTLY)
    (trace,) = figure["data"]
    assert trace["type"] == "heatmap" and (trace["zmin"], trace["zmax"]) == (-1, 1)
    X = np.column_stack([f.array for f in features])
    # As 2019 drew it: the matrix's first row at the top (plotly draws z[0] at the bottom).
    np.testing.assert_allclose(trace["z"][::-1], np.corrcoef(X, rowvar=False), rtol=1e-12)
    meta = figure["layout"]["meta"]
    assert meta["variables"] == [f.code for f in features]
    assert trace["x"] == trace["y"][::-1] == [f.meta["label"] for f in features]
    assert meta["n_rows"] == 150 and meta["method"] == "pearson" and meta["constant"] == []


def test_a_constant_variable_has_no_correlation(tmp_path: Path) -> None:
    volume = write_volume(tmp_path, algorithm="correlationHeatmap",
                          variables=[real("x", [1, 2, 3, 5])],
                          covariables=[real("c", [4, 4, 4, 4]), real("y", [2, 4, 5, 11])])
    figure = computed(HANDLERS, volume, PLOTLY)
    z = figure["data"][0]["z"][::-1]
    assert z[1] == [None, None, None] and z[0][1] is None
    assert z[0][2] == np.corrcoef([1, 2, 3, 5], [2, 4, 5, 11])[0, 1]
    assert figure["layout"]["meta"]["constant"] == ["c"]


def test_a_nominal_variable_is_refused(tmp_path: Path) -> None:
    species, features = iris()
    volume = write_volume(tmp_path, algorithm="correlationHeatmap", variables=[features[0]],
                          covariables=[species])
    assert dispatch(HANDLERS, ["compute"], volume) == 1
    assert read_result(volume, "compute")["error"] == (
        "correlationHeatmap works on numeric variables only; species is nominal")


def test_the_manifest_accepts_numeric_variables_only() -> None:
    age = VariableMeta("age", "Age", "real")
    sex = VariableMeta("sex", "Sex", "binominal", ({"code": "F", "label": "F"},
                                                   {"code": "M", "label": "M"}))
    heatmap = spec("correlationHeatmap")
    heatmap.check_variables([age], [age], [])
    for variables, covariables, refused in (([sex], [age], "variable 'sex'"),
                                            ([age], [sex], "covariables 'sex'"),
                                            ([age], [], "at least 1 covariables")):
        with pytest.raises(BadRequest, match=refused):
            heatmap.check_variables(variables, covariables, [])
