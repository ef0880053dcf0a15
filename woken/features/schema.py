"""The tables of a features database: two metadata tables and one data table per dataset.

``meta_datasets`` lists the datasets and the table that holds each one's rows;
``meta_variables`` describes every variable (column) of every dataset. A data
table has a ``subject_id`` integer primary key and one column per variable:
``real`` → double precision, ``integer`` → integer, nominal types → the
enumeration *code* as a string. Missing values are NULL, never NaN or ``""``.

The metadata is the authority on what may reach SQL: a code becomes a column of
a query only if it is a row of ``meta_variables`` *and* a column of the data
table, and then only as a quoted :class:`sqlalchemy.Column`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from woken.features.variables import NOMINAL_TYPES, VARIABLE_TYPES, VariableMeta

SUBJECT_ID = "subject_id"

# Dataset and variable codes we create ourselves are plain lower-case identifiers: the
# same name on SQLite and PostgreSQL, no quoting surprises for the legacy SQL of old images.
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,62}$")

metadata = sa.MetaData()

meta_datasets = sa.Table(
    "meta_datasets",
    metadata,
    sa.Column("code", sa.String(64), primary_key=True),
    sa.Column("label", sa.String(256), nullable=False),
    sa.Column("description", sa.Text, nullable=False, default=""),
    sa.Column("table_name", sa.String(64), nullable=False),
)

meta_variables = sa.Table(
    "meta_variables",
    metadata,
    sa.Column(
        "dataset",
        sa.String(64),
        sa.ForeignKey("meta_datasets.code", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("code", sa.String(64), primary_key=True),
    # The order in which the dataset declares its variables (target first), so that
    # listings are stable and readable rather than alphabetical.
    sa.Column("position", sa.Integer, nullable=False, default=0),
    sa.Column("label", sa.String(256), nullable=False),
    sa.Column("type", sa.String(32), nullable=False),
    # JSON text rather than a JSON column: the same on every back-end, and what the
    # original MIP metadata stored.
    sa.Column("enumerations", sa.Text, nullable=True),
    sa.Column("unit", sa.String(64), nullable=False, default=""),
    sa.Column("description", sa.Text, nullable=False, default=""),
    sa.Column("methodology", sa.Text, nullable=False, default=""),
)


def column_type(variable: VariableMeta) -> sa.types.TypeEngine[Any]:
    """The SQL type of a variable's column."""
    if variable.type == "real":
        return sa.Double()
    if variable.type == "integer":
        return sa.Integer()
    if variable.type == "date":
        return sa.Date()
    if variable.type in NOMINAL_TYPES or variable.type == "text":
        return sa.String()
    raise ValueError(f"variable '{variable.code}' has unknown type '{variable.type}'")


def data_table(
    table_name: str,
    variables: Iterable[VariableMeta],
    metadata_: sa.MetaData | None = None,
) -> sa.Table:
    """The data table of a dataset, with a column for each of ``variables``.

    A fresh :class:`sqlalchemy.MetaData` by default: the table describes one query
    or one load, and must not collide with the same table described for another.
    """
    return sa.Table(
        table_name,
        metadata_ if metadata_ is not None else sa.MetaData(),
        sa.Column(SUBJECT_ID, sa.Integer, primary_key=True, autoincrement=False),
        *(sa.Column(v.code, column_type(v), nullable=True) for v in variables),
    )


def check_code(kind: str, code: str) -> None:
    """Refuse a code that is not a plain identifier (for data we create)."""
    if not CODE_PATTERN.match(code) or code == SUBJECT_ID:
        raise ValueError(
            f"{kind} code {code!r} is not a lower-case identifier "
            f"(pattern {CODE_PATTERN.pattern}, not '{SUBJECT_ID}')"
        )


def check_variable(variable: VariableMeta) -> None:
    """Refuse metadata we would not be able to use later."""
    check_code("variable", variable.code)
    if variable.type not in VARIABLE_TYPES:
        raise ValueError(f"variable '{variable.code}' has unknown type '{variable.type}'")
    if variable.type in {"binominal", "polynominal"} and not variable.enumerations:
        raise ValueError(f"{variable.type} variable '{variable.code}' has no enumerations")
    if variable.type == "binominal" and len(variable.enumerations) != 2:
        raise ValueError(f"binominal variable '{variable.code}' needs exactly 2 enumerations")
