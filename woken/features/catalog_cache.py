"""The catalog as last read, reused while its metadata tables are unchanged.

Reading the catalog reflects every dataset's table (whether it exists, its columns):
a few queries per dataset, several times per request (scope, variables, filters,
selection, counts), which made up about a quarter of a small job's cost in Woken's
process. A number the database raises with every change to the metadata tables
(`catalog_version`) is read on every use, so a ``woken load-data`` run by another process
is seen by the next request; where the database keeps no such number (metadata made
before it), the whole metadata is read and compared instead.

Within a `snapshot` block (one request's planning) a thread reads the catalog once:
the fingerprint's queries ran four or five times per job before (scope, variables,
metadata, selection, count), and a request is better planned against one catalog
anyway.

What this cannot see: a dataset's table dropped or altered behind the loader's back
with its metadata unchanged. The selection then fails in the database, and the
caller gets that error (a DatabaseError), not a silent guess.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from woken.features import catalog, catalog_version
from woken.features.catalog import Catalog, DatasetSchema


class CatalogCache:
    """Thread-safe: requests and actors read the catalog from many threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fingerprint: tuple[Any, ...] | None = None
        # Once seen, the database's change number is trusted (it is not dropped).
        self._versioned = False
        self._catalog = Catalog()
        # This thread's snapshot: `active` inside a `snapshot` block, `catalog` once read.
        self._snapshot = threading.local()

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """On this thread, within the block, every use sees the catalog as first read."""
        if getattr(self._snapshot, "active", False):
            yield  # nested: the outer block's snapshot holds
            return
        self._snapshot.active, self._snapshot.catalog = True, None
        try:
            yield
        finally:
            self._snapshot.active, self._snapshot.catalog = False, None

    def catalog(self, connection: sa.Connection) -> Catalog:
        """Every usable dataset in each of its tables."""
        pinned = getattr(self._snapshot, "catalog", None)
        if pinned is not None:
            return pinned
        found = self._current(connection)
        if getattr(self._snapshot, "active", False):
            self._snapshot.catalog = found
        return found

    def _current(self, connection: sa.Connection) -> Catalog:
        fingerprint = self._fingerprint_of(connection)
        if fingerprint is None:
            return Catalog()
        with self._lock:
            if fingerprint == self._fingerprint:
                return self._catalog
        read = catalog.read_catalog(connection)
        with self._lock:
            self._fingerprint, self._catalog = fingerprint, read
        return read

    def _fingerprint_of(self, connection: sa.Connection) -> tuple[Any, ...] | None:
        if not self._versioned and catalog_version.present(connection):
            self._versioned = True
        number = catalog_version.read(connection) if self._versioned else None
        if number is not None:
            return ("version", number)
        return catalog.fingerprint(connection)

    def schemas(self, connection: sa.Connection) -> dict[str, DatasetSchema]:
        """Every usable dataset in its home table, by code (in code order)."""
        return self.catalog(connection).home
