"""Alembic environment of woken-db.

The URL is, in order: the one Woken passes programmatically (``sqlalchemy.url``
in the Alembic config), else Woken's own configuration (environment variables,
config file, embedded default).
"""

from __future__ import annotations

import logging.config

from alembic import context
from sqlalchemy import create_engine

from woken.config import load_config
from woken.storage.tables import Base
from woken.storage.urls import engine_url

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logging", True):
    logging.config.fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


def database_url() -> str:
    return config.get_main_option("sqlalchemy.url") or load_config().woken_db


def run_migrations_offline() -> None:
    context.configure(
        url=engine_url(database_url()), target_metadata=target_metadata, literal_binds=True
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    engine = create_engine(engine_url(database_url()))
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite alters tables by copying them: batch mode does that for us.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
