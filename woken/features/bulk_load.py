"""The fast path of a load: a plain CSV checked block by block with pandas, copied in bulk.

frictionless checks a file row by row in Python (~10 000 rows/s at 50 columns):
hours for the million-row tables a hospital exports. When a resource is a plain
CSV (UTF-8, default dialect, fields of type string/integer/number/date with the
default format, constraints among ``required``, ``enum``, ``minimum``, ``maximum``,
``unique``, missing values ``""``), the same checks run here on blocks of the file:

- a block is a few MB of whole rows (cut at a line end outside quotes), parsed by
  pandas' C reader with each field's type, then checked column by column; memory
  is one block whatever the file's size (a ``unique`` field, and the primary key,
  also keep one hash per row: a uniqueness check cannot forget what it has seen);
- PostgreSQL gets the block's bytes as they are, through ``COPY ... FROM STDIN``
  (``subject_id`` numbered by a temporary identity); SQLite gets its rows through
  the driver's ``executemany`` (its column affinity stores numbers as numbers).

frictionless stays the reference: anything the fast path does not accept (a parse
error, a value that breaks a check, a row of the wrong width, a refusal of the
database) raises :class:`NotFast`, the writer rolls back to a savepoint and runs the
row-by-row path, which names the first bad row and column, or loads the file if
the fast path was merely stricter.
"""

from __future__ import annotations

import csv
import io
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from woken.features.bulk_errors import NotFast
from woken.features.bulk_sinks import SINKS
from woken.features.nominal import DistinctValues
from woken.features.schema import DATASET_COLUMN

BLOCK_BYTES = 4 << 20
QUEUED = 2  # checked blocks waiting for the database
READER_JOIN_S = 30.0
_TYPES = {"string": object, "integer": object, "number": "float64", "date": object}
_CONSTRAINTS = {"required", "enum", "minimum", "maximum", "unique"}
_INTEGER = r"[+-]?\d+"
_DATE = r"\d{4}-\d{2}-\d{2}"


@dataclass(frozen=True)
class Column:
    """One CSV column: its name in the file, its table column, type and constraints."""

    name: str
    column: str
    type: str
    constraints: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BulkFile:
    """A CSV file the fast path can take, and the checks its Table Schema asks for."""

    path: Path
    columns: tuple[Column, ...]
    unique: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]


def bulk_file(resource: Any, dataset_column: str) -> BulkFile | None:
    """The resource as a :class:`BulkFile`, or None if the fast path cannot take it."""
    path = Path(resource.normpath or "")
    if (resource.format != "csv" or not path.is_file() or resource.compression
            or (resource.encoding or "utf-8").lower().replace("_", "-") not in ("utf-8",)
            or resource.dialect.to_descriptor() not in ({}, {"header": True})
            or list(resource.schema.missing_values) != [""]):
        return None
    columns = []
    unique = [*resource.schema.primary_key]
    for item in resource.schema.fields:
        constraints = dict(item.constraints)
        if (item.type not in _TYPES or item.format not in (None, "default")
                or set(constraints) - _CONSTRAINTS
                or (item.type == "number" and (item.decimal_char != "." or item.group_char
                                               or not item.bare_number))):
            return None
        if constraints.pop("unique", False):
            unique.append(item.name)
        name = item.name
        columns.append(Column(name, DATASET_COLUMN if name == dataset_column else name,
                              item.type, constraints))
    return BulkFile(path, tuple(columns), tuple(dict.fromkeys(unique)))


@dataclass
class BulkResult:
    """What the fast path wrote: rows, rows per dataset."""

    rows: int = 0
    datasets: dict[str, int] = field(default_factory=dict)


def write_bulk(
    connection: sa.Connection, table: sa.Table, source: BulkFile, first_id: int,
    distinct: dict[str, DistinctValues], progress: Callable[[int], None] | None,
) -> BulkResult:
    """Check and write every row of ``source``; :class:`NotFast` at the first doubt.

    The blocks are read and checked in a thread while the database writes the
    previous one (at most :data:`QUEUED` blocks wait: memory stays bounded).
    """
    dialect = connection.dialect.name
    if dialect not in SINKS:
        raise NotFast(dialect)
    result = BulkResult()
    checked: queue.Queue[tuple[bytes, pd.DataFrame] | BaseException | None] = queue.Queue(QUEUED)
    stop = threading.Event()
    reader = threading.Thread(target=_read_all, name="bulk-load-reader", daemon=True,
                              args=(source, DATASET_COLUMN in table.c, distinct, result,
                                    checked, stop))
    reader.start()
    try:
        with SINKS[dialect](connection, table, source, first_id) as write:
            while (item := _next(checked, reader)) is not None:
                if isinstance(item, BaseException):
                    raise item
                block, frame = item
                write(block, frame)
                if progress is not None:
                    progress(len(frame))
    finally:
        stop.set()
        reader.join(timeout=READER_JOIN_S)
    return result


def _next(checked: queue.Queue[Any], reader: threading.Thread) -> Any:
    """The reader's next block (None: the end); waits only while the reader lives."""
    while True:
        try:
            return checked.get(timeout=1.0)
        except queue.Empty:
            if not reader.is_alive() and checked.empty():
                raise NotFast("the reader ended without a word") from None


def _read_all(
    source: BulkFile, shared: bool, distinct: dict[str, DistinctValues], result: BulkResult,
    checked: queue.Queue[Any], stop: threading.Event,
) -> None:
    """The reader thread: every block checked, with its statistics, then None."""
    seen: dict[str, set[int]] = {name: set() for name in source.unique}
    outcome: Any = None
    try:
        for block in _blocks(source):
            frame = _checked(block, source)
            for name, hashes in seen.items():
                _unique(frame[name], hashes)
            if shared:
                _count_datasets(frame, source, result.datasets)
            for code, values in distinct.items():
                for value in frame[code].dropna().tolist():
                    values.add(str(value))
            result.rows += len(frame)
            if not _put(checked, (block, frame), stop):
                return
    except BaseException as error:  # handed to the writer's thread, which raises it
        outcome = error if isinstance(error, NotFast) else NotFast(repr(error))
    _put(checked, outcome, stop)


def _put(checked: queue.Queue[Any], item: Any, stop: threading.Event) -> bool:
    while not stop.is_set():
        try:
            checked.put(item, timeout=1.0)
            return True
        except queue.Full:
            continue
    return False


def _blocks(source: BulkFile) -> Iterator[bytes]:
    """The file's data rows in blocks of whole rows; NotFast if the header is not the schema's."""
    with source.path.open("rb") as file:
        header = next(csv.reader([file.readline().decode("utf-8-sig")]), [])
        if header != source.names:
            raise NotFast("header")
        rest = b""
        while chunk := file.read(BLOCK_BYTES):
            data = rest + chunk
            cut = _row_end(data)
            if cut < 0:
                rest = data
                continue
            rest = data[cut + 1:]
            yield data[: cut + 1]
        if rest.strip():
            yield rest if rest.endswith(b"\n") else rest + b"\n"


def _row_end(data: bytes) -> int:
    """The last line end outside a quoted cell (-1: none in ``data``)."""
    cut = data.rfind(b"\n")
    while cut >= 0 and data.count(b'"', 0, cut) % 2:
        cut = data.rfind(b"\n", 0, cut)
    return cut


def _checked(block: bytes, source: BulkFile) -> pd.DataFrame:
    try:
        frame = pd.read_csv(
            io.BytesIO(block), header=None, names=source.names, encoding="utf-8",
            dtype={c.name: _TYPES[c.type] for c in source.columns},
            na_values=[""], keep_default_na=False, engine="c", skip_blank_lines=False,
        )
    except (ValueError, TypeError, pd.errors.ParserError) as error:
        raise NotFast(str(error)) from None
    if not _whole_rows(block, len(frame), len(source.columns)):
        raise NotFast("a row of another width")
    for column in source.columns:
        _check_column(frame[column.name], column)
    return frame


def _whole_rows(block: bytes, rows: int, width: int) -> bool:
    """Whether every row has ``width`` cells (pandas fills a short row in silence)."""
    if b'"' in block:  # commas may be inside quoted cells: count cells the slow way
        return all(len(row) == width for row in csv.reader(io.StringIO(block.decode("utf-8"))))
    return block.count(b",") == rows * (width - 1)


def _check_column(values: pd.Series, column: Column) -> None:
    constraints = column.constraints
    if constraints.get("required") and values.isna().any():
        raise NotFast(f"{column.name}: required")
    if column.type == "number":
        numbers = values.to_numpy(dtype="float64")
        if np.isinf(numbers).any():
            raise NotFast(f"{column.name}: infinity")  # stored as frictionless reads it
        present = values
    else:
        present = values.dropna()
        if column.type == "integer":
            if not present.str.fullmatch(_INTEGER).all():
                raise NotFast(f"{column.name}: integer")
            if {"enum", "minimum", "maximum"} & set(constraints):
                present = pd.to_numeric(present)
        elif column.type == "date" and not present.str.fullmatch(_DATE).all():
            raise NotFast(f"{column.name}: date")
    if "enum" in constraints and not present.dropna().isin(constraints["enum"]).all():
        raise NotFast(f"{column.name}: enum")
    if "minimum" in constraints and (present < constraints["minimum"]).any():
        raise NotFast(f"{column.name}: minimum")
    if "maximum" in constraints and (present > constraints["maximum"]).any():
        raise NotFast(f"{column.name}: maximum")


def _unique(values: pd.Series, seen: set[int]) -> None:
    hashes = pd.util.hash_pandas_object(values.dropna(), index=False)
    before = len(seen)
    seen.update(hashes.tolist())
    if len(seen) != before + len(hashes):
        raise NotFast("unique")


def _count_datasets(frame: pd.DataFrame, source: BulkFile, counts: dict[str, int]) -> None:
    name = next(c.name for c in source.columns if c.column == DATASET_COLUMN)
    codes = frame[name]
    if codes.isna().any():
        raise NotFast("a row without dataset")
    for code, rows in codes.astype(str).value_counts(sort=False).items():
        counts[str(code)] = counts.get(str(code), 0) + int(rows)
