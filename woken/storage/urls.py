"""Database URLs as SQLAlchemy should open them: one PostgreSQL driver, psycopg 3.

`postgresql://…` is what the README, docker-compose.yml and operators write. Which
driver SQLAlchemy picks for it depends on its version (psycopg2 up to 2.0, psycopg 3
from 2.1), so the driver is named here, once, for every engine Woken opens. Only
psycopg 3 is installed (psycopg2 is in maintenance mode): a URL that still names
`postgresql+psycopg2://` is opened with psycopg 3 too, so existing configurations keep
working.
"""

from __future__ import annotations

import sqlalchemy as sa

DRIVER = "psycopg"
# The spellings of PostgreSQL that mean "the installed driver".
_POSTGRESQL_DRIVERNAMES = {"postgresql", "postgres", "postgresql+psycopg2"}


def engine_url(url: str | sa.URL) -> sa.URL:
    """`url` with PostgreSQL's driver made explicit (psycopg 3); other URLs unchanged."""
    parsed = sa.make_url(url)
    if parsed.drivername in _POSTGRESQL_DRIVERNAMES:
        return parsed.set(drivername=f"postgresql+{DRIVER}")
    return parsed
