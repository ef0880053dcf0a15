"""Loading users' data (a data package, a CSV file) into a features database, all or nothing.

Every table of the package is written in ONE transaction: an invalid row, a
duplicate column, an empty file or a code SQL cannot hold anywhere rolls back
every table and every metadata row of the load, and the database is exactly as
it was. Resources that declare the same table (several hospitals' files for one
table) fill it in turn: the first as the load's mode says, the next ones appended.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import sqlalchemy as sa

from woken.features import catalog
from woken.features.dataset_meta import merged
from woken.features.frictionless_source import Source, open_sources, read_source
from woken.features.load_summary import LoadSummary
from woken.features.metadata_file import read_metadata_datasets, read_metadata_file
from woken.features.nominal import NOMINAL_MAX_VALUES
from woken.features.table_writer import Mode, Progress, write_table
from woken.features.variables import VariableMeta

__all__ = ["LoadOptions", "Mode", "load_sources", "open_sources"]


@dataclass(frozen=True)
class LoadOptions:
    """``woken load-data PATH``'s options (see the README)."""

    table: str | None = None
    mode: Mode = Mode.CREATE
    metadata: Path | None = None
    nominal_max_values: int = NOMINAL_MAX_VALUES


def load_sources(
    engine: sa.Engine,
    sources: Sequence[Source],
    options: LoadOptions,
    progress: Progress | None = None,
) -> LoadSummary:
    """Write every source's table (see :func:`open_sources`) in one transaction."""
    described = read_metadata_file(options.metadata) if options.metadata else {}
    datasets = read_metadata_datasets(options.metadata) if options.metadata else {}
    used: set[str] = set()
    tables = []
    written: set[str] = set()
    with engine.begin() as connection:
        for source in sources:
            mode = Mode.APPEND if source.table in written else options.mode
            overrides, origin = dict(described), "the metadata file"
            if mode is Mode.APPEND:
                # Appended rows are checked against the table's variables, whatever else says.
                overrides.update(_table_variables(connection, source.table))
            data = read_source(source, overrides, origin if described else "")
            data.datasets = merged(datasets, data.datasets)
            used.update(v.code for v in data.variables if v.code in described)
            tables.append(write_table(
                connection, data, mode, progress, options.nominal_max_values
            ))
            written.add(source.table)
    unused = sorted(set(described) - used)
    if unused and tables:
        note = f"the metadata file describes no column of this load: {', '.join(unused)}"
        tables[-1] = replace(tables[-1], notes=(*tables[-1].notes, note))
    return LoadSummary(tables)


def _table_variables(connection: sa.Connection, table: str) -> Mapping[str, VariableMeta]:
    for schema in catalog.read_all(connection):
        if schema.table_name == table:
            return schema.variables
    return {}

