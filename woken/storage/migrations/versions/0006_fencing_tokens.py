"""fencing tokens: a number that grows with each claim of an experiment or a single job

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

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
