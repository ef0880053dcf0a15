"""The revisions of woken-db, oldest first (Alembic reads them by path)."""
