"""Which rows a request reads: the table (`targetTable`) and its datasets.

Tables and datasets are two things (contract, "The 2019 request and result
formats"): a features table holds the rows of several datasets, told apart by its
`dataset` column. `targetTable` picks the table, `datasets` (or, for an
experiment, `trainingDatasets` and the held-out `validationDatasets`) pick rows.
A dataset may be in several tables (its own and a mixed one): `targetTable`
decides which one its rows are read from. Without `targetTable` each dataset is
read from its home table (the bundled sets, one table each, stay reachable by
their names); without any dataset the configured default dataset is read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from woken.errors import BadRequest
from woken.features.database import FeaturesDatabase
from woken.planning.queries import TableRef

# The names the 2019 messages give the one features database Woken reads, and its schema.
FEATURES_DATABASE = "features"
DEFAULT_DB_SCHEMA = "public"


@dataclass(frozen=True)
class DataScope:
    """The datasets to train on (or simply read) and those held out, all checked."""

    datasets: list[str]
    held_out: list[str]
    # The table(s) the datasets are read from, in order of first appearance.
    tables: list[str]
    # The request's `targetTable` (None: each dataset from its home table).
    table: str | None = None

    @property
    def all_datasets(self) -> list[str]:
        return [*self.datasets, *self.held_out]

    def table_json(self) -> dict[str, Any] | None:
        """The `targetTable` as understood (None when the datasets span several tables)."""
        if len(self.tables) != 1:
            return None
        return table_json(self.tables[0])


def table_json(name: str) -> dict[str, Any]:
    return {"database": FEATURES_DATABASE, "dbSchema": DEFAULT_DB_SCHEMA, "name": name}


def resolve_scope(
    features: FeaturesDatabase,
    default_dataset: str,
    target_table: TableRef | None,
    datasets: Sequence[str],
    held_out: Sequence[str] = (),
) -> DataScope:
    known = features.dataset_tables()  # code -> its tables, home first
    _check_repeats(datasets, held_out)
    if target_table is not None:
        table = _check_table(target_table, known)
        in_table = [code for code, tables in known.items() if table in tables]
        for code in [*datasets, *held_out]:
            _check_dataset(code, known)
            if table not in known[code]:
                raise BadRequest(
                    f"dataset '{code}' is not in targetTable '{table}' "
                    f"(its datasets: {', '.join(in_table)})"
                )
        chosen = list(datasets) or [code for code in in_table if code not in held_out]
        if not chosen:
            raise BadRequest(f"targetTable '{table}': every dataset is held out, none to train on")
        return DataScope(datasets=chosen, held_out=list(held_out), tables=[table], table=table)
    chosen = list(datasets) or [default_dataset]
    for code in [*chosen, *held_out]:
        _check_dataset(code, known)
    tables = list(dict.fromkeys(known[code][0] for code in [*chosen, *held_out]))
    return DataScope(datasets=chosen, held_out=list(held_out), tables=tables)


def _check_table(ref: TableRef, known: dict[str, tuple[str, ...]]) -> str:
    if ref.database not in (None, FEATURES_DATABASE):
        raise BadRequest(
            f"targetTable.database '{ref.database}' is unknown: Woken reads one features "
            f"database, '{FEATURES_DATABASE}'"
        )
    if ref.db_schema not in (None, DEFAULT_DB_SCHEMA):
        raise BadRequest(
            f"targetTable.dbSchema '{ref.db_schema}' is unknown (known: {DEFAULT_DB_SCHEMA})"
        )
    tables = sorted({table for names in known.values() for table in names})
    if ref.name not in tables:
        raise BadRequest(
            f"unknown targetTable '{ref.name}' (known: {', '.join(tables) or 'none'})",
            {"unknown": ref.name, "known": tables},
        )
    return ref.name


def _check_dataset(code: str, known: dict[str, tuple[str, ...]]) -> None:
    if code not in known:
        raise BadRequest(
            f"unknown dataset '{code}' (known: {', '.join(known) or 'none'})",
            {"unknown": [code], "known": list(known)},
        )


def _check_repeats(datasets: Sequence[str], held_out: Sequence[str]) -> None:
    codes = [*datasets, *held_out]
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        both = [code for code in repeated if code in datasets and code in held_out]
        if both:
            raise BadRequest(
                f"dataset(s) {', '.join(both)} both trained on and held out for validation: "
                "a validation dataset must be unseen by training"
            )
        raise BadRequest(f"dataset(s) listed more than once: {', '.join(repeated)}")
