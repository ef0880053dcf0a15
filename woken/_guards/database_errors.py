"""A database that cannot be reached becomes :class:`DatabaseUnavailable`, naming which one.

SQLAlchemy's error for a refused connection quotes the driver's message, with
the host, the port and sometimes the user: fine for the log, not for an HTTP
answer. An engine's ``handle_error`` hook replaces it, at the one place every
error of that engine passes, by an error that says which database (``features
database`` or ``woken-db``) and nothing of where it is. Errors of statements on
a live connection (a constraint, a bad value) are left as they are.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import ExceptionContext

from woken.errors import DatabaseUnavailable

log = logging.getLogger(__name__)


def report_unavailable(
    engine: sa.Engine, name: str, error: type[DatabaseUnavailable] = DatabaseUnavailable,
) -> None:
    """Errors connecting to ``engine`` (or losing its connection) raise ``error``."""

    def handle_error(context: ExceptionContext) -> BaseException | None:
        if context.is_pre_ping:
            return None  # the pool reconnects; only a failing reconnection counts
        lost = context.connection is None or context.is_disconnect
        if not lost or not isinstance(context.sqlalchemy_exception, sa.exc.DBAPIError):
            return None
        log.error("%s unavailable: %s", name, context.original_exception)
        return error(f"the {name} is unavailable; try again later")

    event.listen(engine, "handle_error", handle_error)
