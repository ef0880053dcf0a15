"""histograms: Highcharts column charts whose counts equal numpy.histogram's."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.unit.algorithms.volumes import (
    breast_cancer,
    computed,
    iris,
    nominal,
    read_result,
    real,
    write_volume,
)
from woken.algorithms.common.runner import dispatch
from woken.algorithms.histograms.algorithm import HANDLERS, edge_labels


def _compute(volume: Path) -> list[dict]:
    return computed(HANDLERS, volume, "highcharts_json")


def test_numeric_counts_equal_numpy_histogram_overall_and_per_group(tmp_path: Path) -> None:
    species, features = iris()
    sepal_length = features[0]
    charts = _compute(write_volume(tmp_path, algorithm="histograms", variables=[sepal_length],
                                   covariables=[species], parameters={"bins": "8"}))
    assert len(charts) == 2
    overall, by_species = charts
    edges = np.histogram_bin_edges(sepal_length.array, bins=8)
    assert overall["series"] == [
        {"name": "All", "data": np.histogram(sepal_length.array, bins=edges)[0].tolist()}]
    assert len(overall["xAxis"]["categories"]) == 8
    assert overall["xAxis"]["categories"][0] == "4.3 - 4.75"
    assert by_species["title"]["text"] == "Histogram of sepal_length_cm by species"
    for series, name in zip(by_species["series"], ["setosa", "versicolor", "virginica"],
                            strict=True):
        assert series["name"] == name.title()
        expected = np.histogram(sepal_length.array[species.array == name], bins=edges)[0]
        assert series["data"] == expected.tolist()
    assert overall["chart"] == {"type": "column"}


def test_a_nominal_target_is_counted_per_category(tmp_path: Path) -> None:
    diagnosis, _ = breast_cancer()
    site = nominal("site", ["a", "b", "c"] * 189 + ["a", "b"], categories=["a", "b", "c", "d"])
    charts = _compute(write_volume(tmp_path, algorithm="histograms", variables=[diagnosis],
                                   covariables=[site]))
    assert charts[0]["xAxis"]["categories"] == ["Malignant", "Benign"]
    assert charts[0]["series"][0]["data"] == [212, 357]
    assert [s["name"] for s in charts[1]["series"]] == [f"label of {c}" for c in "abcd"]
    assert charts[1]["series"][3]["data"] == [0, 0]
    assert sum(sum(s["data"]) for s in charts[1]["series"]) == 569


def test_edge_labels_have_enough_digits_to_differ() -> None:
    assert edge_labels(np.array([1000.01, 1000.015, 1000.02])) == [
        "1000.01", "1000.015", "1000.02"]
    assert edge_labels(np.array([0.0, 0.5, 1.0])) == ["0", "0.5", "1"]


@pytest.mark.parametrize(("bins", "message"), [("1", "between 2 and 100"),
                                               ("ten", "must be an integer")])
def test_a_bad_bins_parameter_fails_clearly(tmp_path: Path, bins: str, message: str) -> None:
    volume = write_volume(tmp_path, algorithm="histograms", variables=[real("x", [1, 2, 3])],
                          parameters={"bins": bins})
    assert dispatch(HANDLERS, ["compute"], volume) == 1
    assert message in read_result(volume, "compute")["error"]


def test_a_numeric_covariable_is_accepted_and_gets_no_chart(tmp_path: Path) -> None:
    """As in 2019 (histograms.json): real covariables are not refused; the target is charted."""
    volume = write_volume(tmp_path, algorithm="histograms", variables=[real("x", [1, 2, 3])],
                          covariables=[real("age", [4, 5, 6]), nominal("sex", ["F", "M", "F"])])
    charts = computed(HANDLERS, volume, "highcharts_json")
    assert [chart["title"]["text"] for chart in charts] == [
        "Histogram of x", "Histogram of x by sex"]
    assert all(chart["label"] == "Histogram" for chart in charts)
