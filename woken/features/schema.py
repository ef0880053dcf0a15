"""The tables of a features database: three metadata tables and the data tables.

``meta_datasets`` lists the datasets (label, description, anonymisation level) and
the table read when a request names no ``targetTable`` (its *home* table);
``meta_dataset_tables`` lists every table that holds a dataset's rows (as in 2019,
a hospital's rows may sit in its own table and in a mixed one); ``meta_variables``
describes every variable (column) of every dataset in every one of its tables. A data
table has a ``subject_id`` integer primary key, a ``dataset`` column when it
holds the rows of several datasets (as the 2019 MIP tables do), and one column per variable:
``real`` → double precision, ``integer`` → integer, nominal types → the
enumeration *code* as a string. Missing values are NULL, never NaN or ``""``.

The metadata is the authority on what may reach SQL: a code becomes a column of
a query only if it is a row of ``meta_variables`` *and* a column of the data
table, and then only as a quoted :class:`sqlalchemy.Column`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from woken.features.variables import NOMINAL_TYPES, VARIABLE_TYPES, VariableMeta

SUBJECT_ID = "subject_id"
# A table that holds the rows of several datasets tells them apart by this column.
DATASET_COLUMN = "dataset"
# Columns of a data table that are not variables.
RESERVED_COLUMNS = frozenset({SUBJECT_ID, DATASET_COLUMN})

# Codes are whatever the metadata holds (``desd-synthdata``, ``_3rdventricle``, ``Age``):
# they reach SQL only as quoted identifiers, so the one limit is what SQL can hold.
# PostgreSQL silently truncates longer identifiers, which would merge two codes.
MAX_IDENTIFIER_BYTES = 63

metadata = sa.MetaData()

meta_datasets = sa.Table(
    "meta_datasets",
    metadata,
    sa.Column("code", sa.String(64), primary_key=True),
    sa.Column("label", sa.String(256), nullable=False),
    sa.Column("description", sa.Text, nullable=False, default=""),
    sa.Column("table_name", sa.String(64), nullable=False),
    # The 2019 ``anonymisationLevel`` ("Anonymised", "Depersonalised", ...); NULL: not said.
    sa.Column("anonymisation_level", sa.String(64), nullable=True),
)


def _dataset_and_table() -> tuple[sa.Column, sa.Column]:
    """The key of a dataset's part in one table: the dataset (deleted with it) and the table."""
    return (
        sa.Column(
            "dataset",
            sa.String(64),
            sa.ForeignKey("meta_datasets.code", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("table_name", sa.String(64), primary_key=True),
    )


# One row: a number that triggers on the three tables above raise with every change to
# them, by whatever writer (`catalog_version`). The catalog cache compares this number
# instead of reading all the metadata on every request.
meta_catalog_version = sa.Table(
    "meta_catalog_version",
    metadata,
    sa.Column("version", sa.BigInteger, nullable=False),
)

meta_dataset_tables = sa.Table(
    "meta_dataset_tables",
    metadata,
    *_dataset_and_table(),
)

meta_variables = sa.Table(
    "meta_variables",
    metadata,
    *_dataset_and_table(),
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
    dataset_column: bool = False,
) -> sa.Table:
    """The data table of a dataset, with a column for each of ``variables``.

    A fresh :class:`sqlalchemy.MetaData` by default: the table describes one query
    or one load, and must not collide with the same table described for another.
    ``dataset_column``: the table holds several datasets' rows, told apart by ``dataset``.
    """
    return sa.Table(
        table_name,
        metadata_ if metadata_ is not None else sa.MetaData(),
        sa.Column(SUBJECT_ID, sa.Integer, primary_key=True, autoincrement=False),
        *([sa.Column(DATASET_COLUMN, sa.String(64), nullable=False)] if dataset_column else []),
        *(sa.Column(v.code, column_type(v), nullable=True) for v in variables),
    )


def check_code(kind: str, code: object) -> None:
    """Refuse a code SQL cannot hold as a quoted identifier (ValueError saying why).

    Anything else is accepted: hyphens, leading underscores or digits, upper case.
    """
    if not isinstance(code, str) or not code:
        raise ValueError(f"{kind} code {code!r} is empty or not a string")
    if "\x00" in code:
        raise ValueError(f"{kind} code {code!r} contains a NUL character")
    size = len(code.encode("utf-8"))
    if size > MAX_IDENTIFIER_BYTES:
        raise ValueError(
            f"{kind} code {code!r} is {size} bytes long: SQL identifiers hold at most "
            f"{MAX_IDENTIFIER_BYTES} (PostgreSQL's limit)"
        )


def check_variable(variable: VariableMeta) -> None:
    """Refuse metadata we would not be able to use later."""
    check_code("variable", variable.code)
    if variable.code in RESERVED_COLUMNS:
        raise ValueError(
            f"variable code {variable.code!r} is reserved "
            f"(the data tables' own {', '.join(sorted(RESERVED_COLUMNS))} columns)"
        )
    if variable.type not in VARIABLE_TYPES:
        raise ValueError(f"variable '{variable.code}' has unknown type '{variable.type}'")
    if variable.type in {"binominal", "polynominal"} and not variable.enumerations:
        raise ValueError(f"{variable.type} variable '{variable.code}' has no enumerations")
    if variable.type == "binominal" and len(variable.enumerations) != 2:
        raise ValueError(f"binominal variable '{variable.code}' needs exactly 2 enumerations")
