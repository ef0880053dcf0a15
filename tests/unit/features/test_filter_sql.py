"""filter_to_sql: every operator's meaning, run on SQLite, and every value checked by type."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from woken.errors import BadRequest
from woken.features.engine import create_features_engine
from woken.features.filters import Group, Rule, filter_to_sql, parse_filters
from woken.features.schema import SUBJECT_ID, data_table
from woken.features.variables import VariableMeta

METAS = {
    m.code: m
    for m in (
        VariableMeta("age", "Age", "integer"),
        VariableMeta("score", "Score", "real"),
        VariableMeta("sex", "Sex", "binominal",
                     ({"code": "M", "label": "Male"}, {"code": "F", "label": "Female"})),
        VariableMeta("name", "Name", "text"),
        VariableMeta("born", "Born", "date"),
    )
}
TABLE = data_table("people", METAS.values())
COLUMNS = ("subject_id", "age", "score", "sex", "name", "born")
ROWS = [
    dict(zip(COLUMNS, values, strict=True))
    for values in (
        (1, 30, 1.5, "M", "ab%c", date(1990, 1, 1)),
        (2, 40, 2.5, "F", "a_bc", date(1980, 6, 1)),
        (3, 50, None, "F", "Abc", None),
        (4, None, 4.0, "M", "", date(1970, 1, 1)),
        (5, 65, 5.5, None, None, date(1960, 12, 31)),
    )
]


@pytest.fixture(scope="module")
def engine() -> Iterator[sa.Engine]:
    # In-memory SQLite, opened the way the features database is (case-sensitive LIKE).
    engine = create_features_engine("sqlite://")
    with engine.begin() as connection:
        TABLE.create(connection)
        connection.execute(TABLE.insert(), ROWS)
    yield engine
    engine.dispose()


def matching(engine: sa.Engine, field: str, operator: str, value: Any = None) -> list[int]:
    condition = filter_to_sql(Group("AND", (Rule(field, operator, value),)), TABLE, METAS)
    query = sa.select(TABLE.c[SUBJECT_ID]).where(condition).order_by(TABLE.c[SUBJECT_ID])
    with engine.connect() as connection:
        return list(connection.execute(query).scalars())


@pytest.mark.parametrize(
    ("field", "operator", "value", "expected"),
    [
        ("age", "equal", 40, [2]),
        ("age", "equal", "40", [2]),  # QueryBuilder's text inputs send numbers as strings
        ("age", "not_equal", 40, [1, 3, 5]),
        ("age", "in", (30, 65), [1, 5]),
        ("age", "not_in", (30, 65), [2, 3]),
        ("age", "less", 40, [1]),
        ("age", "less", 40.5, [1, 2]),  # a fraction is compared as a fraction, not truncated
        ("age", "less_or_equal", 40, [1, 2]),
        ("age", "greater", 40, [3, 5]),
        ("age", "greater_or_equal", 40, [2, 3, 5]),
        ("age", "between", (40, 50), [2, 3]),
        ("age", "not_between", (40, 50), [1, 5]),
        ("score", "greater", 2, [2, 4, 5]),
        ("score", "between", ("1.5", 2.5), [1, 2]),
        ("sex", "equal", "F", [2, 3]),
        ("sex", "not_equal", "F", [1, 4]),
        ("sex", "in", ("M",), [1, 4]),
        ("sex", "not_in", ("M",), [2, 3]),
        ("sex", "begins_with", "F", [2, 3]),
        ("name", "equal", "Abc", [3]),
        ("name", "begins_with", "a", [1, 2]),  # case-sensitive: not 'Abc'
        ("name", "not_begins_with", "a", [3, 4]),
        ("name", "contains", "%", [1]),  # % is a literal percent sign, not a wildcard
        ("name", "contains", "_", [2]),  # _ is a literal underscore
        ("name", "contains", "b", [1, 2, 3]),
        ("name", "not_contains", "b", [4]),
        ("name", "ends_with", "bc", [2, 3]),
        ("name", "ends_with", "c", [1, 2, 3]),
        ("name", "not_ends_with", "bc", [1, 4]),
        ("name", "contains", "/", []),  # the escape character itself is literal too
        ("name", "is_empty", None, [4, 5]),
        ("name", "is_not_empty", None, [1, 2, 3]),
        ("score", "is_empty", None, [3]),
        ("score", "is_not_empty", None, [1, 2, 4, 5]),
        ("score", "is_null", None, [3]),
        ("score", "is_not_null", None, [1, 2, 4, 5]),
        ("sex", "is_null", None, [5]),
        ("born", "less", "1975-01-01", [4, 5]),
        ("born", "between", ("1970-01-01", "1985-01-01"), [2, 4]),
        ("born", "equal", "1990-01-01", [1]),
    ],
)
def test_operator(
    engine: sa.Engine, field: str, operator: str, value: Any, expected: list[int]
) -> None:
    assert matching(engine, field, operator, value) == expected


def run(engine: sa.Engine, raw: Any) -> list[int]:
    parsed = parse_filters(raw)
    assert parsed is not None
    query = sa.select(TABLE.c[SUBJECT_ID]).where(filter_to_sql(parsed, TABLE, METAS))
    with engine.connect() as connection:
        return sorted(connection.execute(query.order_by(TABLE.c[SUBJECT_ID])).scalars())


def test_groups_and_or_not(engine: sa.Engine) -> None:
    raw = {"condition": "OR", "rules": [
        {"field": "sex", "operator": "equal", "value": "M"},
        {"condition": "AND", "not": True, "rules": [
            {"field": "age", "operator": "greater", "value": 45},
        ]},
    ]}
    # sex = M (1, 4) or not age > 45 (1, 2; NULL age is unknown, not true)
    assert run(engine, raw) == [1, 2, 4]


def test_negated_top_group(engine: sa.Engine) -> None:
    raw = {"condition": "AND", "not": True, "rules": [
        {"field": "sex", "operator": "equal", "value": "M"}]}
    assert run(engine, raw) == [2, 3]


def test_empty_groups_are_true_for_and_and_false_for_or(engine: sa.Engine) -> None:
    for condition, expected in (("AND", [1, 2, 3, 4, 5]), ("OR", [])):
        query = sa.select(TABLE.c[SUBJECT_ID]).where(
            filter_to_sql(Group(condition, ()), TABLE, METAS)  # type: ignore[arg-type]
        )
        with engine.connect() as connection:
            assert sorted(connection.execute(query).scalars()) == expected


@pytest.mark.parametrize(
    ("field", "operator", "value", "message"),
    [
        ("nope", "equal", 1, "filter rule 'nope equal 1': unknown variable 'nope'"),
        ("subject_id", "equal", 1, "unknown variable 'subject_id'"),
        ("age) OR 1=1 --", "equal", 1, "unknown variable 'age) OR 1=1 --'"),
        ("age", "greater", "abc", "filter rule 'age greater \"abc\"': \"abc\" is not a number"),
        ("age", "greater", "nan", "is not a number"),
        ("score", "less", "Infinity", "is not a number"),
        ("age", "equal", True, "true is not a number ('age' is integer)"),
        ("age", "in", (1, "x"), "\"x\" is not a number"),
        ("age", "between", (1, [2]), "[2] is not a number"),
        ("sex", "equal", "X", "\"X\" is not a code of 'sex' (codes: M, F)"),
        ("sex", "equal", "F' OR '1'='1", "is not a code of 'sex'"),
        ("sex", "in", ("M", "male"), "\"male\" is not a code of 'sex'"),
        ("sex", "greater", "F", ("operator 'greater' applies to numbers and dates, "
                                 "and 'sex' is binominal")),
        ("name", "between", ("a", "b"), "applies to numbers and dates"),
        ("age", "contains", "4", ("operator 'contains' applies to nominal and text variables, "
                                  "and 'age' is integer")),
        ("name", "contains", {"a": 1}, "is not a string"),
        ("born", "less", "yesterday", "\"yesterday\" is not a date YYYY-MM-DD"),
        ("born", "less", 19900101, "is not a date"),
    ],
)
def test_bad_values_say_which_rule_and_why(
    field: str, operator: str, value: Any, message: str
) -> None:
    with pytest.raises(BadRequest) as raised:
        filter_to_sql(Group("AND", (Rule(field, operator, value),)), TABLE, METAS)
    assert message in str(raised.value)
    assert raised.value.details is not None


def test_numbers_are_accepted_for_numeric_like_nominal_codes() -> None:
    metas = {"sex": VariableMeta("sex", "Sex", "binominal",
                                 ({"code": "1", "label": "a"}, {"code": "2", "label": "b"}))}
    table = data_table("t", metas.values())
    condition = filter_to_sql(Group("AND", (Rule("sex", "equal", 2),)), table, metas)
    compiled = condition.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True})
    assert str(compiled) == "t.sex = '2'"


def test_values_are_bound_parameters_not_sql_text() -> None:
    nasty = "x'); DROP TABLE people; --"
    condition = filter_to_sql(Group("AND", (Rule("name", "equal", nasty),)), TABLE, METAS)
    compiled = condition.compile(dialect=postgresql.dialect())
    assert nasty not in str(compiled)
    assert list(compiled.params.values()) == [nasty]


def test_injection_value_is_compared_literally(engine: sa.Engine) -> None:
    assert matching(engine, "name", "equal", "x' OR '1'='1") == []
    assert matching(engine, "name", "contains", "%' OR 1=1 --") == []
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(TABLE)).scalar() == 5


def test_like_patterns_escape_wildcards_on_postgresql() -> None:
    condition = filter_to_sql(Group("AND", (Rule("name", "contains", "5%_"),)), TABLE, METAS)
    compiled = condition.compile(dialect=postgresql.dialect())
    assert "ESCAPE '/'" in str(compiled)
    assert list(compiled.params.values()) == ["5/%/_"]


def test_integer_variable_binds_integers_and_fractions_by_type() -> None:
    whole = filter_to_sql(Group("AND", (Rule("age", "equal", "40"),)), TABLE, METAS)
    fraction = filter_to_sql(Group("AND", (Rule("age", "less", 40.5),)), TABLE, METAS)
    literal = {"literal_binds": True}
    assert str(whole.compile(dialect=sqlite.dialect(), compile_kwargs=literal)) == "people.age = 40"
    assert str(fraction.compile(dialect=sqlite.dialect(), compile_kwargs=literal)) == (
        "people.age < 40.5"
    )


def test_metas_may_be_a_list(engine: sa.Engine) -> None:
    condition = filter_to_sql(Group("AND", (Rule("age", "less", 45),)), TABLE,
                              list(METAS.values()))
    with engine.connect() as connection:
        ids = connection.execute(sa.select(TABLE.c[SUBJECT_ID]).where(condition)).scalars()
        assert sorted(ids) == [1, 2]
