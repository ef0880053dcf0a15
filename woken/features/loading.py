"""Loading the bundled datasets into a features database, idempotently.

Each dataset is written in its own transaction: its data table, its rows and its
metadata rows, by the same writer as users' data (:mod:`.table_writer`), so that
a reader never sees metadata without data. A dataset already listed in
``meta_datasets`` is left alone unless ``replace`` is asked for; loading twice is
therefore harmless, and a service can call this at every start.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import sqlalchemy as sa

from woken.errors import BadRequest
from woken.features.bundled import BUILDERS, BundledDataset
from woken.features.engine import create_features_engine
from woken.features.schema import meta_datasets
from woken.features.schema_upgrade import ensure_schema
from woken.features.table_data import TableData
from woken.features.table_writer import Mode, write_table

log = logging.getLogger(__name__)


def load_datasets(
    url: str, names: Sequence[str] | None = None, replace: bool = False
) -> list[str]:
    """Create the schema if missing and load the bundled datasets ``names`` (default: all).

    Returns the codes of the datasets actually written, in order; a dataset that is
    already present is skipped unless ``replace``.
    """
    engine = create_features_engine(url)
    try:
        return load_into(engine, names, replace)
    finally:
        engine.dispose()


def load_into(
    engine: sa.Engine, names: Sequence[str] | None = None, replace: bool = False
) -> list[str]:
    """:func:`load_datasets` on an engine the caller owns."""
    if isinstance(names, str):
        names = [names]
    wanted = list(BUILDERS) if names is None else list(dict.fromkeys(names))
    unknown = [name for name in wanted if name not in BUILDERS]
    if unknown:
        raise BadRequest(
            f"unknown bundled dataset(s) {', '.join(repr(n) for n in unknown)} "
            f"(known: {', '.join(BUILDERS)})",
            {"unknown": unknown},
        )
    create_schema(engine)
    loaded = []
    for name in wanted:
        # Built only when needed: the scikit-learn datasets import scikit-learn.
        if _write_if_needed(engine, name, BUILDERS[name], replace):
            loaded.append(name)  # noqa: PERF401 (a comprehension would hide the writes)
    return loaded


def load_dataset(engine: sa.Engine, dataset: BundledDataset, replace: bool = False) -> bool:
    """Write one dataset (bundled or not) into the database; False if it was already there."""
    create_schema(engine)
    return _write_if_needed(engine, dataset.code, lambda: dataset, replace)


def _write_if_needed(
    engine: sa.Engine, code: str, build: Callable[[], BundledDataset], replace: bool
) -> bool:
    with engine.begin() as connection:
        present = connection.execute(
            sa.select(meta_datasets.c.code).where(meta_datasets.c.code == code)
        ).first()
        if present is not None and not replace:
            log.info("dataset %s is already loaded: skipped", code)
            return False
        _write(connection, build())
    return True


def create_schema(engine: sa.Engine) -> None:
    """Create the metadata tables where they do not exist yet (upgrade those of before)."""
    with engine.begin() as connection:
        ensure_schema(connection)


def _write(connection: sa.Connection, dataset: BundledDataset) -> None:
    """Replace whatever is stored under the dataset's code by the dataset.

    A table without metadata row is a leftover of an earlier version: the dataset's
    code names it, so it is ours to replace.
    """
    data = TableData(
        table=dataset.code,
        source=f"bundled dataset '{dataset.code}'",
        label=dataset.label,
        description=dataset.description,
        variables=list(dataset.variables),
        rows=dataset.rows(),
    )
    write_table(connection, data, Mode.REPLACE)
