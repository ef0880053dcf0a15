"""Reading what a features database holds: its datasets and their variables' metadata.

A variable is usable only if it is described in ``meta_variables`` *and* is a
column of its dataset's table, and a dataset only if its table exists: what
this module returns is exactly what may be turned into SQL identifiers.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import sqlalchemy as sa

from woken.errors import BadRequest
from woken.features.schema import (
    DATASET_COLUMN,
    RESERVED_COLUMNS,
    data_table,
    meta_datasets,
    meta_variables,
)
from woken.features.variables import VariableMeta

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DatasetSchema:
    """One dataset's table and its usable variables, in declaration order.

    ``shared_table``: the table has a ``dataset`` column, and the dataset is the rows
    whose ``dataset`` is its code (a 2019 MIP table of several hospitals); otherwise
    the dataset is the whole table.
    """

    code: str
    label: str
    description: str
    table_name: str
    variables: dict[str, VariableMeta] = field(default_factory=dict)
    shared_table: bool = False

    @cached_property
    def table(self) -> sa.Table:
        """The dataset's table with every usable variable, built once per schema.

        One object for every query of this schema: SQLAlchemy keys its cache of compiled
        statements on the table object, so a fresh table per query compiled every
        SELECT again (about 4 ms for 31 columns) and filled the cache with copies.
        """
        return data_table(self.table_name, self.variables.values(),
                          dataset_column=self.shared_table)


def has_catalog(connection: sa.Connection) -> bool:
    inspector = sa.inspect(connection)
    return inspector.has_table(meta_datasets.name) and inspector.has_table(meta_variables.name)


def read_all(connection: sa.Connection) -> list[DatasetSchema]:
    """Every usable dataset, by code; an empty list when the database has no catalog."""
    inspector = sa.inspect(connection)
    rows = _dataset_rows(connection).values()
    return [s for s in (_schema(connection, inspector, row) for row in rows) if s is not None]


def pick(schemas: dict[str, DatasetSchema], codes: Sequence[str]) -> list[DatasetSchema]:
    """The named ones of ``schemas``, in order; BadRequest for unknown or repeated codes."""
    if not codes:
        raise BadRequest("no dataset given")
    not_strings = [code for code in codes if not isinstance(code, str)]
    if not_strings:
        raise BadRequest(f"dataset codes must be strings, not {not_strings!r}")
    repeated = sorted({c for c in codes if codes.count(c) > 1}, key=str)
    if repeated:
        raise BadRequest(f"dataset(s) given more than once: {_quoted(repeated)}")
    unknown = [code for code in codes if code not in schemas]
    if unknown:
        raise BadRequest(
            f"unknown dataset {_quoted(unknown)} (known: {', '.join(schemas) or 'none'})",
            {"unknown": unknown, "known": list(schemas)},
        )
    return [schemas[code] for code in codes]


def fingerprint(connection: sa.Connection) -> tuple[Any, ...] | None:
    """Everything the catalog is read from but the tables' columns; None without a catalog.

    Two plain SELECTs, where reading the catalog also reflects every table: a cache of
    the catalog is valid while this is unchanged (the loader writes a dataset's table
    and its metadata together).
    """
    if not has_catalog(connection):
        return None
    datasets = connection.execute(sa.select(meta_datasets).order_by(meta_datasets.c.code))
    variables = connection.execute(
        sa.select(meta_variables).order_by(meta_variables.c.dataset, meta_variables.c.code)
    )
    return tuple(map(tuple, datasets)), tuple(map(tuple, variables))


def _dataset_rows(connection: sa.Connection) -> dict[str, sa.Row[Any]]:
    if not has_catalog(connection):
        return {}
    rows = connection.execute(sa.select(meta_datasets).order_by(meta_datasets.c.code))
    return {row.code: row for row in rows}


def _schema(
    connection: sa.Connection, inspector: sa.Inspector, row: sa.Row[Any]
) -> DatasetSchema | None:
    if not inspector.has_table(row.table_name):
        log.warning("dataset %s: its table %r does not exist; ignored", row.code, row.table_name)
        return None
    columns = {column["name"] for column in inspector.get_columns(row.table_name)}
    variables = {}
    for meta_row in connection.execute(
        sa.select(meta_variables)
        .where(meta_variables.c.dataset == row.code)
        .order_by(meta_variables.c.position, meta_variables.c.code)
    ):
        if meta_row.code in RESERVED_COLUMNS:
            log.warning("dataset %s: variable %r is a reserved column; ignored",
                        row.code, meta_row.code)
        elif meta_row.code in columns:
            variables[meta_row.code] = _variable(meta_row)
        else:
            log.warning("dataset %s: variable %r has no column; ignored", row.code, meta_row.code)
    return DatasetSchema(
        code=row.code,
        label=row.label,
        description=row.description or "",
        table_name=row.table_name,
        variables=variables,
        shared_table=DATASET_COLUMN in columns,
    )


def _variable(row: sa.Row[Any]) -> VariableMeta:
    enumerations = json.loads(row.enumerations) if row.enumerations else []
    return VariableMeta(
        code=row.code,
        label=row.label,
        type=row.type,
        enumerations=tuple(
            {"code": str(e["code"]), "label": str(e.get("label", e["code"]))}
            for e in enumerations
        ),
        unit=row.unit or "",
        description=row.description or "",
        methodology=row.methodology or "",
    )


def _quoted(codes: Sequence[object]) -> str:
    return ", ".join(f"'{code}'" for code in codes)
