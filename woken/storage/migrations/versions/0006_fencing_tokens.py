"""Fencing tokens (2026-12-05): a number that grows with each claim of an experiment or job."""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"

TABLES = ("experiments", "jobs")


def upgrade() -> None:
    # Rows written before fencing start at 0: the next claim makes them 1.
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("fence", sa.Integer(), nullable=False,
                                       server_default=sa.text("0")))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("fence")
