"""Reading what a features database holds: its datasets, their tables and variables' metadata.

A dataset may sit in several tables (its own, and a mixed one with a ``dataset``
column): the unit read here is one dataset *in* one table, a :class:`DatasetSchema`.
A variable is usable only if it is described in ``meta_variables`` *and* is a
column of that table, and a table only if it exists: what this module returns is
exactly what may be turned into SQL identifiers.
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
    meta_dataset_tables,
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
    the dataset is the whole table. ``tables``: every table of the dataset, its home
    table (read when a request names no ``targetTable``) first.
    """

    code: str
    label: str
    description: str
    table_name: str
    variables: dict[str, VariableMeta] = field(default_factory=dict)
    shared_table: bool = False
    anonymisation_level: str | None = None
    tables: tuple[str, ...] = ()

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
    return all(inspector.has_table(table.name)
               for table in (meta_datasets, meta_dataset_tables, meta_variables))


@dataclass(frozen=True)
class Catalog:
    """Every usable dataset in every one of its tables."""

    schemas: tuple[DatasetSchema, ...] = ()

    @cached_property
    def home(self) -> dict[str, DatasetSchema]:
        """Each dataset in its home table, by code (in code order)."""
        found: dict[str, DatasetSchema] = {}
        for schema in self.schemas:
            found.setdefault(schema.code, schema)
        return found

    @cached_property
    def by_table(self) -> dict[tuple[str, str], DatasetSchema]:
        return {(schema.code, schema.table_name): schema for schema in self.schemas}

    def tables(self) -> list[str]:
        """Every table that holds a usable dataset, by name."""
        return sorted({schema.table_name for schema in self.schemas})

    def in_table(self, table: str) -> list[DatasetSchema]:
        return [schema for schema in self.schemas if schema.table_name == table]


def read_all(connection: sa.Connection) -> list[DatasetSchema]:
    """Every usable dataset in each of its tables: by code, its home table first."""
    return list(read_catalog(connection).schemas)


def read_catalog(connection: sa.Connection) -> Catalog:
    """The whole catalog; an empty one when the database has no catalog."""
    if not has_catalog(connection):
        return Catalog()
    inspector = sa.inspect(connection)
    rows = _dataset_rows(connection)
    pairs = connection.execute(
        sa.select(meta_dataset_tables.c.dataset, meta_dataset_tables.c.table_name)
        .order_by(meta_dataset_tables.c.dataset, meta_dataset_tables.c.table_name)
    ).all()
    tables: dict[str, list[str]] = {code: [row.table_name] for code, row in rows.items()}
    for code, table in pairs:
        if code in tables and table not in tables[code]:
            tables[code].append(table)
    usable: dict[str, list[str]] = {code: [] for code in tables}
    for code, names in tables.items():
        for table in names:
            if inspector.has_table(table):
                usable[code].append(table)
            else:
                log.warning("dataset %s: its table %r does not exist; ignored", code, table)
    schemas = []
    for code, row in rows.items():
        for table in usable[code]:
            schema = _schema(connection, inspector, row, table, tuple(usable[code]))
            if schema is not None:
                schemas.append(schema)
    return Catalog(tuple(schemas))


def pick(
    catalog: Catalog, codes: Sequence[str], table: str | None = None
) -> list[DatasetSchema]:
    """The named datasets, in their home table or in ``table``, in order.

    BadRequest for unknown or repeated codes, and for a dataset not in ``table``.
    """
    schemas = catalog.home
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
    if table is None:
        return [schemas[code] for code in codes]
    outside = [code for code in codes if (code, table) not in catalog.by_table]
    if outside:
        raise BadRequest(
            f"dataset(s) {_quoted(outside)} not in table '{table}' (its datasets: "
            f"{', '.join(s.code for s in catalog.in_table(table)) or 'none'})",
            {"unknown": outside, "table": table},
        )
    return [catalog.by_table[(code, table)] for code in codes]


def fingerprint(connection: sa.Connection) -> tuple[Any, ...] | None:
    """Everything the catalog is read from but the tables' columns; None without a catalog.

    Two plain SELECTs, where reading the catalog also reflects every table: a cache of
    the catalog is valid while this is unchanged (the loader writes a dataset's table
    and its metadata together).
    """
    if not has_catalog(connection):
        return None
    datasets = connection.execute(sa.select(meta_datasets).order_by(meta_datasets.c.code))
    tables = connection.execute(sa.select(meta_dataset_tables).order_by(
        meta_dataset_tables.c.dataset, meta_dataset_tables.c.table_name))
    variables = connection.execute(
        sa.select(meta_variables).order_by(meta_variables.c.dataset, meta_variables.c.table_name,
                                           meta_variables.c.code)
    )
    return tuple(map(tuple, datasets)), tuple(map(tuple, tables)), tuple(map(tuple, variables))


def _dataset_rows(connection: sa.Connection) -> dict[str, sa.Row[Any]]:
    if not has_catalog(connection):
        return {}
    rows = connection.execute(sa.select(meta_datasets).order_by(meta_datasets.c.code))
    return {row.code: row for row in rows}


def _schema(
    connection: sa.Connection, inspector: sa.Inspector, row: sa.Row[Any], table: str,
    tables: tuple[str, ...],
) -> DatasetSchema | None:
    columns = {column["name"] for column in inspector.get_columns(table)}
    variables = {}
    for meta_row in connection.execute(
        sa.select(meta_variables)
        .where(meta_variables.c.dataset == row.code, meta_variables.c.table_name == table)
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
        table_name=table,
        variables=variables,
        shared_table=DATASET_COLUMN in columns,
        anonymisation_level=row.anonymisation_level,
        tables=tables,
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
