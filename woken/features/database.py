"""``FeaturesDatabase``: what Woken asks of the features database, and nothing else.

Which datasets and variables exist, the metadata of requested codes, and the
rows of a request. Every code is checked against the catalog before it becomes
a (quoted) SQL identifier, every filter value is a bound parameter. The engine
is created once per instance; the catalog is read at each call (a few small
queries), so that datasets loaded by another process are seen at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from woken.errors import BadRequest
from woken.features import catalog
from woken.features.catalog import DatasetSchema
from woken.features.catalog_cache import CatalogCache
from woken.features.engine import create_features_engine
from woken.features.filter_rules import Filter, Group, parse_filters
from woken.features.loading import load_into
from woken.features.schema import DATASET_COLUMN, meta_datasets
from woken.features.selection import SelectedData, build_count, build_select, to_rows
from woken.features.variables import VariableMeta

__all__ = ["Dataset", "FeaturesDatabase", "SelectedData"]

# The request's ``filters`` as it arrived: "", [], {}, None, QueryBuilder JSON or its text.
RawFilters = str | Mapping[str, Any] | Sequence[Any] | None


@dataclass(frozen=True)
class Dataset:
    """A dataset of the features database: its code, label, table and number of rows.

    ``table`` is the table counted (its home table unless another was asked for);
    ``tables`` every table that holds its rows, its home table first.
    """

    code: str
    label: str
    description: str
    table: str
    row_count: int
    tables: tuple[str, ...] = ()
    anonymisation_level: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The dataset as ``GET /metadata/datasets`` lists it."""
        return {
            "code": self.code,
            "label": self.label,
            "description": self.description,
            "rowCount": self.row_count,
        }


class FeaturesDatabase:
    """The features database at ``url`` (any SQLAlchemy URL; SQLite and PostgreSQL tested)."""

    def __init__(self, url: str | sa.URL) -> None:
        self._engine = create_features_engine(url)
        self._catalog = CatalogCache()

    @property
    def engine(self) -> sa.Engine:
        return self._engine

    def snapshot(self) -> AbstractContextManager[None]:
        """A block (one request's planning) in which this thread reads the catalog once."""
        return self._catalog.snapshot()

    def datasets(self, table: str | None = None) -> list[Dataset]:
        """Every usable dataset (of ``table``, if given: BadRequest if unknown), by code."""
        with self._engine.connect() as connection:
            found = self._catalog.catalog(connection)
            if table is None:
                return [_dataset(connection, s) for s in found.home.values()]
            _check_table(found, table)
            return [_dataset(connection, s) for s in found.in_table(table)]

    def dataset(self, code: str, table: str | None = None) -> Dataset:
        with self._engine.connect() as connection:
            (schema,) = self._read(connection, [code], table)
            return _dataset(connection, schema)

    def listing(
        self, datasets: Sequence[str] = (), table: str | None = None, exhaustive: bool = False
    ) -> list[tuple[VariableMeta, list[str]]]:
        """Each variable with the datasets that have it, as ``GET /metadata/variables`` lists them.

        No dataset named: every dataset (of ``table``, if given). A dataset's variables are
        those of every one of its tables (of ``table`` only, if given). The union over the
        datasets, or with ``exhaustive`` only the variables that every one of them has.
        A variable is described as its first dataset (by code, home table first) has it.
        """
        with self._engine.connect() as connection:
            found = self._catalog.catalog(connection)
            codes = _as_list(datasets)
            if codes:
                catalog.pick(found, codes, table)
            elif table is not None:
                _check_table(found, table)
            schemas = [s for s in found.schemas
                       if (not codes or s.code in codes)
                       and (table is None or s.table_name == table)]
        named = list(dict.fromkeys(codes or [s.code for s in schemas]))
        variables: dict[str, tuple[VariableMeta, list[str]]] = {}
        for code in named:
            for schema in (s for s in schemas if s.code == code):
                for variable_code, meta in schema.variables.items():
                    entry = variables.setdefault(variable_code, (meta, []))
                    if code not in entry[1]:
                        entry[1].append(code)
        return [entry for entry in variables.values()
                if not exhaustive or len(entry[1]) == len(named)]

    def variables(self, datasets: Sequence[str], table: str | None = None) -> list[VariableMeta]:
        """The variables of the datasets; for several, those all of them have alike.

        Alike: the same type and, for nominal variables, the same enumeration codes, so
        that the union of the datasets' rows is one variable, not two under one name.
        """
        with self._engine.connect() as connection:
            first, *others = self._read(connection, _as_list(datasets), table)
        return [
            meta
            for code, meta in first.variables.items()
            if all(code in o.variables and _alike(meta, o.variables[code]) for o in others)
        ]

    def resolve(
        self, datasets: Sequence[str], codes: Sequence[str], table: str | None = None
    ) -> list[VariableMeta]:
        """The metadata of each code, in order; BadRequest naming every unknown code."""
        with self._engine.connect() as connection:
            schemas = self._read(connection, _as_list(datasets), table)
        return _resolve(schemas, _as_list(codes))

    def select(
        self, datasets: Sequence[str], columns: Sequence[str], filters: Filter | RawFilters,
        keep_missing: bool = False, required: Sequence[str] = (), table: str | None = None,
    ) -> SelectedData:
        """The rows of ``columns`` that pass ``filters`` and miss no value.

        ``table``: the table to read the datasets' rows from (default: each one's home).

        ``keep_missing``: rows missing values are kept (None), except those missing a
        value of ``required``.

        ``filters`` is a parsed :class:`~.filters.Filter`, None, or the request's raw
        ``filters`` (parsed here). For several datasets, the union of their rows (each
        dataset's in turn, in the order given); rows are ordered by ``subject_id``
        within a dataset.
        """
        statement, metas = self._statement(datasets, columns, filters, keep_missing, required,
                                           table)
        with self._engine.connect() as connection:
            rows = to_rows(metas, connection.execute(statement), keep_missing, required)
        return SelectedData(columns=[m.code for m in metas], rows=rows)

    def count(
        self, dataset: str, filters: Filter | RawFilters, table: str | None = None
    ) -> int:
        """How many rows of ``dataset`` pass ``filters``, whatever their missing values."""
        filter_ = filters if isinstance(filters, Group) else parse_filters(filters)
        with self._engine.connect() as connection:
            (schema,) = self._read(connection, [dataset], table)
            return int(connection.execute(build_count(schema, filter_)).scalar_one())

    def select_sql(
        self, datasets: Sequence[str], columns: Sequence[str], filters: Filter | RawFilters,
        table: str | None = None,
    ) -> str:
        """The same selection as one SQL string, for legacy images that read ``PARAM_query``.

        Values are rendered as literals by the dialect (they were checked against the
        metadata first); new code should use :meth:`select` and hand over the rows.
        """
        statement, _ = self._statement(datasets, columns, filters, table=table)
        # The engine's own dialect may escape '%' as '%%' for its driver's "pyformat"
        # parameters; the text goes to a client that runs it as is, without parameters.
        plain = type(self._engine.dialect)(paramstyle="named")  # type: ignore[call-arg]
        # PostgreSQL: quote backslashes as the server reads strings (learnt at connect time).
        if hasattr(self._engine.dialect, "_backslash_escapes"):
            plain._backslash_escapes = self._engine.dialect._backslash_escapes  # type: ignore[attr-defined]
        return str(statement.compile(dialect=plain, compile_kwargs={"literal_binds": True}))

    def is_empty(self) -> bool:
        """True when the database holds no dataset (not even the catalog tables)."""
        with self._engine.connect() as connection:
            if not catalog.has_catalog(connection):
                return True
            return connection.execute(sa.select(meta_datasets.c.code).limit(1)).first() is None

    def load(self, names: Sequence[str] | None = None, replace: bool = False) -> list[str]:
        """Load bundled datasets into this database (see :func:`.loading.load_datasets`)."""
        return load_into(self._engine, names, replace)

    def dispose(self) -> None:
        self._engine.dispose()

    def dataset_tables(self) -> dict[str, tuple[str, ...]]:
        """The tables of each usable dataset, home first, by code (no row counts: cheap)."""
        with self._engine.connect() as connection:
            schemas = self._catalog.schemas(connection)
        return {code: schema.tables for code, schema in schemas.items()}

    def _read(
        self, connection: sa.Connection, codes: Sequence[str], table: str | None = None
    ) -> list[DatasetSchema]:
        return catalog.pick(self._catalog.catalog(connection), codes, table)

    def _statement(
        self, datasets: Sequence[str], columns: Sequence[str], filters: Filter | RawFilters,
        keep_missing: bool = False, required: Sequence[str] = (), table: str | None = None,
    ) -> tuple[sa.Select[Any], list[VariableMeta]]:
        datasets, columns = _as_list(datasets), _as_list(columns)
        filter_ = filters if isinstance(filters, Group) else parse_filters(filters)
        if not columns:
            raise BadRequest("no variable selected")
        repeated = sorted({c for c in columns if isinstance(c, str) and columns.count(c) > 1})
        if repeated:
            raise BadRequest(
                f"variable(s) selected more than once: {', '.join(repr(c) for c in repeated)}"
            )
        with self._engine.connect() as connection:
            schemas = self._read(connection, datasets, table)
        metas = _resolve(schemas, columns)
        statement = build_select(schemas, [m.code for m in metas], filter_, keep_missing,
                                 required)
        return statement, metas


def _as_list(codes: Sequence[str]) -> list[str]:
    """A list of codes; one code given as a plain string is a list of one, not of letters."""
    return [codes] if isinstance(codes, str) else list(codes)


def _check_table(found: catalog.Catalog, table: str) -> None:
    if table not in found.tables():
        raise BadRequest(
            f"unknown table '{table}' (known: {', '.join(found.tables()) or 'none'})",
            {"unknown": table, "known": found.tables()},
        )


def _dataset(connection: sa.Connection, schema: DatasetSchema) -> Dataset:
    table = sa.table(schema.table_name, sa.column(DATASET_COLUMN))
    count_rows = sa.select(sa.func.count()).select_from(table)
    if schema.shared_table:
        count_rows = count_rows.where(table.c[DATASET_COLUMN] == schema.code)
    count = connection.execute(count_rows).scalar_one()
    return Dataset(
        code=schema.code,
        label=schema.label,
        description=schema.description,
        table=schema.table_name,
        row_count=int(count),
        tables=schema.tables,
        anonymisation_level=schema.anonymisation_level,
    )


def _resolve(schemas: Sequence[DatasetSchema], codes: Sequence[str]) -> list[VariableMeta]:
    unknown = {
        schema.code: [c for c in codes if not isinstance(c, str) or c not in schema.variables]
        for schema in schemas
    }
    missing = [
        f"{', '.join(repr(str(c)) for c in codes_)} in dataset '{dataset}'"
        for dataset, codes_ in unknown.items()
        if codes_
    ]
    if missing:
        raise BadRequest(
            f"unknown variable(s) {'; '.join(missing)}",
            {"unknown": {dataset: codes_ for dataset, codes_ in unknown.items() if codes_}},
        )
    first, *others = schemas
    for code in codes:
        for other in others:
            if not _alike(first.variables[code], other.variables[code]):
                raise BadRequest(
                    f"variable '{code}' differs between datasets: "
                    f"{_kind(first.variables[code])} in '{first.code}', "
                    f"{_kind(other.variables[code])} in '{other.code}'"
                )
    return [first.variables[code] for code in codes]


def _alike(a: VariableMeta, b: VariableMeta) -> bool:
    """Whether two datasets' variables of one code can be selected as one column."""
    return a.type == b.type and _codes(a) == _codes(b)


def _codes(meta: VariableMeta) -> set[str]:
    return {e["code"] for e in meta.enumerations}


def _kind(meta: VariableMeta) -> str:
    if meta.enumerations:
        return f"{meta.type} ({', '.join(e['code'] for e in meta.enumerations)})"
    return meta.type
