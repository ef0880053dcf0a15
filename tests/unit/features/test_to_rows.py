"""to_rows: the driver's rows as data.json's, missing values (NULL or NaN) by the policy."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from typing import Any, cast

import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from woken.features.selection import to_rows
from woken.features.variables import VariableMeta

NAN = float("nan")
SCORE = VariableMeta("score", "Score", "real")
AGE = VariableMeta("age", "Age", "integer")
SEX = VariableMeta("sex", "Sex", "polynominal")
VISIT = VariableMeta("visit", "Visit", "date")
METAS = [SCORE, AGE, SEX, VISIT]


class Fetched:
    """What `to_rows` reads of a result: all its rows, as a driver gives them."""

    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self.rows = rows

    def all(self) -> list[tuple[Any, ...]]:
        return self.rows


def rows_of(fetched: list[tuple[Any, ...]], metas: list[VariableMeta] = METAS,
            **policy: Any) -> list[list[Any]]:
    return to_rows(metas, cast(sa.Result[Any], Fetched(fetched)), **policy)


def test_values_take_the_type_of_their_metadata() -> None:
    fetched = [(Decimal("1.5"), 40.0, 1, date(2020, 1, 2)), (2.5, 41, "F", "2020-01-03")]
    assert rows_of(fetched) == [[1.5, 40, "1", "2020-01-02"], [2.5, 41, "F", "2020-01-03"]]
    [first, _] = rows_of(fetched)
    assert [type(v) for v in first] == [float, int, str, str]


def test_a_row_with_nan_is_left_out_like_a_null_one() -> None:
    fetched = [(1.0, 40, "M", "d"), (NAN, 41, "F", "d"), (3.0, 42, "F", "d")]
    assert rows_of(fetched) == [[1.0, 40, "M", "d"], [3.0, 42, "F", "d"]]


def test_keeping_missing_values_makes_nan_none_but_drops_a_required_one() -> None:
    fetched = [(NAN, 40, "M", "d"), (1.0, None, "F", "d"), (NAN, 42, None, "d")]
    kept = rows_of(fetched, keep_missing=True, required=["age"])
    assert kept == [[None, 40, "M", "d"], [1.0, None, "F", "d"], [None, 42, None, "d"]]
    assert rows_of(fetched, keep_missing=True, required=["score"]) == [[1.0, None, "F", "d"]]


def test_no_rows_are_no_rows() -> None:
    assert rows_of([]) == []


# Real values as a driver may give them: floats (NaN and infinities among them), ints, NULLs.
reals = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-5, 5),
                  st.none())


def value_by_value(fetched: list[tuple[Any, ...]], keep: bool) -> list[list[Any]]:
    """The rows converted and checked one value at a time; the first column is required."""
    rows = []
    for raw in fetched:
        row = [None if value is None else float(value) for value in raw]
        nan = {i for i, value in enumerate(row) if value is not None and math.isnan(value)}
        if not nan:
            rows.append(row)
        elif keep and 0 not in nan:
            rows.append([None if i in nan else value for i, value in enumerate(row)])
    return rows


@given(st.lists(st.tuples(reals, reals), max_size=30), st.booleans())
def test_the_same_rows_as_value_by_value(fetched: list[tuple[Any, Any]], keep: bool) -> None:
    metas = [SCORE, VariableMeta("weight", "Weight", "real")]
    result = rows_of(fetched, metas, keep_missing=keep, required=["score"])
    assert result == value_by_value(fetched, keep)
