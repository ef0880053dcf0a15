"""Turning a data request into one SELECT, and its result rows into JSON-friendly lists.

The SELECT names only columns built from validated metadata (quoted by
SQLAlchemy), binds every filter value, skips every row with a missing value in
a selected column, and orders the rows (dataset in request order, then
``subject_id``) so that the same request always gives the same rows: k-fold
splits depend on that order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

import sqlalchemy as sa

from woken.algorithms.common import json_text
from woken.features.catalog import DatasetSchema
from woken.features.filter_rules import Filter
from woken.features.filter_sql import filter_to_sql
from woken.features.schema import DATASET_COLUMN, SUBJECT_ID
from woken.features.variables import VariableMeta

# Labels of the ordering columns of a multi-dataset union (made unique against the
# selected columns: any code the metadata holds is a valid variable code).
_DATASET_ORDER = "_woken_dataset"
_SUBJECT_ORDER = "_woken_subject"


@dataclass(frozen=True)
class SelectedData:
    """Selected rows, as ``data.json`` carries them (see ``algorithms/common/volume.py``)."""

    columns: list[str]
    rows: list[list[Any]]

    def to_json(self) -> dict[str, Any]:
        return {"columns": list(self.columns), "rows": [list(row) for row in self.rows]}

    @cached_property
    def encoded(self) -> bytes:
        """``data.json`` as bytes, encoded once: an experiment's algorithms share its rows.

        (Three batched algorithms wrote the same 569 x 31 rows three times: a fifth of
        Woken's own CPU per experiment went to encoding them.)
        """
        return json_text.dumps({"columns": self.columns, "rows": self.rows})


def build_select(
    schemas: Sequence[DatasetSchema], columns: Sequence[str], filter_: Filter | None,
    keep_missing: bool = False, required: Sequence[str] = (),
) -> sa.Select[Any]:
    """The SELECT of ``columns`` over the union of the datasets, filtered and ordered.

    Rows missing a value of ``columns`` are left out, unless ``keep_missing``: then only
    rows missing a value of ``required`` are (an experiment's target, its scores' truth).

    ``columns`` must have been resolved in every dataset (see ``FeaturesDatabase.resolve``);
    the filter's fields are checked here, against each dataset's own metadata.
    """
    parts = []
    dataset_order = _unused(_DATASET_ORDER, columns)
    subject_order = _unused(_SUBJECT_ORDER, columns)
    for position, schema in enumerate(schemas):
        # Unknown filter fields are not in the table: filter_to_sql reports them.
        table = schema.table
        selected = [table.c[code] for code in columns]
        must_have = [table.c[code] for code in required] if keep_missing else selected
        conditions: list[sa.ColumnElement[bool]] = [c.is_not(None) for c in must_have]
        if schema.shared_table:
            conditions.append(table.c[DATASET_COLUMN] == schema.code)
        if filter_ is not None:
            conditions.append(filter_to_sql(filter_, table, schema.variables))
        if len(schemas) == 1:
            return sa.select(*selected).where(*conditions).order_by(table.c[SUBJECT_ID])
        parts.append(
            sa.select(
                sa.literal(position, sa.Integer()).label(dataset_order),
                table.c[SUBJECT_ID].label(subject_order),
                *selected,
            ).where(*conditions)
        )
    union = sa.union_all(*parts).subquery("selected")
    return sa.select(*(union.c[code] for code in columns)).order_by(
        union.c[dataset_order], union.c[subject_order]
    )


def build_count(schema: DatasetSchema, filter_: Filter | None) -> sa.Select[Any]:
    """How many of the dataset's rows pass ``filter_``, missing values or not.

    With the rows :func:`build_select` keeps, it tells how many were left out for a
    missing value (the stated missing-values policy, reported in every result).
    """
    table = schema.table
    conditions: list[sa.ColumnElement[bool]] = []
    if schema.shared_table:
        conditions.append(table.c[DATASET_COLUMN] == schema.code)
    if filter_ is not None:
        conditions.append(filter_to_sql(filter_, table, schema.variables))
    return sa.select(sa.func.count()).select_from(table).where(*conditions)


def _unused(label: str, columns: Sequence[str]) -> str:
    """``label``, suffixed until it is none of ``columns``."""
    taken, candidate, n = set(columns), label, 0
    while candidate in taken:
        n += 1
        candidate = f"{label}_{n}"
    return candidate


def to_rows(
    metas: Sequence[VariableMeta], result: sa.Result[Any], keep_missing: bool = False,
    required: Sequence[str] = (),
) -> list[list[Any]]:
    """Rows with ``float`` for real, ``int`` for integer, ``str`` for nominal and text.

    A NaN stored in a real column (PostgreSQL allows it) is a missing value too: its
    row is dropped like a NULL one, and JSON never sees it. With ``keep_missing`` every
    missing value (NULL or NaN) stays in its row as None, except in ``required`` columns.
    """
    fetched = result.all()
    if not fetched:
        return []
    # Column by column: a column the driver already gave in the right type (a real
    # column's floats) is kept as it is, and rows are rebuilt by C-level transposes.
    # Converting and checking value by value took 30 ms of 5,000 x 21 rows.
    by_column = zip(*fetched, strict=True)
    columns = [_converted(meta, values)
               for meta, values in zip(metas, by_column, strict=True)]
    rows = [list(row) for row in zip(*columns, strict=True)]
    nan_rows = {
        number for meta, values in zip(metas, columns, strict=True) if meta.type == "real"
        for number in _nan_positions(values)
    }
    if not nan_rows:
        return rows
    if not keep_missing:
        return [row for number, row in enumerate(rows) if number not in nan_rows]
    required_reals = [i for i, meta in enumerate(metas)
                      if meta.type == "real" and meta.code in required]
    kept = []
    for number, row in enumerate(rows):
        if number in nan_rows:
            if any(row[i] != row[i] for i in required_reals):
                continue
            row = [None if value != value else value for value in row]
        kept.append(row)
    return kept


def _converted(meta: VariableMeta, values: tuple[Any, ...]) -> tuple[Any, ...]:
    """One column's values in the type of its metadata (None stays None)."""
    convert = _converter(meta)
    if set(map(type, values)) <= {convert, type(None)}:
        return values
    return tuple(None if value is None else convert(value) for value in values)


def _nan_positions(values: tuple[Any, ...]) -> list[int]:
    """Where a real column holds NaN (the value not equal to itself; None is not NaN).

    A sum is NaN only if a term is (or infinities cancel): the values are compared one
    by one only then, or when a NULL stops the sum. The sum runs at C speed.
    """
    try:
        total = sum(values)
    except TypeError:  # a None
        total = math.nan
    if total == total:
        return []
    return [number for number, value in enumerate(values) if value != value]


def _converter(meta: VariableMeta) -> Callable[[Any], Any]:
    if meta.type == "real":
        return float
    if meta.type == "integer":
        return int
    if meta.type == "date":
        return _iso_date
    return str


def _iso_date(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)
