"""admin_users: TOTP second factor for platform staff (issue 20 item 7)

Revision ID: 2026_12_07_0730
Revises: 2026_12_06_1905
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "2026_12_07_0730"
down_revision = "2026_12_06_1905"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("admin_users", sa.Column("totp_secret", sa.Text(), nullable=True))
    op.add_column("admin_users", sa.Column("totp_enabled_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("admin_users", sa.Column("totp_last_step", sa.BigInteger(), nullable=True))
    op.add_column(
        "admin_users",
        sa.Column(
            "totp_recovery_hashes",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
    )


def downgrade() -> None:
    op.drop_column("admin_users", "totp_recovery_hashes")
    op.drop_column("admin_users", "totp_last_step")
    op.drop_column("admin_users", "totp_enabled_at")
    op.drop_column("admin_users", "totp_secret")
