"""A features database written before datasets could sit in several tables is upgraded once."""

from __future__ import annotations

import sqlalchemy as sa

from woken.features.database import FeaturesDatabase
from woken.features.loading import create_schema


def test_an_earlier_features_database_keeps_its_datasets_and_variables(empty_url: str) -> None:
    engine = sa.create_engine(empty_url)
    with engine.begin() as connection:
        # The metadata tables as they were: no table_name in meta_variables.
        connection.execute(sa.text(
            "CREATE TABLE meta_datasets (code VARCHAR(64) PRIMARY KEY, label VARCHAR(256) "
            "NOT NULL, description TEXT NOT NULL, table_name VARCHAR(64) NOT NULL)"))
        connection.execute(sa.text(
            "CREATE TABLE meta_variables (dataset VARCHAR(64) REFERENCES meta_datasets(code) "
            "ON DELETE CASCADE, code VARCHAR(64), position INTEGER NOT NULL, label "
            "VARCHAR(256) NOT NULL, type VARCHAR(32) NOT NULL, enumerations TEXT, unit "
            "VARCHAR(64) NOT NULL, description TEXT NOT NULL, methodology TEXT NOT NULL, "
            "PRIMARY KEY (dataset, code))"))
        connection.execute(sa.text(
            "CREATE TABLE cohort (subject_id INTEGER PRIMARY KEY, age DOUBLE PRECISION)"))
        connection.execute(sa.text("INSERT INTO cohort VALUES (1, 70.0), (2, 64.5)"))
        connection.execute(sa.text(
            "INSERT INTO meta_datasets VALUES ('cohort', 'Cohort', 'before', 'cohort')"))
        connection.execute(sa.text(
            "INSERT INTO meta_variables VALUES ('cohort', 'age', 0, 'Age', 'real', NULL, "
            "'years', '', '')"))
    engine.dispose()
    database = FeaturesDatabase(empty_url)
    try:
        assert database.datasets() == []  # not upgraded yet: nothing is guessed
        create_schema(database.engine)
        create_schema(database.engine)  # once is enough; twice is harmless
        cohort = database.dataset("cohort")
        assert (cohort.label, cohort.tables, cohort.row_count) == ("Cohort", ("cohort",), 2)
        assert cohort.anonymisation_level is None
        (age,) = database.variables(["cohort"])
        assert (age.code, age.type, age.unit) == ("age", "real", "years")
        rows = database.select(["cohort"], ["age"], None).rows
        assert rows == [[70.0], [64.5]]
    finally:
        database.dispose()
