"""Creating the metadata tables, and bringing a features database of an earlier version up to date.

Before a dataset could sit in several tables, ``meta_variables`` had no
``table_name`` (a dataset was one table), ``meta_dataset_tables`` did not exist and
``meta_datasets`` had no ``anonymisation_level``. Such a database is rewritten once,
in the caller's transaction: each dataset's variables are those of its one table.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa

from woken.features import catalog_version
from woken.features.schema import meta_dataset_tables, meta_datasets, meta_variables, metadata

log = logging.getLogger(__name__)

_OLD_VARIABLES = "meta_variables_before_tables"


def ensure_schema(connection: sa.Connection) -> None:
    """Create the metadata tables where missing; upgrade those of an earlier version."""
    inspector = sa.inspect(connection)
    upgrade = inspector.has_table(meta_variables.name) and "table_name" not in {
        column["name"] for column in inspector.get_columns(meta_variables.name)
    }
    if upgrade:
        log.info("features database of an earlier version: its metadata tables are upgraded")
        connection.execute(sa.text(
            f'ALTER TABLE {meta_variables.name} RENAME TO {_OLD_VARIABLES}'))
        if "anonymisation_level" not in {
            column["name"] for column in inspector.get_columns(meta_datasets.name)
        }:
            connection.execute(sa.text(
                f"ALTER TABLE {meta_datasets.name} ADD COLUMN anonymisation_level VARCHAR(64)"))
        # PostgreSQL keeps the renamed table's index names: free them for the new table.
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text(
                f"ALTER INDEX IF EXISTS {meta_variables.name}_pkey "
                f"RENAME TO {_OLD_VARIABLES}_pkey"))
    metadata.create_all(connection, checkfirst=True)
    catalog_version.install(connection)
    if upgrade:
        columns = [c.name for c in meta_variables.columns if c.name != "table_name"]
        old = sa.table(_OLD_VARIABLES, *(sa.column(name) for name in columns))
        connection.execute(meta_variables.insert().from_select(
            [*columns, "table_name"],
            sa.select(*(old.c[name] for name in columns), meta_datasets.c.table_name)
            .join(meta_datasets, meta_datasets.c.code == old.c.dataset),
        ))
        connection.execute(sa.text(f"DROP TABLE {_OLD_VARIABLES}"))
    # Every dataset is in its home table (also fills the new table after an upgrade).
    listed = sa.select(meta_dataset_tables.c.dataset).where(
        meta_dataset_tables.c.dataset == meta_datasets.c.code)
    connection.execute(meta_dataset_tables.insert().from_select(
        ["dataset", "table_name"],
        sa.select(meta_datasets.c.code, meta_datasets.c.table_name).where(~listed.exists()),
    ))
