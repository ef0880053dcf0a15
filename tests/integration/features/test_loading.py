"""load_datasets on an empty database: everything loads once, again is a no-op, replace reloads."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from woken.errors import BadRequest
from woken.features.database import FeaturesDatabase
from woken.features.loading import load_datasets
from woken.features.schema import meta_datasets, meta_variables

SIZES = {"sample": 1000, "diabetes": 442, "breast_cancer": 569, "wine": 178, "iris": 150}


def counts(url: str) -> tuple[dict[str, int], int]:
    database = FeaturesDatabase(url)
    try:
        sizes = {d.code: d.row_count for d in database.datasets()}
        with database.engine.connect() as connection:
            variables = connection.execute(
                sa.select(sa.func.count()).select_from(meta_variables)
            ).scalar_one()
        return sizes, variables
    finally:
        database.dispose()


def test_load_all_then_again_is_idempotent(empty_url: str) -> None:
    assert FeaturesDatabase(empty_url).is_empty()
    assert load_datasets(empty_url) == ["sample", "diabetes", "breast_cancer", "wine", "iris"]
    first = counts(empty_url)
    assert first == (SIZES, 10 + 11 + 31 + 14 + 5)
    assert load_datasets(empty_url) == []
    assert counts(empty_url) == first
    assert not FeaturesDatabase(empty_url).is_empty()


def test_load_some_then_the_rest(empty_url: str) -> None:
    assert load_datasets(empty_url, ["iris", "wine"]) == ["iris", "wine"]
    assert counts(empty_url)[0] == {"iris": 150, "wine": 178}
    assert load_datasets(empty_url) == ["sample", "diabetes", "breast_cancer"]
    assert counts(empty_url)[0] == SIZES


def test_replace_reloads_the_original_rows(empty_url: str) -> None:
    load_datasets(empty_url, ["iris"])
    database = FeaturesDatabase(empty_url)
    iris = sa.table("iris", sa.column("subject_id"), sa.column("sepal_length"))

    def first_sepal_length() -> float:
        with database.engine.connect() as connection:
            return float(connection.execute(
                sa.select(iris.c.sepal_length).where(iris.c.subject_id == 1)
            ).scalar_one())

    with database.engine.begin() as connection:
        connection.execute(sa.update(iris).values(sepal_length=99.0))
    assert load_datasets(empty_url, ["iris"]) == []
    assert first_sepal_length() == 99.0  # skipped: left alone
    assert load_datasets(empty_url, ["iris"], replace=True) == ["iris"]
    assert first_sepal_length() == 5.1
    assert counts(empty_url) == ({"iris": 150}, 5)
    database.dispose()


def test_a_leftover_table_without_metadata_is_replaced(empty_url: str) -> None:
    engine = sa.create_engine(empty_url)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE iris (junk integer)"))
    engine.dispose()
    assert load_datasets(empty_url, ["iris"]) == ["iris"]
    assert counts(empty_url)[0] == {"iris": 150}


def test_unknown_dataset_is_refused_before_anything_is_written(empty_url: str) -> None:
    with pytest.raises(BadRequest, match=r"unknown bundled dataset\(s\) 'mnist' \(known: sample"):
        load_datasets(empty_url, ["iris", "mnist"])
    assert FeaturesDatabase(empty_url).is_empty()


def test_metadata_rows(empty_url: str) -> None:
    load_datasets(empty_url, ["sample"])
    engine = sa.create_engine(empty_url)
    with engine.connect() as connection:
        dataset = connection.execute(sa.select(meta_datasets)).one()
        sex = connection.execute(
            sa.select(meta_variables).where(meta_variables.c.code == "sex")
        ).one()
        iq = connection.execute(
            sa.select(meta_variables).where(meta_variables.c.code == "iq")
        ).one()
    engine.dispose()
    assert (dataset.code, dataset.table_name) == ("sample", "sample")
    assert (sex.dataset, sex.type) == ("sample", "binominal")
    assert sex.enumerations == (
        '[{"code": "M", "label": "Male"}, {"code": "F", "label": "Female"}]'
    )
    assert (iq.type, iq.enumerations) == ("real", None)
