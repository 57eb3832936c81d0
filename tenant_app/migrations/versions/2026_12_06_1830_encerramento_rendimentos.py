"""encerramento do grupo (Lei 11.795 arts. 30-34) and the group's investment yield (arts. 25-26)

Revision ID: 2026_12_06_1830
Revises: 2026_12_06_1814
Create Date: 2026-12-06 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_06_1830"
down_revision: str | None = "2026_12_06_1814"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MONEY = sa.Numeric(precision=14, scale=2)
_BALANCE = sa.Numeric(precision=16, scale=2)


def upgrade() -> None:
    op.create_table(
        "rendimentos_grupo",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("grupo_id", sa.Uuid(), nullable=False),
        sa.Column("inicio", sa.Date(), nullable=False),
        sa.Column("fim", sa.Date(), nullable=False),
        sa.Column("valor", _BALANCE, nullable=False),
        sa.Column("saldo_base", _BALANCE, nullable=False),
        sa.Column("registrado_em", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registrado_por", sa.Uuid(), nullable=True),
        sa.CheckConstraint("fim >= inicio", name=op.f("ck_rendimentos_grupo_periodo")),
        sa.CheckConstraint("valor > 0", name=op.f("ck_rendimentos_grupo_valor_positivo")),
        sa.CheckConstraint("saldo_base > 0", name=op.f("ck_rendimentos_grupo_saldo_base_positivo")),
        sa.ForeignKeyConstraint(
            ["grupo_id"], ["grupos.id"], name=op.f("fk_rendimentos_grupo_grupo_id_grupos")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rendimentos_grupo")),
    )
    op.create_index("ix_rendimentos_grupo_periodo", "rendimentos_grupo", ["grupo_id", "inicio"])
    op.create_table(
        "encerramentos",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("grupo_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("data_ultima_assembleia", sa.Date(), nullable=True),
        sa.Column("data_comunicacao", sa.Date(), nullable=False),
        sa.Column("comunicado_por", sa.Uuid(), nullable=True),
        sa.Column("data_encerramento", sa.Date(), nullable=True),
        sa.Column("encerrado_por", sa.Uuid(), nullable=True),
        sa.Column("fora_do_prazo", sa.Boolean(), nullable=False),
        sa.Column("saldo_fundo_comum", _BALANCE, nullable=True),
        sa.Column("saldo_fundo_reserva", _BALANCE, nullable=True),
        sa.Column("total_restituicoes", _BALANCE, nullable=True),
        sa.Column("total_rateio_fundo_comum", _BALANCE, nullable=True),
        sa.Column("total_rateio_fundo_reserva", _BALANCE, nullable=True),
        sa.Column("total_pago", _BALANCE, nullable=True),
        sa.Column("total_nao_procurado", _BALANCE, nullable=True),
        sa.Column("total_a_receber", _BALANCE, nullable=True),
        sa.Column("encerrado_em", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["grupo_id"], ["grupos.id"], name=op.f("fk_encerramentos_grupo_id_grupos")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_encerramentos")),
        sa.UniqueConstraint("grupo_id", name=op.f("uq_encerramentos_grupo_id")),
    )
    op.create_table(
        "encerramento_cotas",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("encerramento_id", sa.Uuid(), nullable=False),
        sa.Column("grupo_id", sa.Uuid(), nullable=False),
        sa.Column("cota_id", sa.Uuid(), nullable=False),
        sa.Column("cota_numero", sa.Integer(), nullable=False),
        sa.Column("consorciado_id", sa.Uuid(), nullable=False),
        sa.Column("excluida", sa.Boolean(), nullable=False),
        sa.Column("percentual_pago", sa.Numeric(precision=12, scale=6), nullable=False),
        sa.Column("pago_fundo_comum", _MONEY, nullable=False),
        sa.Column("pago_fundo_reserva", _MONEY, nullable=False),
        sa.Column("restituicao", _MONEY, nullable=False),
        sa.Column("rendimento", _MONEY, nullable=False),
        sa.Column("rateio_fundo_comum", _MONEY, nullable=False),
        sa.Column("rateio_fundo_reserva", _MONEY, nullable=False),
        sa.Column("total", _MONEY, nullable=False),
        sa.Column("destino", sa.String(length=16), nullable=False),
        sa.Column("a_receber", _MONEY, nullable=False),
        sa.Column("credito_contemplado", _MONEY, nullable=True),
        sa.ForeignKeyConstraint(
            ["encerramento_id"],
            ["encerramentos.id"],
            name=op.f("fk_encerramento_cotas_encerramento_id_encerramentos"),
        ),
        sa.ForeignKeyConstraint(
            ["grupo_id"], ["grupos.id"], name=op.f("fk_encerramento_cotas_grupo_id_grupos")
        ),
        sa.ForeignKeyConstraint(["cota_id"], ["cotas.id"], name=op.f("fk_encerramento_cotas_cota_id_cotas")),
        sa.ForeignKeyConstraint(
            ["consorciado_id"],
            ["consorciados.id"],
            name=op.f("fk_encerramento_cotas_consorciado_id_consorciados"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_encerramento_cotas")),
        sa.UniqueConstraint(
            "encerramento_id", "cota_id", name=op.f("uq_encerramento_cotas_encerramento_id_cota_id")
        ),
    )
    op.create_index(op.f("ix_encerramento_cotas_encerramento_id"), "encerramento_cotas", ["encerramento_id"])
    op.create_index(op.f("ix_encerramento_cotas_grupo_id"), "encerramento_cotas", ["grupo_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_encerramento_cotas_grupo_id"), table_name="encerramento_cotas")
    op.drop_index(op.f("ix_encerramento_cotas_encerramento_id"), table_name="encerramento_cotas")
    op.drop_table("encerramento_cotas")
    op.drop_table("encerramentos")
    op.drop_index("ix_rendimentos_grupo_periodo", table_name="rendimentos_grupo")
    op.drop_table("rendimentos_grupo")
