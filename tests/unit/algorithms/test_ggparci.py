"""ggparci: parallel coordinates as SVG, one line per row, each group's mean and 95% band."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

from tests.unit.algorithms.volumes import computed, diabetes, iris, write_volume
from woken.algorithms.ggparci.algorithm import HANDLERS, Z_95

SVG = "{http://www.w3.org/2000/svg}"


def _points(element: ET.Element) -> np.ndarray:
    return np.array([[float(v) for v in p.split(",")] for p in element.get("points", "").split()])


def test_each_row_is_a_line_and_each_species_has_its_mean_and_band(tmp_path: Path) -> None:
    species, features = iris()
    svg = computed(HANDLERS, write_volume(tmp_path, algorithm="ggparci", variables=[species],
                                          covariables=features), "svg")
    root = ET.fromstring(svg)
    lines = {kind: root.findall(f"{SVG}polyline[@class='{kind}']")
             for kind in ("axis", "row", "mean")}
    assert [len(lines[k]) for k in ("axis", "row", "mean")] == [4, 150, 3]
    bands = root.findall(f"{SVG}polygon[@class='band']")
    assert [b.find(f"{SVG}title").text for b in bands] == ["Setosa", "Versicolor", "Virginica"]
    # The setosa mean on the first axis, in the axis' scale: y decreases as values grow.
    X = np.column_stack([f.array for f in features])
    scaled = (X - X.min(axis=0)) / np.ptp(X, axis=0)
    setosa = scaled[species.array == "setosa"]
    y_of = (400 - 60) - setosa.mean(axis=0) * (400 - 2 * 60)
    np.testing.assert_allclose(_points(lines["mean"][0])[:, 1], y_of, atol=0.01)
    band = _points(bands[0])
    half_width = Z_95 * setosa.std(axis=0, ddof=1) / np.sqrt(50) * (400 - 2 * 60)
    np.testing.assert_allclose(band[:4, 1], y_of - half_width, atol=0.01)


def test_a_numeric_variable_draws_one_group(tmp_path: Path) -> None:
    target, features = diabetes()
    svg = computed(HANDLERS, write_volume(tmp_path, algorithm="ggparci", variables=[target],
                                          covariables=features[:3]), "svg")
    root = ET.fromstring(svg)
    assert [t.text for t in root.iter(f"{SVG}title")][1:] == ["all", "all"]
