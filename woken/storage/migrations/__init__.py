"""woken-db's Alembic migrations: env.py, and one script per revision in versions/."""
