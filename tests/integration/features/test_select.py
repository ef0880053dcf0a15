"""select(): exactly the rows numpy computes from the sources, NULLs left out, in a stable order."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
import sqlalchemy as sa
from sklearn import datasets as sk

from woken.errors import BadRequest
from woken.features.bundled.sample import build_sample
from woken.features.database import FeaturesDatabase
from woken.features.filters import parse_filters
from woken.features.schema import meta_datasets

SAMPLE = build_sample().columns


def where(*rules: dict[str, Any], condition: str = "AND") -> Any:
    return parse_filters({"condition": condition, "rules": list(rules)})


def rule(field: str, operator: str, value: Any = None) -> dict[str, Any]:
    return {"id": field, "field": field, "type": "double", "operator": operator, "value": value}


def test_sample_with_a_filter_equals_numpy(features: FeaturesDatabase) -> None:
    selected = features.select(
        ["sample"],
        ["cognitive_task2", "stress_before_test1", "sex"],
        where(rule("sex", "equal", "F"), rule("iq", "greater", 100)),
    )
    stress = SAMPLE["stress_before_test1"]
    mask = (SAMPLE["sex"] == "F") & (SAMPLE["iq"] > 100) & ~np.isnan(stress)
    expected = [[c, s, "F"] for c, s in zip(SAMPLE["cognitive_task2"][mask].tolist(),
                                            stress[mask].tolist(), strict=True)]
    assert selected.columns == ["cognitive_task2", "stress_before_test1", "sex"]
    assert selected.rows == expected
    assert 200 < len(expected) < 300  # the filter does select something, not everything


def test_rows_with_a_missing_value_are_not_selected(features: FeaturesDatabase) -> None:
    missing = int(np.isnan(SAMPLE["stress_before_test1"]).sum())
    assert 20 < missing < 60
    with_stress = features.select(["sample"], ["cognitive_task2", "stress_before_test1"], None)
    assert len(with_stress.rows) == 1000 - missing
    assert all(value is not None for row in with_stress.rows for value in row)
    assert len(features.select(["sample"], ["cognitive_task2"], None).rows) == 1000
    # A filter may look at a column that is not selected, NULLs included.
    stress_missing = features.select(
        ["sample"], ["cognitive_task2"], where(rule("stress_before_test1", "is_null"))
    )
    expected = SAMPLE["cognitive_task2"][np.isnan(SAMPLE["stress_before_test1"])].tolist()
    assert [row[0] for row in stress_missing.rows] == expected


def test_kept_missing_values_are_none_except_in_required_columns(
    features: FeaturesDatabase,
) -> None:
    columns = ["cognitive_task2", "stress_before_test1"]
    missing = int(np.isnan(SAMPLE["stress_before_test1"]).sum())
    kept = features.select(["sample"], columns, None, keep_missing=True,
                           required=["cognitive_task2"])
    assert len(kept.rows) == 1000
    assert sum(row[1] is None for row in kept.rows) == missing
    # Required: a row missing its value is left out, as without keep_missing.
    required = features.select(["sample"], columns, None, keep_missing=True,
                               required=["stress_before_test1"])
    assert len(required.rows) == 1000 - missing
    assert all(row[1] is not None for row in required.rows)


def test_iris_in_and_between(features: FeaturesDatabase) -> None:
    iris = sk.load_iris()
    species = np.array(iris.target_names)[iris.target]
    selected = features.select(
        ["iris"],
        ["species", "petal_length"],
        where(rule("species", "in", ["setosa", "virginica"]),
              rule("petal_length", "between", [1.5, 5.0])),
    )
    mask = np.isin(species, ["setosa", "virginica"]) & (iris.data[:, 2] >= 1.5) & (
        iris.data[:, 2] <= 5.0
    )
    assert selected.rows == [[s, p] for s, p in zip(species[mask].tolist(),
                                                   iris.data[mask, 2].tolist(), strict=True)]
    assert {row[0] for row in selected.rows} == {"setosa", "virginica"}


def test_diabetes_integer_and_nominal_codes(features: FeaturesDatabase) -> None:
    diabetes = sk.load_diabetes(scaled=False)
    age, sex, bmi = diabetes.data[:, 0], diabetes.data[:, 1], diabetes.data[:, 2]
    selected = features.select(
        ["diabetes"],
        ["progression", "age", "sex", "bmi"],
        where(rule("age", "greater_or_equal", "60"), rule("sex", "equal", 2),
              rule("bmi", "less", 25)),
    )
    mask = (age >= 60) & (sex == 2) & (bmi < 25)
    assert selected.rows == [
        [p, int(a), "2", b]
        for p, a, b in zip(diabetes.target[mask].tolist(), age[mask].tolist(),
                           bmi[mask].tolist(), strict=True)
    ]
    assert all(type(row[1]) is int and type(row[0]) is float for row in selected.rows)


def test_wine_nested_or_and_negation(features: FeaturesDatabase) -> None:
    wine = sk.load_wine()
    alcohol, hue = wine.data[:, 0], wine.data[:, 10]
    cultivar = np.array(wine.target_names)[wine.target]
    raw = {"condition": "AND", "rules": [
        rule("cultivar", "not_in", ["class_0"]),
        {"condition": "OR", "rules": [
            rule("alcohol", "greater", 13.5),
            {"condition": "AND", "not": True, "rules": [rule("hue", "between", [0.8, 1.0])]},
        ]},
    ]}
    selected = features.select(["wine"], ["cultivar", "alcohol"], parse_filters(json.dumps(raw)))
    mask = (cultivar != "class_0") & ((alcohol > 13.5) | ~((hue >= 0.8) & (hue <= 1.0)))
    assert selected.rows == [[c, a] for c, a in zip(cultivar[mask].tolist(),
                                                   alcohol[mask].tolist(), strict=True)]


def test_breast_cancer_counts(features: FeaturesDatabase) -> None:
    cancer = sk.load_breast_cancer()
    selected = features.select(
        ["breast_cancer"], ["diagnosis", "worst_radius"],
        where(rule("diagnosis", "equal", "malignant"), rule("worst_radius", "greater", 20)),
    )
    expected = int(((cancer.target == 0) & (cancer.data[:, 20] > 20)).sum())
    assert len(selected.rows) == expected > 50


def test_pattern_operators_on_codes(features: FeaturesDatabase) -> None:
    selected = features.select(["sample"], ["agegroup"], where(rule("agegroup", "ends_with", "9y")))
    assert {row[0] for row in selected.rows} == {"50-59y", "60-69y", "70-79y"}
    assert len(selected.rows) == int(np.isin(SAMPLE["agegroup"], ["50-59y", "60-69y",
                                                                  "70-79y"]).sum())


def test_several_datasets_are_one_union_in_request_order(features: FeaturesDatabase) -> None:
    iris = sk.load_iris()
    species = np.array(iris.target_names)[iris.target].tolist()
    both = features.select(["iris", "flowers"], ["species", "sepal_length"], None)
    expected_iris = [[s, x] for s, x in zip(species, iris.data[:, 0].tolist(), strict=True)]
    # flowers' second row has no sepal_length: left out.
    expected_flowers = [["setosa", 5.0], ["versicolor", 6.1], ["virginica", 7.0], ["setosa", 4.4]]
    assert both.rows == expected_iris + expected_flowers
    reversed_ = features.select(["flowers", "iris"], ["species", "sepal_length"], None)
    assert reversed_.rows == expected_flowers + expected_iris
    filtered = features.select(["iris", "flowers"], ["sepal_length"],
                               where(rule("species", "equal", "virginica"),
                                     rule("sepal_length", "greater", 6.9)))
    expected = [[x] for s, x in zip(species, iris.data[:, 0].tolist(), strict=True)
                if s == "virginica" and x > 6.9]
    assert filtered.rows == [*expected, [7.0]]


def test_values_are_json_friendly_and_results_repeatable(features: FeaturesDatabase) -> None:
    columns = ["cognitive_task2", "sex", "agegroup", "iq"]
    first = features.select(["sample"], columns, None)
    assert first == features.select(["sample"], columns, None)
    document = json.loads(json.dumps(first.to_json(), allow_nan=False))
    assert document["columns"] == columns
    assert document["rows"][0] == [63.8, "M", "70-79y", 114.4]
    assert {type(v) for row in first.rows for v in row[::3]} == {float}


def test_legacy_sql_selects_the_same_rows(features: FeaturesDatabase) -> None:
    filter_ = where(rule("agegroup", "begins_with", "-5"), rule("iq", "less", 90))
    columns = ["cognitive_task2", "agegroup"]
    sql = features.select_sql(["sample"], columns, filter_)
    assert "'-5'" in sql and "90" in sql
    # As a legacy image runs it: the text alone, through the driver, without parameters.
    raw = features.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(sql)
        rows = [list(row) for row in cursor.fetchall()]
    finally:
        raw.close()
    assert rows == features.select(["sample"], columns, filter_).rows
    assert len(rows) > 10


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ([], "no variable selected"),
        (["iq", "sex", "iq"], "variable(s) selected more than once: 'iq'"),
        (["iq", "nope"], "unknown variable(s) 'nope' in dataset 'sample'"),
    ],
)
def test_bad_column_lists(features: FeaturesDatabase, columns: list[str], message: str) -> None:
    with pytest.raises(BadRequest) as raised:
        features.select(["sample"], columns, None)
    assert message in str(raised.value)


def test_filter_errors_reach_the_caller(features: FeaturesDatabase) -> None:
    with pytest.raises(BadRequest, match="filter rule 'nope equal 1': unknown variable 'nope'"):
        features.select(["sample"], ["iq"], where(rule("nope", "equal", 1)))
    with pytest.raises(BadRequest, match="is not a code of 'sex' \\(codes: M, F\\)"):
        features.select(["sample"], ["iq"], where(rule("sex", "equal", "Male")))


def test_a_table_dropped_behind_our_back_makes_its_dataset_unknown(loaded_url: str) -> None:
    database = FeaturesDatabase(loaded_url)
    table = sa.Table("orphan", sa.MetaData(), sa.Column("subject_id", sa.Integer))
    with database.engine.begin() as connection:
        connection.execute(meta_datasets.insert().values(
            code="orphan", label="Orphan", description="", table_name=table.name))
    try:
        assert "orphan" not in {d.code for d in database.datasets()}
        with pytest.raises(BadRequest, match="unknown dataset 'orphan'"):
            database.select(["orphan"], ["x"], None)
    finally:
        with database.engine.begin() as connection:
            connection.execute(meta_datasets.delete().where(meta_datasets.c.code == "orphan"))
        database.dispose()


def test_raw_request_filters_are_parsed_by_select(features: FeaturesDatabase) -> None:
    raw = {"condition": "AND", "rules": [rule("species", "equal", "virginica")]}
    parsed = features.select(["iris"], ["petal_width"], where(rule("species", "equal",
                                                                   "virginica")))
    assert len(parsed.rows) == 50
    assert features.select(["iris"], ["petal_width"], raw) == parsed
    assert features.select(["iris"], ["petal_width"], json.dumps(raw)) == parsed
    assert len(features.select(["iris"], ["petal_width"], "").rows) == 150
    assert len(features.select(["iris"], ["petal_width"], []).rows) == 150
    with pytest.raises(BadRequest, match="raw SQL filters are not accepted"):
        features.select(["iris"], ["petal_width"], "species = 'virginica'")


def test_a_single_code_string_is_one_code(features: FeaturesDatabase) -> None:
    assert features.select("iris", "species", None) == features.select(["iris"], ["species"], None)
    assert [m.code for m in features.resolve("iris", "species")] == ["species"]
