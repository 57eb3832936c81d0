"""usage_spool: usage events waiting for the control plane's acknowledgement

Revision ID: 2026_12_06_1800
Revises: 2026_12_06_1700
Create Date: 2026-12-06 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_06_1800"
down_revision: str | None = "2026_12_06_1700"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "usage_spool",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("metric", sa.String(length=40), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("spooled_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_usage_spool")),
    )
    op.create_index(op.f("ix_usage_spool_spooled_at"), "usage_spool", ["spooled_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_usage_spool_spooled_at"), table_name="usage_spool")
    op.drop_table("usage_spool")
