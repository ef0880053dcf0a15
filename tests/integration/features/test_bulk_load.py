"""The fast load path (blocks checked with pandas, COPY / executemany) against the row-by-row one.

Both must leave the same tables and metadata; where the fast path doubts, the row-by-row
path names the bad row and column, and nothing is loaded.
"""

from __future__ import annotations

import csv
import logging
import random
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.support.answers_2019 import PACKAGE
from woken.errors import BadRequest
from woken.features import bulk_load, frictionless_source
from woken.features.database import FeaturesDatabase
from woken.features.load_files import LoadOptions, load_sources, open_sources
from woken.features.schema import meta_catalog_version

FAST_PATH_LOG = "woken.features.table_writer"


def load(url: str, path: Path, **options: Any) -> None:
    database = FeaturesDatabase(url)
    try:
        load_sources(database.engine, open_sources(path, options.pop("table", None)),
                     LoadOptions(**options))
    finally:
        database.dispose()


def contents(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, in order (data tables by subject_id, metadata sorted).

    Not the metadata's change number: how often it was raised depends on the statements
    (row triggers on SQLite, statement triggers on PostgreSQL), not on what was loaded.
    """
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            found = {}
            for name in sorted(sa.inspect(connection).get_table_names()):
                if name == meta_catalog_version.name:
                    continue
                table = sa.Table(name, sa.MetaData(), autoload_with=connection)
                rows = [tuple(row) for row in connection.execute(sa.select(table))]
                found[name] = sorted(rows, key=repr)
            return found
    finally:
        engine.dispose()


def write_big_csv(path: Path, rows: int, bad_line: int | None = None) -> Path:
    rng = random.Random(7)
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["dataset", "sex", "age", "score", "note"])
        for line in range(2, rows + 2):
            score = "abc" if line == bad_line else f"{rng.random() * 10:.4f}"
            writer.writerow([f"site-{line % 3}", "MF"[line % 2], rng.randint(20, 90) if line % 11
                             else "", score, "x" if line % 5 else 'a "quoted", cell'])
    path.with_suffix(".schema.json").write_text(
        '{"fields": [{"name": "dataset", "type": "string"},'
        ' {"name": "sex", "type": "string", "constraints": {"enum": ["M", "F"]}},'
        ' {"name": "age", "type": "integer", "constraints": {"minimum": 0}},'
        ' {"name": "score", "type": "number"}, {"name": "note", "type": "string"}]}')
    return path


def test_the_fast_path_loads_the_mip_package_as_the_row_by_row_path_does(
    empty_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger=FAST_PATH_LOG):
        load(empty_url, PACKAGE)
    assert "read row by row" not in caplog.text  # every resource took the fast path
    fast = contents(empty_url)
    slow_url = f"sqlite:///{tmp_path / 'slow.db'}"
    monkeypatch.setattr(frictionless_source, "bulk_file", lambda *_: None)
    load(slow_url, PACKAGE)
    slow = contents(slow_url)
    assert fast.keys() == slow.keys()
    for name in fast:
        assert fast[name] == slow[name], name


def test_blocks_cut_between_rows_and_quotes_load_every_row(
    empty_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(bulk_load, "BLOCK_BYTES", 997)  # many blocks, cut anywhere
    path = write_big_csv(tmp_path / "big.csv", 3000)
    with caplog.at_level(logging.INFO, logger=FAST_PATH_LOG):
        load(empty_url, path)
    assert "read row by row" not in caplog.text
    database = FeaturesDatabase(empty_url)
    try:
        counts = {d.code: d.row_count for d in database.datasets()}
        assert counts == {"site-0": 1000, "site-1": 1000, "site-2": 1000}
        rows = database.select(["site-1"], ["age", "note"], None, keep_missing=True).rows
        # Line 55 (site-1's 18th row, lines 4, 7, ...): age missing, a quoted cell.
        assert rows[17] == [None, 'a "quoted", cell']
        assert sum(row[0] is None for row in rows) == len(range(22, 3002, 33))
    finally:
        database.dispose()


def test_a_bad_value_deep_in_the_file_is_named_and_nothing_is_loaded(
    empty_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bulk_load, "BLOCK_BYTES", 4096)
    path = write_big_csv(tmp_path / "big.csv", 2000, bad_line=1777)
    before = contents(empty_url)
    with pytest.raises(BadRequest, match=r"big.csv: line 1777, column 'score': 'abc' is not "
                                         r"a valid number"):
        load(empty_url, path)
    assert contents(empty_url) == before
