"""The features schema: column types per variable type, and the codes we accept to create."""

from __future__ import annotations

import numpy as np
import pytest
import sqlalchemy as sa

from woken.features.bundled.spec import BundledDataset, nominal, real, snake_case
from woken.features.schema import check_code, check_variable, column_type, data_table
from woken.features.variables import VariableMeta


@pytest.mark.parametrize(
    ("variable_type", "sql_type"),
    [("real", sa.Double), ("integer", sa.Integer), ("binominal", sa.String),
     ("polynominal", sa.String), ("nominal", sa.String), ("text", sa.String), ("date", sa.Date)],
)
def test_column_type(variable_type: str, sql_type: type) -> None:
    assert isinstance(column_type(VariableMeta("x", "X", variable_type)), sql_type)


def test_unknown_type_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown type 'blob'"):
        column_type(VariableMeta("x", "X", "blob"))


def test_data_table_has_subject_id_key_and_one_column_per_variable() -> None:
    table = data_table("t", [VariableMeta("a", "A", "real"), VariableMeta("b", "B", "integer")])
    assert [c.name for c in table.columns] == ["subject_id", "a", "b"]
    assert [c.name for c in table.primary_key] == ["subject_id"]
    assert all(c.nullable for c in table.columns if c.name != "subject_id")


@pytest.mark.parametrize(
    ("code", "reason"),
    [("", "empty"), (None, "not a string"), ("a\x00b", "NUL"), ("a" * 64, "64 bytes long"),
     ("é" * 32, "64 bytes long")],
)
def test_check_code_refuses_what_sql_cannot_hold(code: object, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        check_code("variable", code)


def test_check_code_accepts_any_code_the_metadata_may_hold() -> None:
    for code in ("a", "mean_radius", "s1", "desd-synthdata", "_3rdventricle", "Age", "1st",
                 "a b", 'a"b', "x; DROP TABLE t", "a" * 63, "é" * 31):
        check_code("variable", code)


@pytest.mark.parametrize("code", ["subject_id", "dataset"])
def test_reserved_columns_are_no_variables(code: str) -> None:
    with pytest.raises(ValueError, match="is reserved"):
        check_variable(VariableMeta(code, "X", "real"))


def test_a_shared_table_has_a_dataset_column() -> None:
    table = data_table("t", [VariableMeta("a", "A", "real")], dataset_column=True)
    assert [c.name for c in table.columns] == ["subject_id", "dataset", "a"]


def test_check_variable_needs_enumerations_for_nominal_types() -> None:
    with pytest.raises(ValueError, match="has no enumerations"):
        check_variable(VariableMeta("sex", "Sex", "binominal"))
    with pytest.raises(ValueError, match="exactly 2 enumerations"):
        check_variable(VariableMeta("sex", "Sex", "binominal", ({"code": "M", "label": "M"},)))


def test_bundled_dataset_refuses_inconsistent_columns() -> None:
    with pytest.raises(ValueError, match="variables and columns differ"):
        BundledDataset("d", "D", "", (real("a", "A"),), {"b": np.zeros(2)}, "a")
    with pytest.raises(ValueError, match="different lengths"):
        BundledDataset("d", "D", "", (real("a", "A"), real("b", "B")),
                       {"a": np.zeros(2), "b": np.zeros(3)}, "a")
    with pytest.raises(ValueError, match="is empty"):
        BundledDataset("", "D", "", (real("a", "A"),), {"a": np.zeros(2)}, "a")


def test_nominal_helper_picks_binominal_or_polynominal() -> None:
    assert nominal("s", "S", (("a", "A"), ("b", "B"))).type == "binominal"
    assert nominal("s", "S", (("a", "A"), ("b", "B"), ("c", "C"))).type == "polynominal"


def test_snake_case() -> None:
    assert snake_case("mean concave points") == "mean_concave_points"
    assert snake_case("od280/od315_of_diluted_wines") == "od280_od315_of_diluted_wines"
    assert snake_case("Sepal length") == "sepal_length"
