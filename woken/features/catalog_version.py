"""A number that changes with every change to the metadata tables, kept by the database.

The catalog cache must see a dataset loaded by another process on the next request.
Comparing the whole metadata (every dataset, table and variable row) did that, at the
cost of reading it all on every request: about 3 ms of a small job's 4 ms of planning.
Triggers on the metadata tables raise one number instead, whoever writes them (the
loader, an operator's SQL, an upgrade), and the cache reads that one row.

A features database whose metadata tables were made before this has no number until the
loader next writes to it (`install`, from `schema_upgrade.ensure_schema`): the cache
then compares the whole metadata as before. Woken never writes a features database
otherwise (it may be read-only to Woken).
"""

from __future__ import annotations

import sqlalchemy as sa

from woken.features.schema import (
    meta_catalog_version,
    meta_dataset_tables,
    meta_datasets,
    meta_variables,
)

WATCHED = (meta_datasets, meta_dataset_tables, meta_variables)
_TABLE = meta_catalog_version.name
_BUMP = f"UPDATE {_TABLE} SET version = version + 1"


def install(connection: sa.Connection) -> None:
    """The number's row and the triggers, where missing (the table exists: `create_all`)."""
    if connection.execute(sa.select(sa.func.count()).select_from(meta_catalog_version)
                          ).scalar_one() == 0:
        connection.execute(meta_catalog_version.insert().values(version=1))
    if connection.dialect.name == "postgresql":
        _install_postgresql(connection)
    else:
        _install_sqlite(connection)


def _install_sqlite(connection: sa.Connection) -> None:
    # SQLite has row triggers only: a load of a thousand variables raises it a thousand times.
    for table in WATCHED:
        for event in ("INSERT", "UPDATE", "DELETE"):
            connection.execute(sa.text(
                f"CREATE TRIGGER IF NOT EXISTS {table.name}_{event.lower()}_changes_catalog "
                f"AFTER {event} ON {table.name} BEGIN {_BUMP}; END"))


def _install_postgresql(connection: sa.Connection) -> None:
    connection.execute(sa.text(
        "CREATE OR REPLACE FUNCTION meta_catalog_changed() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN {_BUMP}; RETURN NULL; END $$"))
    for table in WATCHED:
        connection.execute(sa.text(
            f"CREATE OR REPLACE TRIGGER {table.name}_changes_catalog "
            f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table.name} "
            "FOR EACH STATEMENT EXECUTE FUNCTION meta_catalog_changed()"))


def read(connection: sa.Connection) -> int | None:
    """The number now (None: no row yet); a DatabaseError where there is no such table.

    The highest row: two loaders that made the table at once may each have added one.
    """
    found = connection.execute(sa.select(sa.func.max(meta_catalog_version.c.version))
                               ).scalar_one()
    return None if found is None else int(found)


def present(connection: sa.Connection) -> bool:
    """Whether the database keeps the number (its table exists)."""
    return sa.inspect(connection).has_table(_TABLE)
