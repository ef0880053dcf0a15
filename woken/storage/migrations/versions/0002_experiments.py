"""experiments, and the jobs' link to their experiment and step

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOCUMENT = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "experiments",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("node", sa.String(32), nullable=False),
        sa.Column("request", JSON_DOCUMENT, nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("result", JSON_DOCUMENT, nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_experiments")),
    )
    op.create_index(op.f("ix_experiments_state"), "experiments", ["state"])
    op.create_index(op.f("ix_experiments_created_at"), "experiments", ["created_at"])
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("experiment_id", sa.String(64), nullable=True))
        batch.add_column(sa.Column("step", sa.String(128), nullable=True))
        batch.create_index(batch.f("ix_jobs_experiment_id"), ["experiment_id"])


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_index(batch.f("ix_jobs_experiment_id"))
        batch.drop_column("step")
        batch.drop_column("experiment_id")
    op.drop_index(op.f("ix_experiments_created_at"), table_name="experiments")
    op.drop_index(op.f("ix_experiments_state"), table_name="experiments")
    op.drop_table("experiments")
