"""documentos, documento_versoes, modelos_contrato, relatorios: files in the tenant's bucket (issue 17)

Revision ID: 2026_12_06_1818
Revises: 2026_12_06_1815
Create Date: 2026-12-06 18:18:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "2026_12_06_1818"
down_revision: str | None = "2026_12_06_1815"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "documentos",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("entidade_tipo", sa.String(length=12), nullable=False),
        sa.Column("entidade_id", sa.Uuid(), nullable=False),
        sa.Column("consorciado_id", sa.Uuid(), nullable=True),
        sa.Column("categoria", sa.String(length=30), nullable=False),
        sa.Column("titulo", sa.String(length=200), nullable=False),
        sa.Column("versao_atual", sa.Integer(), nullable=False),
        sa.Column("apagado_em", sa.DateTime(timezone=True), nullable=True),
        sa.Column("motivo_apagamento", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["consorciado_id"], ["consorciados.id"], name=op.f("fk_documentos_consorciado_id_consorciados")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documentos")),
    )
    op.create_index(op.f("ix_documentos_entidade_id"), "documentos", ["entidade_id"])
    op.create_index(op.f("ix_documentos_consorciado_id"), "documentos", ["consorciado_id"])
    op.create_table(
        "documento_versoes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("documento_id", sa.Uuid(), nullable=False),
        sa.Column("numero", sa.Integer(), nullable=False),
        sa.Column("chave", sa.String(length=400), nullable=False),
        sa.Column("nome_arquivo", sa.String(length=255), nullable=False),
        sa.Column("tipo_conteudo", sa.String(length=60), nullable=False),
        sa.Column("tamanho", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("enviado_por", sa.Uuid(), nullable=True),
        sa.Column("criado_em", sa.DateTime(timezone=True), nullable=False),
        sa.Column("apagado_em", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["documento_id"], ["documentos.id"], name=op.f("fk_documento_versoes_documento_id_documentos")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documento_versoes")),
        sa.UniqueConstraint("documento_id", "numero", name=op.f("uq_documento_versoes_documento_id_numero")),
        sa.UniqueConstraint("chave", name=op.f("uq_documento_versoes_chave")),
    )
    op.create_index(op.f("ix_documento_versoes_documento_id"), "documento_versoes", ["documento_id"])
    op.create_table(
        "modelos_contrato",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("versao", sa.Integer(), nullable=False),
        sa.Column("administradora_nome", sa.String(length=200), nullable=False),
        sa.Column("administradora_cnpj", sa.String(length=14), nullable=False),
        sa.Column("administradora_endereco", sa.String(length=300), nullable=False),
        sa.Column("autorizacao_bcb", sa.String(length=100), nullable=False),
        sa.Column("foro", sa.String(length=100), nullable=False),
        sa.Column("clausulas_adicionais", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("criado_em", sa.DateTime(timezone=True), nullable=False),
        sa.Column("criado_por", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_modelos_contrato")),
        sa.UniqueConstraint("versao", name=op.f("uq_modelos_contrato_versao")),
    )
    op.create_table(
        "relatorios",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tipo", sa.String(length=30), nullable=False),
        sa.Column("formato", sa.String(length=5), nullable=False),
        sa.Column("parametros", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("progresso", sa.Integer(), nullable=False),
        sa.Column("linhas", sa.Integer(), nullable=False),
        sa.Column("chave", sa.String(length=400), nullable=True),
        sa.Column("nome_arquivo", sa.String(length=200), nullable=True),
        sa.Column("tamanho", sa.BigInteger(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("erro", sa.Text(), nullable=True),
        sa.Column("solicitado_por", sa.Uuid(), nullable=True),
        sa.Column("criado_em", sa.DateTime(timezone=True), nullable=False),
        sa.Column("iniciado_em", sa.DateTime(timezone=True), nullable=True),
        sa.Column("concluido_em", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relatorios")),
    )
    op.create_index(op.f("ix_relatorios_status"), "relatorios", ["status"])
    op.create_index(op.f("ix_relatorios_criado_em"), "relatorios", ["criado_em"])


def downgrade() -> None:
    op.drop_table("relatorios")
    op.drop_table("modelos_contrato")
    op.drop_index(op.f("ix_documento_versoes_documento_id"), table_name="documento_versoes")
    op.drop_table("documento_versoes")
    op.drop_index(op.f("ix_documentos_consorciado_id"), table_name="documentos")
    op.drop_index(op.f("ix_documentos_entidade_id"), table_name="documentos")
    op.drop_table("documentos")
