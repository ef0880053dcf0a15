"""The bundled datasets: deterministic, consistent with their metadata, faithful to their source."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import datasets as sk

from woken.features.bundled import BUILDERS, BundledDataset
from woken.features.bundled.sample import build_sample
from woken.features.schema import check_variable

EXPECTED = {
    # code: (target, target type, rows, variables)
    "sample": ("cognitive_task2", "real", 1000, 10),
    "diabetes": ("progression", "real", 442, 11),
    "breast_cancer": ("diagnosis", "binominal", 569, 31),
    "wine": ("cultivar", "polynominal", 178, 14),
    "iris": ("species", "polynominal", 150, 5),
}


@pytest.fixture(scope="module")
def built() -> dict[str, BundledDataset]:
    return {code: build() for code, build in BUILDERS.items()}


def test_the_five_datasets_are_bundled() -> None:
    assert list(BUILDERS) == list(EXPECTED)


@pytest.mark.parametrize("code", list(EXPECTED))
def test_shape_target_and_codes(built: dict[str, BundledDataset], code: str) -> None:
    dataset = built[code]
    target, target_type, rows, variables = EXPECTED[code]
    assert dataset.code == code
    assert dataset.target == target
    assert dataset.variables[0].code == target  # the target comes first in listings
    assert dataset.variables[0].type == target_type
    assert dataset.row_count == rows
    assert len(dataset.variables) == variables
    for variable in dataset.variables:
        check_variable(variable)
    assert all(v.label and v.label != v.code for v in dataset.variables)  # human-readable
    assert dataset.label and dataset.description


@pytest.mark.parametrize("code", list(EXPECTED))
def test_nominal_values_are_enumeration_codes(built: dict[str, BundledDataset], code: str) -> None:
    dataset = built[code]
    for variable in dataset.variables:
        values = dataset.columns[variable.code]
        if variable.is_nominal:
            codes = {e["code"] for e in variable.enumerations}
            present = {v for v in values.tolist() if v is not None}
            assert present == codes, variable.code  # every code used, nothing else
        else:
            assert np.asarray(values, dtype=float).dtype == np.float64


@pytest.mark.parametrize("code", list(EXPECTED))
def test_rows_are_python_values_with_none_for_missing(
    built: dict[str, BundledDataset], code: str
) -> None:
    dataset = built[code]
    rows = dataset.rows()
    assert [row["subject_id"] for row in rows] == list(range(1, dataset.row_count + 1))
    types = {"real": float, "integer": int, "binominal": str, "polynominal": str}
    for variable in dataset.variables:
        seen = {type(row[variable.code]) for row in rows}
        assert seen <= {types[variable.type], type(None)}, variable.code


def test_building_is_deterministic() -> None:
    first, second = build_sample(), build_sample()
    assert first.rows() == second.rows()
    assert first.rows()[0]["cognitive_task2"] == 63.8  # seed 42 pinned: the same everywhere


def test_sample_has_a_few_percent_missing_in_one_column_only(
    built: dict[str, BundledDataset],
) -> None:
    sample = built["sample"]
    missing = {
        v.code: float(np.mean([x is None or x != x for x in sample.columns[v.code].tolist()]))
        for v in sample.variables
    }
    assert 0.02 <= missing.pop("stress_before_test1") <= 0.06
    assert set(missing.values()) == {0.0}


def test_sample_target_depends_on_the_others(built: dict[str, BundledDataset]) -> None:
    columns = built["sample"].columns
    target = columns["cognitive_task2"]
    for code in ("score_math_course1", "score_math_course2", "score_test1", "iq"):
        assert np.corrcoef(columns[code], target)[0, 1] > 0.5, code
    observed = ~np.isnan(columns["stress_before_test1"])
    stress_correlation = np.corrcoef(columns["stress_before_test1"][observed], target[observed])
    assert stress_correlation[0, 1] < 0


def test_sample_iq_band_is_derived_from_iq(built: dict[str, BundledDataset]) -> None:
    columns = built["sample"].columns
    for iq, band in zip(columns["iq"].tolist(), columns["iq_band"].tolist(), strict=True):
        assert band == ("low" if iq < 85 else "high" if iq > 115 else "average")


def test_sample_sex_labels(built: dict[str, BundledDataset]) -> None:
    sex = next(v for v in built["sample"].variables if v.code == "sex")
    assert sex.type == "binominal"
    assert sex.enumerations == ({"code": "M", "label": "Male"}, {"code": "F", "label": "Female"})


def test_sklearn_values_are_kept_exactly(built: dict[str, BundledDataset]) -> None:
    iris = sk.load_iris()
    assert np.array_equal(built["iris"].columns["petal_width"], iris.data[:, 3])
    assert built["iris"].columns["species"].tolist()[::50] == ["setosa", "versicolor", "virginica"]
    cancer = sk.load_breast_cancer()
    assert np.array_equal(built["breast_cancer"].columns["worst_concave_points"],
                          cancer.data[:, 27])
    assert built["breast_cancer"].columns["diagnosis"].tolist().count("malignant") == 212
    wine = sk.load_wine()
    assert np.array_equal(built["wine"].columns["od280_od315_of_diluted_wines"], wine.data[:, 11])
    diabetes = sk.load_diabetes(scaled=False)
    assert np.array_equal(built["diabetes"].columns["progression"], diabetes.target)
    assert built["diabetes"].columns["sex"].tolist()[:2] == ["2", "1"]


def test_diabetes_types_and_labels(built: dict[str, BundledDataset]) -> None:
    by_code = {v.code: v for v in built["diabetes"].variables}
    assert by_code["age"].type == "integer"
    assert by_code["sex"].type == "binominal"
    assert [e["code"] for e in by_code["sex"].enumerations] == ["1", "2"]
    assert by_code["bmi"].label == "Body mass index"
    assert by_code["s1"].label == "Total serum cholesterol (tc)"
    assert by_code["s6"].label == "Blood sugar level (glu)"


def test_classification_targets_name_their_classes(built: dict[str, BundledDataset]) -> None:
    def enumeration(code: str) -> list[str]:
        return [e["code"] for e in built[code].variables[0].enumerations]

    assert enumeration("breast_cancer") == ["malignant", "benign"]
    assert enumeration("wine") == ["class_0", "class_1", "class_2"]
    assert enumeration("iris") == ["setosa", "versicolor", "virginica"]
    assert built["breast_cancer"].variables[1].code == "mean_radius"
