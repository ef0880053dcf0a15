"""What a loaded features database says about its datasets and variables."""

from __future__ import annotations

import pytest
from sklearn import datasets as sk

from woken.errors import BadRequest
from woken.features.database import FeaturesDatabase


def test_datasets_and_row_counts_equal_the_sources(features: FeaturesDatabase) -> None:
    sizes = {d.code: d.row_count for d in features.datasets()}
    assert sizes == {
        "breast_cancer": len(sk.load_breast_cancer().target),  # 569
        "diabetes": len(sk.load_diabetes().target),  # 442
        "flowers": 5,
        "iris": len(sk.load_iris().target),  # 150
        "sample": 1000,
        "wine": len(sk.load_wine().target),  # 178
    }
    assert sizes["iris"] == 150 and sizes["wine"] == 178
    assert sizes["breast_cancer"] == 569 and sizes["diabetes"] == 442


def test_one_dataset(features: FeaturesDatabase) -> None:
    iris = features.dataset("iris")
    assert (iris.code, iris.label, iris.table, iris.row_count) == ("iris", "Iris", "iris", 150)
    assert "Fisher" in iris.description
    assert iris.to_json()["code"] == "iris"


def test_unknown_dataset_lists_the_known_ones(features: FeaturesDatabase) -> None:
    with pytest.raises(BadRequest) as raised:
        features.dataset("mnist")
    assert str(raised.value) == (
        "unknown dataset 'mnist' (known: breast_cancer, diabetes, flowers, iris, sample, wine)"
    )


@pytest.mark.parametrize(
    ("dataset", "expected"),
    [
        ("sample", {"cognitive_task2": "real", "score_math_course1": "real",
                    "score_math_course2": "real", "score_test1": "real",
                    "stress_before_test1": "real", "college_math": "real", "iq": "real",
                    "sex": "binominal", "iq_band": "polynominal", "agegroup": "polynominal"}),
        ("diabetes", {"progression": "real", "age": "integer", "sex": "binominal",
                      "bmi": "real", "bp": "real", **{f"s{i}": "real" for i in range(1, 7)}}),
        ("iris", {"species": "polynominal", "sepal_length": "real", "sepal_width": "real",
                  "petal_length": "real", "petal_width": "real"}),
    ],
)
def test_variable_types_in_declaration_order(
    features: FeaturesDatabase, dataset: str, expected: dict[str, str]
) -> None:
    variables = features.variables([dataset])
    assert [(v.code, v.type) for v in variables] == list(expected.items())


def test_variables_of_breast_cancer_and_wine(features: FeaturesDatabase) -> None:
    cancer = features.variables(["breast_cancer"])
    assert len(cancer) == 31
    assert cancer[0].to_json() == {
        "code": "diagnosis", "label": "Diagnosis", "type": "binominal",
        "enumerations": [{"code": "malignant", "label": "Malignant"},
                         {"code": "benign", "label": "Benign"}],
        "description": "Diagnosis of the breast mass.",
    }
    assert {v.type for v in cancer[1:]} == {"real"}
    wine = features.variables(["wine"])
    assert wine[0].code == "cultivar" and wine[0].type == "polynominal"
    assert [e["code"] for e in wine[0].enumerations] == ["class_0", "class_1", "class_2"]
    assert len(wine) == 14


def test_several_datasets_share_only_alike_variables(features: FeaturesDatabase) -> None:
    # petal_length is real in iris and integer in flowers; colour is only in flowers.
    assert [v.code for v in features.variables(["iris", "flowers"])] == [
        "species", "sepal_length"
    ]
    # sex is binominal in both, but M/F in one and 1/2 in the other: not one variable.
    assert features.variables(["sample", "diabetes"]) == []


def test_resolve_keeps_the_requested_order(features: FeaturesDatabase) -> None:
    metas = features.resolve(["sample"], ["sex", "cognitive_task2", "iq"])
    assert [(m.code, m.type) for m in metas] == [
        ("sex", "binominal"), ("cognitive_task2", "real"), ("iq", "real")
    ]
    assert metas[0].enumerations[1] == {"code": "F", "label": "Female"}
    assert metas[1].unit == "points"


def test_resolve_names_every_unknown_code(features: FeaturesDatabase) -> None:
    with pytest.raises(BadRequest) as raised:
        features.resolve(["sample"], ["foo", "iq", "bar"])
    assert str(raised.value) == "unknown variable(s) 'foo', 'bar' in dataset 'sample'"
    assert raised.value.details == {"unknown": {"sample": ["foo", "bar"]}}


def test_resolve_over_several_datasets(features: FeaturesDatabase) -> None:
    assert [m.code for m in features.resolve(["iris", "flowers"], ["sepal_length"])] == [
        "sepal_length"
    ]
    with pytest.raises(BadRequest) as raised:
        features.resolve(["iris", "flowers"], ["sepal_width", "colour"])
    assert str(raised.value) == (
        "unknown variable(s) 'colour' in dataset 'iris'; 'sepal_width' in dataset 'flowers'"
    )
    with pytest.raises(BadRequest, match="variable 'petal_length' differs between datasets: "
                                         "real in 'iris', integer in 'flowers'"):
        features.resolve(["iris", "flowers"], ["petal_length"])
    with pytest.raises(BadRequest, match=r"binominal \(M, F\) in 'sample', "
                                         r"binominal \(1, 2\) in 'diabetes'"):
        features.resolve(["sample", "diabetes"], ["sex"])


@pytest.mark.parametrize(
    ("datasets", "message"),
    [
        ([], "no dataset given"),
        (["iris", "iris"], "dataset(s) given more than once: 'iris'"),
        (["iris", "nope"], "unknown dataset 'nope' (known: "),
        ([{"code": "iris"}], "dataset codes must be strings"),
    ],
)
def test_bad_dataset_lists(features: FeaturesDatabase, datasets: list[str], message: str) -> None:
    with pytest.raises(BadRequest) as raised:
        features.variables(datasets)
    assert message in str(raised.value)


def test_a_loaded_database_is_not_empty(features: FeaturesDatabase) -> None:
    assert features.is_empty() is False
