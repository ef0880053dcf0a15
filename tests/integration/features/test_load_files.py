"""Loading users' data (a Frictionless package, a CSV): all or nothing, SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from woken.errors import BadRequest
from woken.features.database import FeaturesDatabase
from woken.features.load_files import LoadOptions, Mode, load_sources, open_sources
from woken.features.load_summary import LoadSummary
from woken.features.loading import load_datasets

DEMO = Path(__file__).parents[3] / "dev-debug" / "data" / "mip-demo"


def load(url: str, path: Path, **options: Any) -> LoadSummary:
    database = FeaturesDatabase(url)
    try:
        return load_sources(database.engine, open_sources(path, options.get("table")),
                            LoadOptions(**options))
    finally:
        database.dispose()


def snapshot(url: str) -> dict[str, Any]:
    """Every table of the database with its row count, and every metadata row."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            names = sorted(sa.inspect(connection).get_table_names())
            return {
                name: sorted(map(tuple, connection.execute(
                    sa.select(sa.table(name, *(sa.column(c["name"]) for c in
                                               sa.inspect(connection).get_columns(name))))
                ).all()), key=repr) if name.startswith("meta_") else connection.execute(
                    sa.select(sa.func.count()).select_from(sa.table(name))).scalar_one()
                for name in names
            }
    finally:
        engine.dispose()


def write_csv(path: Path, rows: list[list[Any]]) -> Path:
    with path.open("w", newline="") as file:
        csv.writer(file).writerows(rows)
    return path


def test_a_package_of_two_tables_loads_with_its_codes_as_they_are(empty_url: str) -> None:
    summary = load(empty_url, DEMO)
    database = FeaturesDatabase(empty_url)
    try:
        assert {d.code: d.row_count for d in database.datasets()} == {
            "desd-synthdata": 50, "nida-synthdata": 30, "ppmi-synthdata": 30, "demo-sites": 6}
        variables = {v.code: v for v in database.variables(["desd-synthdata", "nida-synthdata"])}
        assert {code: v.type for code, v in variables.items()} == {
            "subjectcode": "text", "_3rdventricle": "real", "leftententorhinalarea": "real",
            "Age": "integer", "sex": "binominal", "alzheimerbroadcategory": "polynominal"}
        assert variables["_3rdventricle"].label == "3rd Ventricle"
        assert variables["_3rdventricle"].description == "Volume of the third ventricle (cm3)"
        assert [e["code"] for e in variables["sex"].enumerations] == ["M", "F"]
        sites = {v.code: v for v in database.variables(["demo-sites"])}
        assert {code: v.type for code, v in sites.items()} == {
            "site-code": "text", "Country": "polynominal", "beds": "integer", "opened": "date"}
        filters = {"condition": "AND", "rules": [
            {"id": "Age", "field": "Age", "type": "integer", "operator": "greater", "value": 80}]}
        selected = database.select(["nida-synthdata"], ["_3rdventricle", "Age", "sex"], filters)
        assert selected.rows and all(age > 80 for _, age, _ in selected.rows)
        assert len(database.select(["desd-synthdata", "nida-synthdata"],
                                   ["leftententorhinalarea"], None).rows) == 78  # 2 missing
    finally:
        database.dispose()
    lines = summary.lines()
    assert ("datasets desd-synthdata (50 rows), nida-synthdata (30 rows), "
            "ppmi-synthdata (30 rows)") in lines[0]
    assert any("'Country': a string column with 4 distinct value(s)" in line for line in lines)
    assert lines[-1] == "loaded 116 rows into 2 table(s); rejected rows: none"


def test_the_cli_loads_a_package_and_refuses_a_second_load(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'features.db'}"

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "woken.cli", "--data-dir", str(tmp_path), "load-data",
             "--features-db-url", url, *args],
            capture_output=True, text=True, timeout=120, check=False)

    first = cli(str(DEMO))
    assert first.returncode == 0, first.stderr
    assert "loaded 116 rows into 2 table(s)" in first.stdout
    again = cli(str(DEMO / "datapackage.json"))
    assert again.returncode == 1
    assert again.stderr.strip().splitlines() == [
        (f"woken load-data: resource 'cde-features' ({DEMO / 'cde-features.csv'}): "
         "table 'cde-features' already exists "
         "in the features database (--replace to replace it, --append to add rows to it)")]
    replaced = cli("--replace", str(DEMO))
    assert replaced.returncode == 0, replaced.stderr
    assert snapshot(url)["cde-features"] == 110


def package(
    folder: Path, resources: dict[str, tuple[list[list[Any]], list[dict[str, Any]] | None]]
) -> Path:
    """A data package of CSV resources: name → (rows with header, Table Schema fields).

    No fields: the resource has no schema, frictionless infers it.
    """
    folder.mkdir()
    descriptor: dict[str, Any] = {"name": "bad", "resources": []}
    for name, (rows, fields) in resources.items():
        write_csv(folder / f"{name}.csv", rows)
        schema = {"schema": {"fields": fields}} if fields is not None else {}
        descriptor["resources"].append({"name": name, "path": f"{name}.csv", **schema})
    (folder / "datapackage.json").write_text(json.dumps(descriptor))
    return folder


GOOD = ([["dataset", "x", "sex"], ["h-1", 1.5, "M"], ["h-2", 2.5, "F"]],
        [{"name": "dataset", "type": "string"}, {"name": "x", "type": "number"},
         {"name": "sex", "type": "string", "constraints": {"enum": ["M", "F"]}}])
FIELDS = GOOD[1]

MALFORMED = {
    "not a number": (
        [["dataset", "x", "sex"], ["h-3", 1.0, "M"], ["h-3", "abc", "F"]], FIELDS,
        (r"resource 'second' \(.*bad/second.csv\): line 3, column 'x': 'abc' is not a valid "
        r"number")),
    "value outside its enum": (
        [["dataset", "x", "sex"], ["h-3", 1.0, "M"], ["h-3", 2.0, "X"]], FIELDS,
        (r"resource 'second' \(.*bad/second.csv\): line 3, column 'sex': 'X' is not one of its "
        r"values \(M, F\)")),
    "header not matching the schema": (
        [["dataset", "y", "sex"], ["h-3", 1.0, "M"]], FIELDS,
        (r"resource 'second' \(.*bad/second.csv\): header: the columns do not match the "
         r"Table Schema: column 2 is 'y', the schema says 'x'")),
    "duplicate column": (
        [["dataset", "x", "x"], ["h-3", 1.0, 2.0]], None,
        r"resource 'second' \(.*bad/second.csv\): header: duplicate column 'x'"),
    "duplicate field in the schema": (
        [["dataset", "x", "x"], ["h-3", 1.0, 2.0]],
        [{"name": "dataset", "type": "string"}, {"name": "x", "type": "number"},
         {"name": "x", "type": "number"}],
        r"bad/datapackage.json: .*names of the fields are not unique"),
    "missing cell": (
        [["dataset", "x", "sex"], ["h-3", 1.0]], FIELDS,
        r"resource 'second' \(.*bad/second.csv\): line 2, column 'sex': missing cell"),
    "empty file": ([], None, r"resource 'second' \(.*bad/second.csv\): the file is empty"),
    "no data row": ([["dataset", "x", "sex"]], FIELDS,
                    r"resource 'second' \(.*bad/second.csv\): no rows to load"),
    "a dataset's variable of another kind in its other table": (
        [["dataset", "species", "sex"], ["iris", 1.0, "M"]],
        [FIELDS[0], {"name": "species", "type": "number"}, FIELDS[2]],
        (r"table 'second', column 'species': dataset 'iris' is also in table 'iris', where "
         r"'species' is polynominal; here it would be numeric")),
    "code too long for SQL": (
        [["dataset", "x" * 64, "sex"], ["h-3", 1.0, "M"]],
        [FIELDS[0], {"name": "x" * 64, "type": "number"}, FIELDS[2]],
        r"variable code 'x{64}' is 64 bytes long: SQL identifiers hold at most 63"),
    "codes differing only in case": (
        [["dataset", "x", "X"], ["h-3", 1.0, 2.0]],
        [FIELDS[0], {"name": "x", "type": "number"}, {"name": "X", "type": "number"}],
        r"duplicate column 'x' and 'X' \(codes that differ only in case\)"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_package_loads_nothing_and_says_why(
    empty_url: str, tmp_path: Path, case: str
) -> None:
    load_datasets(empty_url, ["iris"])
    before = snapshot(empty_url)
    rows, fields, message = MALFORMED[case]
    # The first resource is valid: it must be rolled back with the second.
    folder = package(tmp_path / "bad", {"first": GOOD, "second": (rows, fields)})
    with pytest.raises(BadRequest, match=message):
        load(empty_url, folder)
    assert snapshot(empty_url) == before


def test_an_inferred_csv_has_nominal_low_cardinality_strings_and_metadata_overrides(
    empty_url: str, tmp_path: Path
) -> None:
    rows = [["Patient-ID", "grade", "score", "visit"]] + [
        [f"p{i}", "abcab"[i % 5], i * 1.5, f"2020-01-{i + 1:02d}"] for i in range(20)]
    path = write_csv(tmp_path / "My-Cohort.csv", rows)
    summary = load(empty_url, path)
    database = FeaturesDatabase(empty_url)
    variables = {v.code: v for v in database.variables(["My-Cohort"])}
    assert {code: v.type for code, v in variables.items()} == {
        "Patient-ID": "text", "grade": "polynominal", "score": "real", "visit": "date"}
    assert [e["code"] for e in variables["grade"].enumerations] == ["a", "b", "c"]
    assert any("'grade': a string column with 3 distinct value(s) (at most 10) became "
               "polynominal: a, b, c" in line for line in summary.lines())

    metadata = tmp_path / "variables.json"
    metadata.write_text(json.dumps([
        {"code": "grade", "label": "Grade", "type": "text"},
        {"code": "score", "label": "Score", "type": "polynominal", "description": "scored",
         "enumerations": [{"code": str(i * 1.5), "label": f"level {i}"} for i in range(20)]},
        {"code": "elsewhere", "label": "Not here", "type": "real"},
    ]))
    summary = load(empty_url, path, mode=Mode.REPLACE, metadata=metadata)
    variables = {v.code: v for v in database.variables(["My-Cohort"])}
    assert (variables["grade"].type, variables["grade"].label) == ("text", "Grade")
    assert variables["score"].type == "polynominal"
    assert variables["score"].enumerations[1] == {"code": "1.5", "label": "level 1"}
    assert database.select(["My-Cohort"], ["score"], None).rows[1] == ["1.5"]
    lines = summary.lines()
    assert "  'grade': text, as the metadata file says" in lines
    assert any("describes no column of this load: elsewhere" in line for line in lines)
    database.dispose()


def test_append_adds_rows_checked_against_the_table(empty_url: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "visits.csv", [["dataset", "sex", "x"], ["h-1", "M", 1],
                                               ["h-1", "F", 2], ["h-1", "F", 3]])
    load(empty_url, path)
    more = write_csv(tmp_path / "more.csv", [["dataset", "sex", "x"], ["h-2", "M", 4]])
    summary = load(empty_url, more, table="visits", mode=Mode.APPEND)
    assert summary.tables[0].datasets == {"h-2": 1}
    database = FeaturesDatabase(empty_url)
    assert {d.code: d.row_count for d in database.datasets()} == {"h-1": 3, "h-2": 1}
    assert database.select(["h-2"], ["sex", "x"], None).rows == [["M", 4]]
    before = snapshot(empty_url)
    outside = write_csv(tmp_path / "outside.csv", [["dataset", "sex", "x"], ["h-2", "X", 5]])
    with pytest.raises(BadRequest, match=r"line 2, column 'sex': 'X' is not one of its values"):
        load(empty_url, outside, table="visits", mode=Mode.APPEND)
    other = write_csv(tmp_path / "other.csv", [["dataset", "sex", "y"], ["h-2", "M", 5]])
    with pytest.raises(BadRequest, match=r"the columns differ from table 'visits'"):
        load(empty_url, other, table="visits", mode=Mode.APPEND)
    assert snapshot(empty_url) == before
    database.dispose()


def test_a_table_schema_beside_a_csv_is_used(empty_url: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", [["code", "n"], ["a", "1"], ["b", "2"]])
    (tmp_path / "t.schema.json").write_text(json.dumps({"fields": [
        {"name": "code", "type": "string", "constraints": {"enum": ["a", "b", "c"]}},
        {"name": "n", "type": "number", "title": "N"}]}))
    load(empty_url, path, table="Readings")
    database = FeaturesDatabase(empty_url)
    assert {v.code: v.type for v in database.variables(["Readings"])} == {
        "code": "polynominal", "n": "real"}
    database.dispose()


def test_the_cli_says_what_is_wrong_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from woken.cli.main import main

    url = f"sqlite:///{tmp_path / 'features.db'}"
    path = write_csv(tmp_path / "bad.csv", [["a", "b"], ["1", "x"], ["2", "y"], ["z", "y"]])
    (tmp_path / "bad.schema.json").write_text(json.dumps({"fields": [
        {"name": "a", "type": "integer"}, {"name": "b", "type": "string"}]}))
    code = main(["--data-dir", str(tmp_path), "load-data", "--features-db-url", url, str(path)])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert err.splitlines() == [(f"woken load-data: {path}: line 4, column 'a': 'z' is not a "
                                 "valid integer")]
    assert snapshot(url) == {}
    missing = main(["--data-dir", str(tmp_path), "load-data", "--features-db-url", url,
                    str(tmp_path / "nowhere.csv")])
    assert missing == 1
    assert capsys.readouterr().err.strip().endswith("nowhere.csv: no such file")
