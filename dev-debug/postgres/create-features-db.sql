-- Run once by the postgres image on an empty data directory (docker-entrypoint-initdb.d):
-- woken-db is POSTGRES_DB; the features database sits beside it. Woken creates the
-- schemas (Alembic migrations) and loads the bundled data sets when it starts.
CREATE DATABASE features OWNER woken;
