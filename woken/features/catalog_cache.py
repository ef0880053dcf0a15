"""The catalog as last read, reused while its metadata tables are unchanged.

Reading the catalog reflects every dataset's table (whether it exists, its columns):
a few queries per dataset, several times per request (scope, variables, filters,
selection, counts), which made up about a quarter of a small job's cost in Woken's
process. The metadata tables are still read on every use (two plain SELECTs), so a
``woken load-data`` run by another process is seen by the next request.

What this cannot see: a dataset's table dropped or altered behind the loader's back
with its metadata unchanged. The selection then fails in the database, and the
caller gets that error (a DatabaseError), not a silent guess.
"""

from __future__ import annotations

import threading
from typing import Any

import sqlalchemy as sa

from woken.features import catalog
from woken.features.catalog import Catalog, DatasetSchema


class CatalogCache:
    """Thread-safe: requests and actors read the catalog from many threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fingerprint: tuple[Any, ...] | None = None
        self._catalog = Catalog()

    def catalog(self, connection: sa.Connection) -> Catalog:
        """Every usable dataset in each of its tables."""
        fingerprint = catalog.fingerprint(connection)
        if fingerprint is None:
            return Catalog()
        with self._lock:
            if fingerprint == self._fingerprint:
                return self._catalog
        read = catalog.read_catalog(connection)
        with self._lock:
            self._fingerprint, self._catalog = fingerprint, read
        return read

    def schemas(self, connection: sa.Connection) -> dict[str, DatasetSchema]:
        """Every usable dataset in its home table, by code (in code order)."""
        return self.catalog(connection).home
