"""Leases (2026-11-29): the instance that owns an experiment or a job, and until when."""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"

TABLES = ("experiments", "jobs")


def upgrade() -> None:
    # Rows written before leases have none: any live instance may adopt them.
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("owner", sa.String(32), nullable=True))
            batch.add_column(sa.Column("lease_expires_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("lease_expires_at")
            batch.drop_column("owner")
