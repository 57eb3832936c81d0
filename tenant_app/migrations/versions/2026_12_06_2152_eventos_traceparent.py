"""eventos_outbox.traceparent: the trace of the work that recorded an event (its deliveries join it)

Revision ID: 2026_12_06_2152
Revises: 2026_12_06_2140
Create Date: 2026-12-06 21:52:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_06_2152"
down_revision: str | None = "2026_12_06_2140"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable, no default: events recorded before (or without tracing) have none.
    op.add_column("eventos_outbox", sa.Column("traceparent", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column("eventos_outbox", "traceparent")
