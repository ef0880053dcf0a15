"""A package in the MIP's published style loads as shipped, and answers as the 2019 Woken did.

The fixture (``tests/fixtures/mip-sample-2019``, see its README) is written in the
older Table Schema the MIP used; frictionless 5 alone refuses it. Loaded, it holds
2019's tables (``cde_features_a``, ``mip_cde_features``, ``churn``, ``sample_data``),
each CDE dataset in two of them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from frictionless import FrictionlessException, Package

from tests.support.answers_2019 import PACKAGE, reference, same_structure
from woken.errors import BadRequest
from woken.features.database import FeaturesDatabase
from woken.features.load_files import LoadOptions, Mode, load_sources, open_sources
from woken.features.load_summary import LoadSummary
from woken.features.metadata_answers import datasets_answer, variables_answer

CDE = ["subjectcode", "subjectageyears", "gender", "agegroup", "alzheimerbroadcategory",
       "apoe4", "lefthippocampus", "righthippocampus", "_3rdventricle"]


def load(url: str, path: Path = PACKAGE, **options: Any) -> LoadSummary:
    database = FeaturesDatabase(url)
    try:
        return load_sources(database.engine, open_sources(path, options.get("table")),
                            LoadOptions(**options))
    finally:
        database.dispose()


@pytest.fixture
def mip(empty_url: str) -> FeaturesDatabase:
    load(empty_url)
    return FeaturesDatabase(empty_url)


def test_frictionless_alone_refuses_the_package_as_shipped() -> None:
    """The fixture really is in the older form: the reason this loader normalises it."""
    with pytest.raises(FrictionlessException, match='"required" should be set as'):
        Package(str(PACKAGE / "datapackage.json"))


def test_the_package_loads_as_shipped_into_the_2019_tables(empty_url: str) -> None:
    before = {path.name: path.read_bytes() for path in PACKAGE.iterdir()}
    summary = load(empty_url)
    assert {path.name: path.read_bytes() for path in PACKAGE.iterdir()} == before
    assert [table.table for table in summary.tables] == [
        "churn", "sample_data", "cde_features_a", "cde_features_b", "cde_features_c",
        "mip_cde_features"]
    engine = sa.create_engine(empty_url)
    try:
        names = set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert {"churn", "sample_data", "cde_features_a", "mip_cde_features"} <= names
    lines = summary.lines()
    # Each rewrite of an older form is a warning naming the resource and the field.
    assert ("  resource 'desd-synthdata', field 'subjectcode': 'required' and 'unique' on the "
            "field (older Table Schema) read as constraints.required and constraints.unique"
            ) in lines
    assert ("  resource 'linreg_sample', field 'id': 'required' on the field (older Table "
            "Schema) read as constraints.required") in lines
    assert ("  resource 'churn': 'missingValues' on the resource (older Data Package) read as "
            "schema.missingValues") in lines
    assert lines[-1] == "loaded 93 rows into 6 table(s); rejected rows: none"


def test_a_required_field_moved_to_its_constraints_is_enforced(
    empty_url: str, tmp_path: Path
) -> None:
    copy = shutil.copytree(PACKAGE, tmp_path / "package")
    rows = (copy / "desd-synthdata.csv").read_text().splitlines()
    # Line 3 loses its gender, which the schema says (on the field) is required.
    cells = rows[2].split(",")
    cells[3] = ""
    rows[2] = ",".join(cells)
    (copy / "desd-synthdata.csv").write_text("\n".join(rows) + "\n")
    with pytest.raises(BadRequest, match=r"resource 'desd-synthdata' \(.*desd-synthdata.csv\): "
                                         r"line 3, column 'gender': .*constraint"):
        load(empty_url, copy)


def test_an_invalid_field_is_named_with_its_resource(empty_url: str, tmp_path: Path) -> None:
    copy = shutil.copytree(PACKAGE, tmp_path / "package")
    descriptor = json.loads((copy / "datapackage.json").read_text())
    descriptor["resources"][0]["schema"]["fields"][1]["type"] = "duration-in-moons"
    (copy / "datapackage.json").write_text(json.dumps(descriptor))
    with pytest.raises(BadRequest, match=r"resource 'churn', field 'account_length': field "
                                         r"type \"duration-in-moons\" is not supported"):
        load(empty_url, copy)


def test_a_dataset_is_in_its_own_table_and_in_the_mixed_one(mip: FeaturesDatabase) -> None:
    desd = mip.dataset("desd-synthdata")
    assert desd.tables == ("cde_features_a", "mip_cde_features")
    assert (desd.table, desd.row_count) == ("cde_features_a", 12)
    assert mip.dataset("desd-synthdata", "mip_cde_features").row_count == 10
    assert [d.code for d in mip.datasets("mip_cde_features")] == [
        "desd-synthdata", "nida-synthdata", "qqni-synthdata"]
    assert [d.code for d in mip.datasets("cde_features_a")] == ["desd-synthdata"]
    with pytest.raises(BadRequest, match=r"unknown table 'cde_features_z' \(known: "):
        mip.datasets("cde_features_z")
    # The table decides which rows are read.
    own = mip.select(["desd-synthdata"], ["lefthippocampus"], None, table="cde_features_a")
    mixed = mip.select(["desd-synthdata"], ["lefthippocampus"], None, table="mip_cde_features")
    assert (len(own.rows), len(mixed.rows)) == (12, 10)
    assert mip.count("desd-synthdata", None) == 12
    assert mip.count("desd-synthdata", None, "mip_cde_features") == 10
    with pytest.raises(BadRequest, match=r"'churn' not in table 'mip_cde_features'"):
        mip.select(["churn"], ["state"], None, table="mip_cde_features")


def test_replacing_the_mixed_table_keeps_the_datasets_own_tables(
    mip: FeaturesDatabase, tmp_path: Path
) -> None:
    copy = shutil.copytree(PACKAGE, tmp_path / "package")
    mixed = (copy / "mip_cde_features.csv").read_text().splitlines()
    (copy / "mixed.csv").write_text("\n".join([mixed[0], *mixed[-3:]]) + "\n")
    schema = json.loads((copy / "mip-cde-table-schema.json").read_text())
    (copy / "datapackage.json").write_text(json.dumps({"name": "mixed", "resources": [
        {"name": "mixed", "path": "mixed.csv", "schema": schema}]}))
    load(str(mip.engine.url.render_as_string(hide_password=False)), copy, mode=Mode.REPLACE)
    assert [d.code for d in mip.datasets("mip_cde_features")] == ["qqni-synthdata"]
    assert mip.dataset("desd-synthdata").tables == ("cde_features_a",)
    assert mip.dataset("qqni-synthdata").tables == ("cde_features_c", "mip_cde_features")
    assert mip.dataset("qqni-synthdata", "mip_cde_features").row_count == 3


def test_dataset_metadata_from_the_package_and_from_a_metadata_file(
    mip: FeaturesDatabase, tmp_path: Path
) -> None:
    desd = mip.dataset("desd-synthdata")
    assert (desd.label, desd.description, desd.anonymisation_level) == (
        "DESD", "Demo dataset DESD", "Anonymised")
    churn = mip.dataset("churn")
    assert (churn.label, churn.description, churn.anonymisation_level) == (
        "Churn", "Customer churn", "Anonymised")
    assert mip.dataset("sample_data").anonymisation_level is None  # not said: not guessed
    metadata = tmp_path / "metadata.json"
    metadata.write_text(json.dumps({"datasets": [
        {"code": "sample_data", "label": "Sample", "anonymisationLevel": "Depersonalised"}]}))
    url = mip.engine.url.render_as_string(hide_password=False)
    load(url, PACKAGE / "linreg_sample.csv", table="sample_data", mode=Mode.APPEND,
         metadata=metadata)
    sample = mip.dataset("sample_data")
    assert (sample.label, sample.anonymisation_level, sample.row_count) == (
        "Sample", "Depersonalised", 40)


def test_the_datasets_of_a_table_as_2019_answers(mip: FeaturesDatabase) -> None:
    ours = datasets_answer(mip.datasets("cde_features_a"))
    theirs = reference("list_datasets.json")
    same_structure(ours, theirs)
    # The fixture describes DESD as the 2019 configuration did: the answers agree.
    assert [{key: d[key] for key in theirs["datasets"][0]} for d in ours["datasets"]] == (
        theirs["datasets"])


def test_the_variables_of_a_dataset_as_2019_answers(mip: FeaturesDatabase) -> None:
    ours = variables_answer(mip.listing(["churn"]))
    theirs = reference("list_churn_variables.json")
    same_structure(ours, theirs)
    assert {v["code"] for v in ours["variables"]} == {v["code"] for v in theirs["variables"]}
    assert all(v["datasets"] == [{"code": "churn"}] for v in ours["variables"])


def test_no_dataset_is_the_union_and_exhaustive_the_intersection(mip: FeaturesDatabase) -> None:
    union = variables_answer(mip.listing())
    same_structure(union, reference("list_churn_variables.json"))
    assert len(union["variables"]) == 21 + 10 + len(CDE)
    by_code = {v["code"]: [d["code"] for d in v["datasets"]] for v in union["variables"]}
    assert by_code["lefthippocampus"] == ["desd-synthdata", "nida-synthdata", "qqni-synthdata"]
    assert by_code["churn"] == ["churn"]
    # As in 2019: no variable is in every dataset of the sample data.
    assert mip.listing(exhaustive=True) == []
    shared = mip.listing(["desd-synthdata", "churn"], exhaustive=False)
    assert len(shared) == 21 + len(CDE)
    assert [meta.code for meta, _ in mip.listing(["desd-synthdata", "nida-synthdata"],
                                                  exhaustive=True)] == CDE
    assert [meta.code for meta, _ in mip.listing(table="sample_data")][:2] == [
        "id", "stress_before_test1"]
