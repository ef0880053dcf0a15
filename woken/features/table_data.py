"""One table to write: what every source (a CSV, a data package, a bundled set) hands the writer."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from woken.features.bulk_load import BulkFile
from woken.features.dataset_meta import DatasetMeta
from woken.features.variables import VariableMeta


@dataclass
class TableData:
    """A table's variables and rows, read lazily so that a large file streams.

    ``rows`` yields one dict per row: each variable's code to its Python value
    (``float``, ``int``, ``str`` (enumeration codes, text), ``datetime.date``, ``None``
    for missing), plus ``dataset`` when ``shared`` (the table holds several datasets'
    rows, told apart by that column). Iterating may raise BadRequest on an invalid
    row: the writer's transaction then loads nothing.

    Without a ``dataset`` column the table is one dataset, coded like the table and
    described by ``label`` and ``description``. ``datasets``: what the source says of
    its datasets (label, description, anonymisation level), by code.
    ``may_be_nominal`` lists the text variables that become nominal if they hold few
    distinct values (see :mod:`.nominal`); ``notes`` are what the reader has to tell in
    the summary.
    """

    table: str
    source: str
    label: str
    description: str
    variables: list[VariableMeta]
    rows: Iterable[dict[str, Any]]
    shared: bool = False
    may_be_nominal: frozenset[str] = frozenset()
    notes: list[str] = field(default_factory=list)
    datasets: Mapping[str, DatasetMeta] = field(default_factory=dict)
    # The same rows as a plain CSV the fast path may copy in bulk (see :mod:`.bulk_load`).
    bulk: BulkFile | None = None
