"""assembleias: contract rules, assembleias, sealed lances, apurações and contemplações

Revision ID: 2026_11_23_0501
Revises: 2026_11_23_0001
Create Date: 2026-11-23 09:24:21.607132
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "2026_11_23_0501"
down_revision: str | None = "2026_11_23_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assembleias",
        sa.Column("grupo_id", sa.Uuid(), nullable=False),
        sa.Column("numero", sa.Integer(), nullable=False),
        sa.Column("data_assembleia", sa.Date(), nullable=False),
        sa.Column("corte_lances_em", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "agendada",
                "recebendo_lances",
                "apurada",
                "encerrada",
                name="statusassembleia",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("extracao_concurso", sa.Integer(), nullable=True),
        sa.Column("extracao_premios", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("hash_entrada", sa.String(length=64), nullable=True),
        sa.Column("apurada_em", sa.DateTime(timezone=True), nullable=True),
        sa.Column("encerrada_em", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["grupo_id"], ["grupos.id"], name=op.f("fk_assembleias_grupo_id_grupos")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assembleias")),
        sa.UniqueConstraint("grupo_id", "numero", name=op.f("uq_assembleias_grupo_id_numero")),
    )
    op.create_index(op.f("ix_assembleias_grupo_id"), "assembleias", ["grupo_id"], unique=False)
    op.create_table(
        "regras_assembleia",
        sa.Column("grupo_id", sa.Uuid(), nullable=False),
        sa.Column(
            "metodo_sorteio",
            sa.Enum("centena", "finais", name="metodosorteio", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("zero_vale_mil", sa.Boolean(), nullable=False),
        sa.Column("tabela_equivalencia", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column(
            "direcao_aproximacao",
            sa.Enum("acima", "abaixo", "alternada", name="direcaoaproximacao", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("contemplacoes_sorteio", sa.Integer(), nullable=False),
        sa.Column("sorteios_restituicao", sa.Integer(), nullable=False),
        sa.Column("tipos_lance", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("lance_minimo_percentual", sa.Numeric(precision=9, scale=4), nullable=False),
        sa.Column("lance_fixo_percentual", sa.Numeric(precision=9, scale=4), nullable=True),
        sa.Column("embutido_maximo_percentual", sa.Numeric(precision=9, scale=4), nullable=False),
        sa.Column("contemplacoes_lance_maximo", sa.Integer(), nullable=True),
        sa.Column("fundo_reserva_completa_sorteios", sa.Boolean(), nullable=False),
        sa.Column("fundo_reserva_sorteios_extras", sa.Integer(), nullable=False),
        sa.Column(
            "amortizacao_lance",
            sa.Enum(
                "reduzir_prazo", "reduzir_parcela", name="amortizacaolance", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "contemplacoes_sorteio >= 0 and sorteios_restituicao >= 0 and fundo_reserva_sorteios_extras >= 0",
            name=op.f("ck_regras_assembleia_contagens_nao_negativas"),
        ),
        sa.CheckConstraint(
            "embutido_maximo_percentual between 0 and 100", name=op.f("ck_regras_assembleia_embutido_maximo")
        ),
        sa.ForeignKeyConstraint(
            ["grupo_id"], ["grupos.id"], name=op.f("fk_regras_assembleia_grupo_id_grupos")
        ),
        sa.PrimaryKeyConstraint("grupo_id", name=op.f("pk_regras_assembleia")),
    )
    op.create_table(
        "apuracoes",
        sa.Column("assembleia_id", sa.Uuid(), nullable=False),
        sa.Column("revisao", sa.Integer(), nullable=False),
        sa.Column("hash_entrada", sa.String(length=64), nullable=False),
        sa.Column("entrada_canonica", sa.Text(), nullable=False),
        sa.Column("resultado_canonico", sa.Text(), nullable=False),
        sa.Column("apurada_em", sa.DateTime(timezone=True), nullable=False),
        sa.Column("apurada_por", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assembleia_id"], ["assembleias.id"], name=op.f("fk_apuracoes_assembleia_id_assembleias")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_apuracoes")),
        sa.UniqueConstraint("assembleia_id", "revisao", name=op.f("uq_apuracoes_assembleia_id_revisao")),
    )
    op.create_index(op.f("ix_apuracoes_assembleia_id"), "apuracoes", ["assembleia_id"], unique=False)
    op.create_table(
        "lances",
        sa.Column("assembleia_id", sa.Uuid(), nullable=False),
        sa.Column("cota_id", sa.Uuid(), nullable=False),
        sa.Column(
            "tipo",
            sa.Enum("livre", "fixo", "embutido", name="tipolance", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("percentual", sa.Numeric(precision=9, scale=4), nullable=False),
        sa.Column("percentual_embutido", sa.Numeric(precision=9, scale=4), nullable=False),
        sa.Column(
            "status",
            sa.Enum("ativo", "cancelado", name="statuslance", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("registrado_em", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registrado_por", sa.Uuid(), nullable=True),
        sa.Column("cancelado_em", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("percentual > 0 and percentual < 100", name=op.f("ck_lances_percentual")),
        sa.CheckConstraint(
            "percentual_embutido >= 0 and percentual_embutido <= percentual", name=op.f("ck_lances_embutido")
        ),
        sa.ForeignKeyConstraint(
            ["assembleia_id"], ["assembleias.id"], name=op.f("fk_lances_assembleia_id_assembleias")
        ),
        sa.ForeignKeyConstraint(["cota_id"], ["cotas.id"], name=op.f("fk_lances_cota_id_cotas")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lances")),
    )
    op.create_index(op.f("ix_lances_assembleia_id"), "lances", ["assembleia_id"], unique=False)
    op.create_index(
        "uq_lances_um_ativo_por_cota",
        "lances",
        ["assembleia_id", "cota_id"],
        unique=True,
        postgresql_where=sa.text("status = 'ativo'"),
    )
    op.create_table(
        "contemplacoes",
        sa.Column("grupo_id", sa.Uuid(), nullable=False),
        sa.Column("assembleia_id", sa.Uuid(), nullable=False),
        sa.Column("apuracao_id", sa.Uuid(), nullable=False),
        sa.Column("cota_id", sa.Uuid(), nullable=False),
        sa.Column("cota_numero", sa.Integer(), nullable=False),
        sa.Column(
            "modalidade",
            sa.Enum(
                "sorteio",
                "sorteio_fundo_reserva",
                "restituicao",
                "lance",
                name="modalidade",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum("ativa", "desclassificada", name="statuscontemplacao", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("valor_credito", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("valor_liberado", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("percentual_lance", sa.Numeric(precision=9, scale=4), nullable=True),
        sa.Column("valor_lance", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("valor_embutido", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("valor_lance_a_pagar", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("do_fundo_comum", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("do_fundo_reserva", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("detalhe", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("notificado_em", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["apuracao_id"], ["apuracoes.id"], name=op.f("fk_contemplacoes_apuracao_id_apuracoes")
        ),
        sa.ForeignKeyConstraint(
            ["assembleia_id"], ["assembleias.id"], name=op.f("fk_contemplacoes_assembleia_id_assembleias")
        ),
        sa.ForeignKeyConstraint(["cota_id"], ["cotas.id"], name=op.f("fk_contemplacoes_cota_id_cotas")),
        sa.ForeignKeyConstraint(["grupo_id"], ["grupos.id"], name=op.f("fk_contemplacoes_grupo_id_grupos")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contemplacoes")),
    )
    op.create_index(op.f("ix_contemplacoes_assembleia_id"), "contemplacoes", ["assembleia_id"], unique=False)
    op.create_index(op.f("ix_contemplacoes_grupo_id"), "contemplacoes", ["grupo_id"], unique=False)
    # Second line behind the service: a cota is contemplated at most once in the group's life.
    op.create_index(
        "uq_contemplacoes_uma_por_cota",
        "contemplacoes",
        ["cota_id"],
        unique=True,
        postgresql_where=sa.text("status = 'ativa'"),
    )


def downgrade() -> None:
    op.drop_index(
        "uq_contemplacoes_uma_por_cota",
        table_name="contemplacoes",
        postgresql_where=sa.text("status = 'ativa'"),
    )
    op.drop_index(op.f("ix_contemplacoes_grupo_id"), table_name="contemplacoes")
    op.drop_index(op.f("ix_contemplacoes_assembleia_id"), table_name="contemplacoes")
    op.drop_table("contemplacoes")
    op.drop_index(
        "uq_lances_um_ativo_por_cota", table_name="lances", postgresql_where=sa.text("status = 'ativo'")
    )
    op.drop_index(op.f("ix_lances_assembleia_id"), table_name="lances")
    op.drop_table("lances")
    op.drop_index(op.f("ix_apuracoes_assembleia_id"), table_name="apuracoes")
    op.drop_table("apuracoes")
    op.drop_table("regras_assembleia")
    op.drop_index(op.f("ix_assembleias_grupo_id"), table_name="assembleias")
    op.drop_table("assembleias")
