"""dunning_notices as the billing mail outbox: sent_at, attempts, last_error (issue 18)

Revision ID: 2026_12_06_1905
Revises: 2026_12_06_1835
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "2026_12_06_1905"
down_revision = "2026_12_06_1835"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("dunning_notices", sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "dunning_notices",
        sa.Column("attempts", sa.SmallInteger(), server_default=sa.text("0"), nullable=False),
    )
    op.add_column("dunning_notices", sa.Column("last_error", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("dunning_notices", "last_error")
    op.drop_column("dunning_notices", "attempts")
    op.drop_column("dunning_notices", "sent_at")
