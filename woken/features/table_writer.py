"""Writing one table, its rows and its metadata, inside the caller's transaction.

Every source goes through here: the bundled sets, a CSV file, each resource of a
data package. The codes are checked first (what SQL can hold, nothing narrower);
rows are inserted in batches as they are read, so that a large file streams and
shows progress; the metadata is written last, once the rows have decided which
text columns are nominal. Any error raises, and the caller's transaction rolls
back everything, the table included.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from enum import StrEnum
from itertools import count, islice
from typing import Any

import sqlalchemy as sa

from woken.errors import BadRequest
from woken.features.bulk_errors import NotFast
from woken.features.bulk_load import write_bulk
from woken.features.dataset_meta import DatasetMeta
from woken.features.load_summary import TableSummary
from woken.features.nominal import NOMINAL_MAX_VALUES, DistinctValues, as_nominal
from woken.features.schema import (
    DATASET_COLUMN,
    SUBJECT_ID,
    check_code,
    check_variable,
    data_table,
    meta_dataset_tables,
    meta_datasets,
    meta_variables,
    metadata,
)
from woken.features.schema_upgrade import ensure_schema
from woken.features.table_data import TableData
from woken.features.variables import NOMINAL_TYPES, VariableMeta

log = logging.getLogger(__name__)

BATCH_ROWS = 5000
# Tables of the features database that are not data tables.
RESERVED_TABLES = frozenset(metadata.tables)

Progress = Callable[[int], None]


class Mode(StrEnum):
    """How a load treats its table: create it, replace it, or append rows to it."""

    CREATE = "create"  # the table must not exist
    REPLACE = "replace"  # drop the table and its datasets first, if they exist
    APPEND = "append"  # add rows to the table, which must exist with the same variables


def write_table(
    connection: sa.Connection,
    data: TableData,
    mode: Mode,
    progress: Progress | None = None,
    nominal_max_values: int = NOMINAL_MAX_VALUES,
) -> TableSummary:
    """Write ``data`` (see :class:`TableData`) and its metadata; BadRequest on bad input."""
    _check_codes(data)
    ensure_schema(connection)
    existing = _datasets_of_table(connection, data.table)
    exists = bool(existing) or sa.inspect(connection).has_table(data.table)
    if mode is Mode.CREATE and exists:
        raise BadRequest(
            f"{data.source}: table '{data.table}' already exists in the features database "
            "(--replace to replace it, --append to add rows to it)"
        )
    if mode is Mode.APPEND and not existing:
        raise BadRequest(f"{data.source}: --append: there is no table '{data.table}' to add to")
    table = data_table(data.table, data.variables, dataset_column=data.shared)
    if mode is Mode.APPEND:
        _check_appendable(connection, data, table)
        first_id = 1 + (connection.execute(sa.select(sa.func.max(table.c[SUBJECT_ID])))
                        .scalar_one() or 0)
    else:
        _drop(connection, data.table, existing)
        existing = []
        table.create(connection)
        first_id = 1

    rows, datasets, nominal_candidates = _write_rows(
        connection, data, table, first_id, progress, nominal_max_values)
    if rows == 0:
        raise BadRequest(f"{data.source}: no rows to load (the file holds no data row)")

    variables, notes = _decide_nominal(data.variables, nominal_candidates, nominal_max_values)
    codes = list(datasets) if data.shared else [data.table]
    _check_dataset_codes(connection, data, codes, variables)
    _write_datasets(connection, data, codes)
    new = [code for code in codes if code not in existing]
    _write_variables(connection, data.table, new, variables)
    log.debug("table %s loaded from %s: %d rows", data.table, data.source, rows)
    return TableSummary(
        table=data.table,
        source=data.source,
        mode=mode.value,
        rows=rows,
        variables=tuple(variables),
        datasets=datasets if data.shared else {data.table: rows},
        notes=(*data.notes, *notes),
    )


def _write_rows(
    connection: sa.Connection, data: TableData, table: sa.Table, first_id: int,
    progress: Progress | None, nominal_max_values: int,
) -> tuple[int, dict[str, int], dict[str, DistinctValues]]:
    """Rows written, rows per dataset, distinct values: in bulk if it can, else row by row."""
    def candidates() -> dict[str, DistinctValues]:
        return {code: DistinctValues(nominal_max_values) for code in sorted(data.may_be_nominal)}

    if data.bulk is not None:
        savepoint = connection.begin_nested()
        distinct = candidates()
        try:
            done = write_bulk(connection, table, data.bulk, first_id, distinct, progress)
        except NotFast as why:
            # Row by row from the start: frictionless names the bad row, if there is one.
            log.info("%s: read row by row (%s)", data.source, why)
            savepoint.rollback()
        else:
            savepoint.commit()
            return done.rows, done.datasets, distinct
    distinct = candidates()
    datasets: dict[str, int] = {}
    rows = 0
    for batch in _batches(_numbered(data, first_id, datasets, distinct), BATCH_ROWS):
        connection.execute(table.insert(), batch)
        rows += len(batch)
        if progress is not None:
            progress(len(batch))
    return rows, datasets, distinct


def _check_codes(data: TableData) -> None:
    try:
        check_code("table", data.table)
        for variable in data.variables:
            check_variable(variable)
    except ValueError as error:
        raise BadRequest(f"{data.source}: {error}") from None
    if data.table in RESERVED_TABLES:
        raise BadRequest(f"{data.source}: table name '{data.table}' is reserved for metadata")
    # SQLite's identifiers ignore case: 'Age' and 'age' would be one column there.
    by_folded: dict[str, list[str]] = {}
    for variable in data.variables:
        by_folded.setdefault(variable.code.casefold(), []).append(variable.code)
    for codes in by_folded.values():
        if len(codes) > 1:
            differ = " (codes that differ only in case)" if len(set(codes)) > 1 else ""
            raise BadRequest(
                f"{data.source}: duplicate column {' and '.join(map(repr, codes))}{differ}"
            )


def _datasets_of_table(connection: sa.Connection, table: str) -> list[str]:
    return list(connection.execute(
        sa.select(meta_dataset_tables.c.dataset)
        .where(meta_dataset_tables.c.table_name == table)
        .order_by(meta_dataset_tables.c.dataset)
    ).scalars())


def _drop(connection: sa.Connection, table: str, datasets: Sequence[str]) -> None:
    """Remove the table and what the metadata says of it (a leftover table without metadata too).

    A dataset that is in no other table goes with it; one that is also elsewhere
    stays, read from one of its other tables by default if this was its home.
    """
    if datasets:
        connection.execute(sa.delete(meta_variables).where(meta_variables.c.table_name == table))
        connection.execute(
            sa.delete(meta_dataset_tables).where(meta_dataset_tables.c.table_name == table))
        remaining = dict(connection.execute(
            sa.select(meta_dataset_tables.c.dataset, sa.func.min(meta_dataset_tables.c.table_name))
            .where(meta_dataset_tables.c.dataset.in_(datasets))
            .group_by(meta_dataset_tables.c.dataset)
        ).all())
        gone = [code for code in datasets if code not in remaining]
        if gone:
            connection.execute(sa.delete(meta_variables).where(meta_variables.c.dataset.in_(gone)))
            connection.execute(sa.delete(meta_datasets).where(meta_datasets.c.code.in_(gone)))
        for code, other in remaining.items():
            connection.execute(sa.update(meta_datasets).where(
                meta_datasets.c.code == code, meta_datasets.c.table_name == table
            ).values(table_name=other))
    sa.Table(table, sa.MetaData()).drop(connection, checkfirst=True)


def _check_appendable(connection: sa.Connection, data: TableData, table: sa.Table) -> None:
    """Appended rows must have the table's columns: same variables, same ``dataset`` column."""
    present = {c["name"] for c in sa.inspect(connection).get_columns(data.table)}
    wanted = {c.name for c in table.columns}
    if present != wanted:
        missing, extra = sorted(present - wanted), sorted(wanted - present)
        raise BadRequest(
            f"{data.source}: --append: the columns differ from table '{data.table}'"
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + (f"; not in the table: {', '.join(extra)}" if extra else "")
        )


def _numbered(
    data: TableData,
    first_id: int,
    datasets: dict[str, int],
    nominal_candidates: dict[str, DistinctValues],
) -> Iterator[dict[str, Any]]:
    """The rows with their ``subject_id``; counts rows per dataset and distinct values."""
    for subject_id, row in zip(count(first_id), data.rows, strict=False):
        if data.shared:
            dataset = row.get(DATASET_COLUMN)
            if not isinstance(dataset, str) or not dataset:
                raise BadRequest(f"{data.source}: row {subject_id - first_id + 1} has no dataset")
            datasets[dataset] = datasets.get(dataset, 0) + 1
        for code, distinct in nominal_candidates.items():
            distinct.add(row.get(code))
        yield {**row, SUBJECT_ID: subject_id}


def _batches(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _decide_nominal(
    variables: Sequence[VariableMeta],
    candidates: dict[str, DistinctValues],
    max_values: int,
) -> tuple[list[VariableMeta], list[str]]:
    decided, notes = [], []
    for variable in variables:
        values = candidates[variable.code].values() if variable.code in candidates else None
        if values:
            variable = as_nominal(variable, values)
            notes.append(
                f"'{variable.code}': a string column with {len(values)} distinct value(s) "
                f"(at most {max_values}) became {variable.type}: {', '.join(values)}"
            )
        decided.append(variable)
    return decided, notes


def _check_dataset_codes(
    connection: sa.Connection, data: TableData, codes: list[str], variables: list[VariableMeta]
) -> None:
    """Codes SQL can hold, and a variable of one code of one kind in all of a dataset's tables."""
    for code in codes:
        try:
            check_code("dataset", code)
        except ValueError as error:
            raise BadRequest(f"{data.source}: {error}") from None
    kinds = {variable.code: _kind(variable.type) for variable in variables}
    elsewhere = connection.execute(
        sa.select(meta_variables.c.dataset, meta_variables.c.table_name, meta_variables.c.code,
                  meta_variables.c.type)
        .where(meta_variables.c.dataset.in_(codes), meta_variables.c.table_name != data.table,
               meta_variables.c.code.in_(list(kinds)))
    ).all()
    for row in elsewhere:
        if _kind(row.type) != kinds[row.code]:
            raise BadRequest(
                f"{data.source}: table '{data.table}', column '{row.code}': dataset "
                f"'{row.dataset}' is also in table '{row.table_name}', where '{row.code}' is "
                f"{row.type}; here it would be {kinds[row.code]}: one variable, one kind"
            )


def _kind(type_: str) -> str:
    """What must agree between a dataset's tables (enumerations may differ: rows differ)."""
    if type_ in NOMINAL_TYPES:
        return "nominal"
    return "numeric" if type_ in {"real", "integer"} else type_


def _write_datasets(connection: sa.Connection, data: TableData, codes: list[str]) -> None:
    """One ``meta_datasets`` row per dataset (created, or updated with what the load says)."""
    stored = {row.code: row for row in connection.execute(
        sa.select(meta_datasets).where(meta_datasets.c.code.in_(codes)))}
    in_table = set(connection.execute(
        sa.select(meta_dataset_tables.c.dataset).where(
            meta_dataset_tables.c.table_name == data.table,
            meta_dataset_tables.c.dataset.in_(codes))
    ).scalars())
    for code in codes:
        said = data.datasets.get(code, DatasetMeta(code))
        if code in stored:
            values = {name: value for name, value in (
                ("label", said.label), ("description", said.description),
                ("anonymisation_level", said.anonymisation_level)) if value is not None}
            if values:
                connection.execute(
                    sa.update(meta_datasets).where(meta_datasets.c.code == code).values(**values))
        else:
            default = (DatasetMeta(code, data.label, data.description) if not data.shared
                       else DatasetMeta(code, code, data.description))
            meta = said.over(default)
            connection.execute(meta_datasets.insert().values(
                code=code, label=meta.label or code, description=meta.description or "",
                anonymisation_level=meta.anonymisation_level, table_name=data.table))
        if code not in in_table:
            connection.execute(meta_dataset_tables.insert().values(
                dataset=code, table_name=data.table))


def _write_variables(
    connection: sa.Connection, table: str, datasets: list[str], variables: list[VariableMeta]
) -> None:
    if not datasets:
        return
    connection.execute(meta_variables.insert(), [
        {
            "dataset": dataset,
            "table_name": table,
            "code": variable.code,
            "position": position,
            "label": variable.label,
            "type": variable.type,
            "enumerations": (
                json.dumps([dict(e) for e in variable.enumerations])
                if variable.enumerations
                else None
            ),
            "unit": variable.unit,
            "description": variable.description,
            "methodology": variable.methodology,
        }
        for dataset in datasets
        for position, variable in enumerate(variables)
    ])
