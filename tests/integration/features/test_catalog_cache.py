"""The catalog is cached, and what another process loads is seen by the next read."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import sqlalchemy as sa

from tests.integration.features.conftest import flowers
from woken.features import catalog_version
from woken.features.database import FeaturesDatabase
from woken.features.loading import load_dataset, load_datasets
from woken.features.schema import meta_dataset_tables, meta_datasets, meta_variables

RELABEL_SPECIES = (sa.update(meta_variables).where(meta_variables.c.code == "species")
                   .values(label="Kind"))


def assert_a_label_changed_by_hand_is_seen(writer: FeaturesDatabase, serving: FeaturesDatabase,
                                           dataset: str) -> None:
    """The variable ``species`` relabelled in the metadata only, through ``writer``'s
    engine, is seen by ``serving``'s next read."""
    with writer.engine.begin() as connection:
        connection.execute(RELABEL_SPECIES)
    (species,) = serving.resolve([dataset], ["species"])
    assert species.label == "Kind"


def test_a_dataset_loaded_elsewhere_is_seen_by_the_next_read(empty_url: str) -> None:
    load_datasets(empty_url, ["iris"])
    serving, loader = FeaturesDatabase(empty_url), FeaturesDatabase(empty_url)
    try:
        assert serving.dataset_tables() == {"iris": ("iris",)}
        load_dataset(loader.engine, flowers())
        assert serving.dataset_tables() == {"flowers": ("flowers",), "iris": ("iris",)}
        assert [m.code for m in serving.resolve(["flowers"], ["colour"])] == ["colour"]
    finally:
        serving.dispose()
        loader.dispose()


def test_a_dataset_replaced_elsewhere_is_read_again(empty_url: str) -> None:
    serving, loader = FeaturesDatabase(empty_url), FeaturesDatabase(empty_url)
    try:
        load_dataset(loader.engine, flowers())
        assert "colour" in {m.code for m in serving.variables(["flowers"])}
        original = flowers()
        without_colour = dataclasses.replace(
            original,
            variables=tuple(v for v in original.variables if v.code != "colour"),
            columns={k: v for k, v in original.columns.items() if k != "colour"},
        )
        load_dataset(loader.engine, without_colour, replace=True)
        assert "colour" not in {m.code for m in serving.variables(["flowers"])}
        # A label changed in the metadata only is a change too.
        assert_a_label_changed_by_hand_is_seen(loader, serving, "flowers")
    finally:
        serving.dispose()
        loader.dispose()


def statements(database: FeaturesDatabase, read: Callable[[], object],
               wanted: Callable[[str], bool]) -> list[str]:
    """The statements run while ``read`` runs that are ``wanted``."""
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if wanted(statement):
            seen.append(statement)

    sa.event.listen(database.engine, "before_cursor_execute", record)
    try:
        read()
    finally:
        sa.event.remove(database.engine, "before_cursor_execute", record)
    return seen


def reflections(database: FeaturesDatabase, read: Callable[[], object]) -> list[str]:
    """The statements that reflect a table's columns while ``read`` runs."""
    return statements(database, read,
                      lambda text: "table_xinfo" in text or "pg_attribute" in text)


def test_an_unchanged_catalog_is_not_reflected_again(loaded_url: str) -> None:
    database = FeaturesDatabase(loaded_url)
    try:
        def read() -> None:
            database.resolve(["iris"], ["species"])
            database.select(["iris"], ["species"], "")

        assert reflections(database, read) != []  # the first read reflects the tables
        assert reflections(database, read) == []
    finally:
        database.dispose()


def metadata_reads(database: FeaturesDatabase, read: Callable[[], object],
                   table: str = "meta_catalog_version") -> int:
    """How many times ``read`` selects from ``table`` (the change number's, by default)."""
    return len(statements(database, read, lambda text: f"FROM {table}" in text))


def test_one_snapshot_reads_the_catalog_once_and_the_next_sees_a_new_load(
    empty_url: str,
) -> None:
    load_datasets(empty_url, ["iris"])
    serving, loader = FeaturesDatabase(empty_url), FeaturesDatabase(empty_url)
    try:
        def plan() -> None:
            serving.variables(["iris"])
            serving.resolve(["iris"], ["species"])
            serving.select(["iris"], ["species"], "")
            serving.count("iris", "")

        serving.dataset_tables()  # the catalog read and cached once
        assert metadata_reads(serving, plan) == 4  # each use checks the change number...
        assert metadata_reads(serving, plan, "meta_variables") == 0  # ...and nothing else

        def plan_in_one_snapshot() -> None:
            with serving.snapshot():
                plan()
                # A load during the block is not seen by it: one request, one catalog.
                load_dataset(loader.engine, flowers())
                assert "flowers" not in serving.dataset_tables()

        assert metadata_reads(serving, plan_in_one_snapshot) == 1
        assert "flowers" in serving.dataset_tables()
    finally:
        serving.dispose()
        loader.dispose()


def test_any_writer_of_the_metadata_raises_the_change_number(empty_url: str) -> None:
    load_datasets(empty_url, ["iris"])
    database = FeaturesDatabase(empty_url)
    try:
        def number() -> int:
            with database.engine.connect() as connection:
                return catalog_version.read(connection)

        changes = [
            RELABEL_SPECIES,
            sa.update(meta_datasets).values(description="changed by hand"),
            sa.insert(meta_dataset_tables).values(dataset="iris", table_name="iris_copy"),
            sa.delete(meta_dataset_tables).where(meta_dataset_tables.c.table_name == "iris_copy"),
            sa.delete(meta_variables).where(meta_variables.c.code == "species"),
        ]
        for change in changes:
            before = number()
            with database.engine.begin() as connection:
                connection.execute(change)
            assert number() > before, change
        # Nothing written, nothing changed.
        before = number()
        database.dataset_tables()
        assert number() == before
    finally:
        database.dispose()


def test_a_database_without_the_change_number_compares_the_whole_metadata(
    empty_url: str,
) -> None:
    load_datasets(empty_url, ["iris"])
    serving = FeaturesDatabase(empty_url)
    try:
        with serving.engine.begin() as connection:  # as made before the number was kept
            for (name,) in connection.execute(sa.text(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                    if connection.dialect.name == "sqlite" else
                    "SELECT DISTINCT trigger_name FROM information_schema.triggers")):
                on = ("" if connection.dialect.name == "sqlite"
                      else f" ON {name.removesuffix('_changes_catalog')}")
                connection.execute(sa.text(f"DROP TRIGGER {name}{on}"))
            connection.execute(sa.text("DROP TABLE meta_catalog_version"))
        assert serving.dataset_tables() == {"iris": ("iris",)}
        assert metadata_reads(serving, serving.dataset_tables, "meta_variables") == 1
        assert_a_label_changed_by_hand_is_seen(serving, serving, "iris")
    finally:
        serving.dispose()
