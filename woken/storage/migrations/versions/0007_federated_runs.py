"""federated_runs: a central's federated runs (request, per-site status, result, failure)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOCUMENT = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "federated_runs",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("node", sa.String(32), nullable=False),
        sa.Column("request", JSON_DOCUMENT, nullable=False),
        sa.Column("sites", JSON_DOCUMENT, nullable=True),
        sa.Column("result", JSON_DOCUMENT, nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("failed_site", sa.String(128), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_federated_runs")),
    )
    op.create_index(op.f("ix_federated_runs_state"), "federated_runs", ["state"])
    op.create_index(op.f("ix_federated_runs_created_at"), "federated_runs", ["created_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_federated_runs_created_at"), table_name="federated_runs")
    op.drop_index(op.f("ix_federated_runs_state"), table_name="federated_runs")
    op.drop_table("federated_runs")
