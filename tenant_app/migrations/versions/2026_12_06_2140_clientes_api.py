"""clientes de API (issue 13 item 9): clientes_api and chaves_api (only a SHA-256 of each key)

Revision ID: 2026_12_06_2140
Revises: 2026_12_06_1938
Create Date: 2026-12-06 21:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "2026_12_06_2140"
down_revision: str | None = "2026_12_06_1938"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "clientes_api",
        sa.Column("nome", sa.String(length=120), nullable=False),
        sa.Column("descricao", sa.String(length=500), nullable=True),
        sa.Column("perfil", sa.String(length=16), nullable=False),
        sa.Column("permissoes", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("limite_por_minuto", sa.Integer(), nullable=True),
        sa.Column("ativo", sa.Boolean(), nullable=False),
        sa.Column("revogado_em", sa.DateTime(timezone=True), nullable=True),
        sa.Column("criado_por", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clientes_api")),
        sa.UniqueConstraint("nome", name=op.f("uq_clientes_api_nome")),
    )
    op.create_table(
        "chaves_api",
        sa.Column("cliente_id", sa.Uuid(), nullable=False),
        sa.Column("prefixo", sa.String(length=16), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("criada_em", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expira_em", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revogada_em", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ultimo_uso_em", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cliente_id"],
            ["clientes_api.id"],
            name=op.f("fk_chaves_api_cliente_id_clientes_api"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chaves_api")),
        sa.UniqueConstraint("prefixo", name=op.f("uq_chaves_api_prefixo")),
    )
    op.create_index(op.f("ix_chaves_api_cliente_id"), "chaves_api", ["cliente_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_chaves_api_cliente_id"), table_name="chaves_api")
    op.drop_table("chaves_api")
    op.drop_table("clientes_api")
