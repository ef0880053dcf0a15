"""SQL injection attempts: every one is refused, or compared literally and harmless.

After each test the tables must still be there with all their rows: a payload
that reached SQL as text would have dropped or widened something.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from woken.errors import BadRequest
from woken.features.database import FeaturesDatabase
from woken.features.filters import parse_filters

SIZES = {"sample": 1000, "iris": 150, "flowers": 5}


@pytest.fixture(autouse=True)
def tables_survive(features: FeaturesDatabase) -> Iterator[None]:
    yield
    sizes = {d.code: d.row_count for d in features.datasets()}
    assert {code: sizes.get(code) for code in SIZES} == SIZES
    assert len(sizes) == 6


def where(field: str, operator: str, value: Any = None) -> Any:
    return parse_filters(
        {"condition": "AND", "rules": [{"field": field, "operator": operator, "value": value}]}
    )


@pytest.mark.parametrize(
    "code",
    [
        "iq; DROP TABLE sample; --",
        'iq"; DROP TABLE sample; --',
        "iq FROM sample; DROP TABLE iris; --",
        "IQ",
        "sample.iq",
        "*",
        "subject_id",
        "1",
    ],
)
def test_variable_codes_are_checked_before_sql(features: FeaturesDatabase, code: str) -> None:
    with pytest.raises(BadRequest) as raised:
        features.select(["sample"], ["cognitive_task2", code], None)
    assert str(raised.value) == f"unknown variable(s) {code!r} in dataset 'sample'"


@pytest.mark.parametrize(
    "code",
    ["sample; DROP TABLE iris", 'sample"', "meta_datasets", "meta_variables", "SAMPLE"],
)
def test_dataset_codes_are_checked_before_sql(features: FeaturesDatabase, code: str) -> None:
    with pytest.raises(BadRequest, match="unknown dataset"):
        features.select([code], ["iq"], None)


@pytest.mark.parametrize("field", ["iq) OR (1=1", "iq OR 1=1", "subject_id", "iq --"])
def test_filter_fields_are_checked_before_sql(features: FeaturesDatabase, field: str) -> None:
    with pytest.raises(BadRequest, match=re.escape(f"unknown variable '{field}'")):
        features.select(["sample"], ["iq"], where(field, "is_not_null"))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("sex", "F' OR '1'='1", "is not a code of 'sex'"),
        ("iq", "1 OR 1=1", "is not a number"),
        ("iq", "100; DROP TABLE sample", "is not a number"),
        ("iq", "0x10", "is not a number"),
    ],
)
def test_values_that_do_not_fit_their_type_are_refused(
    features: FeaturesDatabase, field: str, value: str, message: str
) -> None:
    with pytest.raises(BadRequest, match=message):
        features.select(["sample"], ["iq"], where(field, "equal", value))


@pytest.mark.parametrize(
    ("operator", "value"),
    [
        ("equal", "blue' OR '1'='1"),
        ("not_equal", "x') OR 1=1; DROP TABLE flowers; --"),
        ("contains", "%"),
        ("contains", "_"),
        ("begins_with", "' OR 1=1 --"),
        ("ends_with", "%'; DROP TABLE flowers; --"),
        ("in", ["blue", "x'); DROP TABLE flowers; --"]),
    ],
)
def test_text_values_are_compared_literally(
    features: FeaturesDatabase, operator: str, value: Any
) -> None:
    selected = features.select(["flowers"], ["colour"], where("colour", operator, value))
    expected = {
        # not_equal: every colour differs from the payload (NULL colours are not selected)
        "not_equal": [["white"], ["blue"], ["violet"], ["blue"]],
        "in": [["blue"], ["blue"]],
    }.get(operator, [])
    assert selected.rows == expected


def test_wildcards_in_patterns_on_codes_are_literal(features: FeaturesDatabase) -> None:
    assert features.select(["sample"], ["agegroup"], where("agegroup", "contains", "%")).rows == []
    plus = features.select(["sample"], ["agegroup"], where("agegroup", "begins_with", "+"))
    assert {row[0] for row in plus.rows} == {"+80y"}


def test_raw_sql_filters_are_refused() -> None:
    with pytest.raises(BadRequest, match="raw SQL filters are not accepted"):
        parse_filters("age > 3; DROP TABLE sample")


@pytest.mark.parametrize("payload", ["x'); DROP TABLE flowers; --", "a\\' OR 1=1 --", "50%_/"])
def test_legacy_sql_text_quotes_values(features: FeaturesDatabase, payload: str) -> None:
    sql = features.select_sql(["flowers"], ["colour"], where("colour", "contains", payload))
    raw = features.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(sql)
        assert cursor.fetchall() == []
    finally:
        raw.close()
