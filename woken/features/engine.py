"""The one way to open a features database, so that SQLite and PostgreSQL behave alike.

Both back-ends must give the same answers to the same filter: SQLite's ``LIKE``
ignores the case of ASCII letters unless told otherwise, PostgreSQL's does not,
so every SQLite connection is switched to case-sensitive ``LIKE``. A load is one
transaction, DDL included, on both: PostgreSQL's DDL is transactional, and SQLite's
is too once Python's sqlite3 module stops managing transactions itself (it would
leave a ``CREATE TABLE`` outside the transaction). A server that
went away between two requests must not fail the next request: PostgreSQL pools
ping connections before use, and connecting gives up after a bounded time.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from woken._guards.database_errors import report_unavailable
from woken.storage.urls import engine_url

CONNECT_TIMEOUT_S = 10


def create_features_engine(url: str | sa.URL) -> sa.Engine:
    """An engine on the features database at ``url`` (any SQLAlchemy URL)."""
    engine = _create_engine(engine_url(url))
    report_unavailable(engine, "features database")
    return engine


def _create_engine(parsed: sa.URL) -> sa.Engine:
    if parsed.get_backend_name() == "sqlite":
        engine = sa.create_engine(parsed)
        event.listen(engine, "connect", _configure_sqlite_connection)
        event.listen(engine, "begin", _begin_sqlite_transaction)
        return engine
    connect_args: dict[str, Any] = {}
    if parsed.get_driver_name() in {"psycopg2", "psycopg"}:
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_S
    return sa.create_engine(parsed, pool_pre_ping=True, connect_args=connect_args)


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # Same LIKE semantics as PostgreSQL: 'abc' does not match 'A%'.
        cursor.execute("PRAGMA case_sensitive_like = ON")
        # meta_variables refers to meta_datasets; SQLite only enforces that when asked.
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()
    # SQLAlchemy's recipe for transactional DDL on pysqlite: no implicit BEGIN from the
    # driver, an explicit one at the start of each SQLAlchemy transaction.
    dbapi_connection.isolation_level = None


def _begin_sqlite_transaction(connection: sa.Connection) -> None:
    connection.exec_driver_sql("BEGIN")
