"""eventos_outbox: domain events written in the same transaction as the change (issue 18)

Revision ID: 2026_12_06_1815
Revises: 2026_12_06_2000
Create Date: 2026-12-06 18:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "2026_12_06_1815"
down_revision: str | None = "2026_12_06_2000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "eventos_outbox",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("tipo", sa.String(length=60), nullable=False),
        sa.Column("chave", sa.String(length=120), nullable=True),
        sa.Column("deduplicacao", sa.String(length=160), nullable=True),
        sa.Column("dados", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("usuario_id", sa.Uuid(), nullable=True),
        sa.Column("ocorrido_em", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("despachado_em", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tentativas", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("ultimo_erro", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eventos_outbox")),
        sa.UniqueConstraint("seq", name=op.f("uq_eventos_outbox_seq")),
        sa.UniqueConstraint("deduplicacao", name=op.f("uq_eventos_outbox_deduplicacao")),
    )
    op.create_index(
        "ix_eventos_outbox_pendentes",
        "eventos_outbox",
        ["seq"],
        postgresql_where=sa.text("despachado_em IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_eventos_outbox_pendentes", table_name="eventos_outbox")
    op.drop_table("eventos_outbox")
