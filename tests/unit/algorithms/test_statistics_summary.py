"""statisticsSummary: pandas-describe statistics of numeric variables, counts of nominal ones."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.unit.algorithms.volumes import (
    Column,
    computed,
    iris,
    nominal,
    real,
    wine,
    write_volume,
)
from woken.algorithms.statisticsSummary.algorithm import HANDLERS
from woken.catalogue.registry import Registry
from woken.config import ALGORITHMS_DIR


def _compute(volume: Path) -> dict:
    return computed(HANDLERS, volume, "tabular_data_resource_json")


def test_numeric_statistics_equal_numpys_on_wine(tmp_path: Path) -> None:
    _, features = wine()
    data = _compute(write_volume(tmp_path, algorithm="statisticsSummary",
                                 variables=[features[0]], covariables=features[1:5]))
    assert data["count"] == 178
    assert [v["index"] for v in data["data"]] == [f.code for f in features[:5]]
    assert [v["role"] for v in data["data"]] == ["variable"] + ["covariable"] * 4
    for summary, feature in zip(data["data"], features[:5], strict=True):
        values = feature.array
        assert summary["count"] == 178
        assert summary["mean"] == pytest.approx(values.mean(), rel=1e-12)
        assert summary["std"] == pytest.approx(np.std(values, ddof=1), rel=1e-12)
        assert summary["EX^2"] == pytest.approx(np.mean(values ** 2), rel=1e-12)
        assert summary["null_count"] == 0 and summary["group"] == ["all"]
        assert summary["min"] == values.min() and summary["max"] == values.max()
        assert [summary["25%"], summary["50%"], summary["75%"]] == pytest.approx(
            np.percentile(values, [25, 50, 75]), rel=1e-12)


def test_nominal_counts_cover_every_enumeration(tmp_path: Path) -> None:
    species, features = iris()
    sex = nominal("sex", ["F", "M", "F", "F"] * 37 + ["F", "F"], categories=["F", "M", "X"],
                  labels=["Female", "Male", "Other"], type="nominal")
    data = _compute(write_volume(tmp_path, algorithm="statisticsSummary", variables=[species],
                                 covariables=[features[0]], grouping=[sex]))
    by_code = {v["index"]: v for v in data["data"]}
    assert by_code["species"]["categories"] == [
        {"code": c, "label": c.title(), "count": 50, "frequency": pytest.approx(1 / 3)}
        for c in ("setosa", "versicolor", "virginica")
    ]
    assert by_code["sex"]["role"] == "grouping"
    assert [(c["code"], c["label"], c["count"]) for c in by_code["sex"]["categories"]] == [
        ("F", "Female", 113), ("M", "Male", 37), ("X", "Other", 0)]
    assert sum(c["frequency"] for c in by_code["sex"]["categories"]) == pytest.approx(1.0)


def test_one_row_has_no_standard_deviation_and_no_rows_no_statistics(tmp_path: Path) -> None:
    one = _compute(write_volume(tmp_path / "one", algorithm="statisticsSummary",
                                variables=[real("x", [4.0])]))
    assert one["data"][0]["std"] is None and one["data"][0]["50%"] == 4.0
    none = _compute(write_volume(tmp_path / "none", algorithm="statisticsSummary",
                                 variables=[real("x", [4.0]), nominal("c", ["a"])],
                                 train_rows=[]))
    assert none["count"] == 0
    assert none["data"][0]["mean"] is None


def test_missing_values_are_counted_per_variable_not_hidden(tmp_path: Path) -> None:
    age = Column({"code": "age", "label": "Age", "type": "real"}, [70.0, None, 64.0, None, 58.0])
    sex = Column(nominal("sex", ["F"]).meta, ["F", "M", None, "F", "F"])
    sex.meta["enumerations"] = [{"code": "F", "label": "F"}, {"code": "M", "label": "M"}]
    data = _compute(write_volume(tmp_path, algorithm="statisticsSummary",
                                 variables=[age], covariables=[sex]))
    by_code = {v["index"]: v for v in data["data"]}
    assert data["count"] == 5
    assert (by_code["age"]["count"], by_code["age"]["null_count"]) == (3, 2)
    assert by_code["age"]["mean"] == pytest.approx(64.0)
    assert (by_code["sex"]["count"], by_code["sex"]["null_count"]) == (4, 1)
    assert [c["count"] for c in by_code["sex"]["categories"]] == [3, 1]


def test_the_manifest_asks_for_the_rows_with_missing_values() -> None:
    assert Registry.load(ALGORITHMS_DIR).get("statisticsSummary").keeps_missing
    assert not Registry.load(ALGORITHMS_DIR).get("knn").keeps_missing
