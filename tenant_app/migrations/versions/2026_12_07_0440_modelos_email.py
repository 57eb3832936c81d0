"""modelos_email: the administradora's own wording of the event e-mails

Revision ID: 2026_12_07_0440
Revises: 2026_12_06_2201
Create Date: 2026-12-07 04:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "2026_12_07_0440"
down_revision: str | None = "2026_12_06_2201"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "modelos_email",
        sa.Column("tipo", sa.String(length=64), nullable=False),
        sa.Column("assunto", sa.String(length=150), nullable=False),
        sa.Column("paragrafos", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "atualizado_em", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.PrimaryKeyConstraint("tipo", name=op.f("pk_modelos_email")),
    )


def downgrade() -> None:
    op.drop_table("modelos_email")
