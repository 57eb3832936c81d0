"""users: TOTP two-factor (secret, activation, last accepted time step) for the web UI's login (issue 19)

Revision ID: 2026_12_06_1816
Revises: 2026_12_06_1830
Create Date: 2026-12-06 18:16:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_06_1816"
down_revision: str | None = "2026_12_06_1830"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("users", sa.Column("totp_secret", sa.String(length=64), nullable=True))
    op.add_column("users", sa.Column("totp_ativado_em", sa.DateTime(timezone=True), nullable=True))
    op.add_column("users", sa.Column("totp_ultimo_passo", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    op.drop_column("users", "totp_ultimo_passo")
    op.drop_column("users", "totp_ativado_em")
    op.drop_column("users", "totp_secret")
