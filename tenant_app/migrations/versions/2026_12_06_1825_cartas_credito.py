"""carta de crédito (issue 16): cartas_credito and their análise, guarantees, bem, payouts, CNAB files,
yield shares and IR statements

Revision ID: 2026_12_06_1825
Revises: 2026_12_06_1816
Create Date: 2026-12-06 18:25:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "2026_12_06_1825"
down_revision: str | None = "2026_12_06_1816"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cartas_credito_retornos",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("conteudo", sa.Text(), nullable=False),
        sa.Column("resumo", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("importado_em", sa.DateTime(timezone=True), nullable=False),
        sa.Column("importado_por", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cartas_credito_retornos")),
        sa.UniqueConstraint("sha256", name="uq_cartas_credito_retornos_sha256"),
    )
    op.create_table(
        "cartas_credito_remessas",
        sa.Column("grupo_id", sa.Uuid(), nullable=False),
        sa.Column("numero", sa.Integer(), nullable=False),
        sa.Column(
            "forma",
            sa.Enum("ted", "pix", "interno", name="formapagamentocredito", native_enum=False, length=8),
            nullable=False,
        ),
        sa.Column("conta_pagadora", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("quantidade", sa.Integer(), nullable=False),
        sa.Column("total", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("conteudo", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("gerada_em", sa.DateTime(timezone=True), nullable=False),
        sa.Column("gerada_por", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["grupo_id"], ["grupos.id"], name=op.f("fk_cartas_credito_remessas_grupo_id_grupos")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cartas_credito_remessas")),
        sa.UniqueConstraint("numero", name="uq_cartas_credito_remessas_numero"),
    )
    op.create_index(
        op.f("ix_cartas_credito_remessas_grupo_id"), "cartas_credito_remessas", ["grupo_id"], unique=False
    )
    op.create_table(
        "informes_ir",
        sa.Column("consorciado_id", sa.Uuid(), nullable=False),
        sa.Column("ano", sa.Integer(), nullable=False),
        sa.Column("csv", sa.Text(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("gerado_em", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consorciado_id"], ["consorciados.id"], name=op.f("fk_informes_ir_consorciado_id_consorciados")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_informes_ir")),
        sa.UniqueConstraint("consorciado_id", "ano", name="uq_informes_ir_consorciado_ano"),
    )
    op.create_table(
        "rendimentos_apropriados_cartas",
        sa.Column("rendimento_id", sa.Uuid(), nullable=False),
        sa.Column("grupo_id", sa.Uuid(), nullable=False),
        sa.Column("total_cartas", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("apropriado_em", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["grupo_id"], ["grupos.id"], name=op.f("fk_rendimentos_apropriados_cartas_grupo_id_grupos")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rendimentos_apropriados_cartas")),
        sa.UniqueConstraint("rendimento_id", name="uq_rendimentos_apropriados_cartas_rendimento"),
    )
    op.create_index(
        op.f("ix_rendimentos_apropriados_cartas_grupo_id"),
        "rendimentos_apropriados_cartas",
        ["grupo_id"],
        unique=False,
    )
    op.create_table(
        "cartas_credito",
        sa.Column("grupo_id", sa.Uuid(), nullable=False),
        sa.Column("cota_id", sa.Uuid(), nullable=False),
        sa.Column("contemplacao_id", sa.Uuid(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "disponivel",
                "em_analise",
                "aprovada",
                "recusada",
                "bem_indicado",
                "paga_parcialmente",
                "paga",
                "encerrada",
                "convertida_em_especie",
                "cancelada",
                name="statuscarta",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("contemplada_em", sa.Date(), nullable=False),
        sa.Column("valor_credito", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("valor_embutido", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("valor_carta", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("rendimentos", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("valor_pago", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("valor_reservado", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("disponivel_em", sa.Date(), nullable=True),
        sa.Column("motivo", sa.Text(), nullable=True),
        sa.Column("encerrada_em", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "valor_carta >= 0 and rendimentos >= 0", name=op.f("ck_cartas_credito_valores_nao_negativos")
        ),
        sa.CheckConstraint(
            "valor_pago + valor_reservado <= valor_carta + rendimentos",
            name=op.f("ck_cartas_credito_dentro_do_credito"),
        ),
        sa.CheckConstraint(
            "valor_pago >= 0 and valor_reservado >= 0", name=op.f("ck_cartas_credito_pagos_nao_negativos")
        ),
        sa.ForeignKeyConstraint(
            ["contemplacao_id"],
            ["contemplacoes.id"],
            name=op.f("fk_cartas_credito_contemplacao_id_contemplacoes"),
        ),
        sa.ForeignKeyConstraint(["cota_id"], ["cotas.id"], name=op.f("fk_cartas_credito_cota_id_cotas")),
        sa.ForeignKeyConstraint(["grupo_id"], ["grupos.id"], name=op.f("fk_cartas_credito_grupo_id_grupos")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cartas_credito")),
        sa.UniqueConstraint("contemplacao_id", name="uq_cartas_credito_contemplacao"),
    )
    op.create_index(op.f("ix_cartas_credito_cota_id"), "cartas_credito", ["cota_id"], unique=False)
    op.create_index(op.f("ix_cartas_credito_grupo_id"), "cartas_credito", ["grupo_id"], unique=False)
    op.create_table(
        "cartas_credito_bens",
        sa.Column("carta_id", sa.Uuid(), nullable=False),
        sa.Column(
            "tipo",
            sa.Enum(
                "veiculo", "imovel", "servico", "outro", name="tipobemindicado", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("descricao", sa.String(length=300), nullable=False),
        sa.Column("valor", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("documento_fiscal", sa.String(length=200), nullable=False),
        sa.Column("vendedor_nome", sa.String(length=200), nullable=False),
        sa.Column("vendedor_documento", sa.String(length=14), nullable=False),
        sa.Column(
            "destino_diferenca",
            sa.Enum(
                "despesas", "amortizacao", "devolucao", name="destinodiferenca", native_enum=False, length=16
            ),
            nullable=True,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("valor > 0", name=op.f("ck_cartas_credito_bens_valor_positivo")),
        sa.ForeignKeyConstraint(
            ["carta_id"], ["cartas_credito.id"], name=op.f("fk_cartas_credito_bens_carta_id_cartas_credito")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cartas_credito_bens")),
        sa.UniqueConstraint("carta_id", name="uq_cartas_credito_bens_carta"),
    )
    op.create_table(
        "cartas_credito_documentos",
        sa.Column("carta_id", sa.Uuid(), nullable=False),
        sa.Column(
            "tipo",
            sa.Enum(
                "identidade",
                "renda",
                "residencia",
                "outro",
                name="tipodocumento",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("referencia", sa.String(length=300), nullable=False),
        sa.Column("descricao", sa.String(length=200), nullable=True),
        sa.Column("recebido_em", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recebido_por", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["carta_id"],
            ["cartas_credito.id"],
            name=op.f("fk_cartas_credito_documentos_carta_id_cartas_credito"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cartas_credito_documentos")),
    )
    op.create_index(
        op.f("ix_cartas_credito_documentos_carta_id"), "cartas_credito_documentos", ["carta_id"], unique=False
    )
    op.create_table(
        "cartas_credito_garantias",
        sa.Column("carta_id", sa.Uuid(), nullable=False),
        sa.Column(
            "tipo",
            sa.Enum(
                "alienacao_fiduciaria_veiculo",
                "alienacao_fiduciaria_imovel",
                "fiador",
                "outra",
                name="tipogarantia",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("valor", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("descricao", sa.String(length=300), nullable=False),
        sa.Column("registro", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("registrada_em", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registrada_por", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("valor > 0", name=op.f("ck_cartas_credito_garantias_valor_positivo")),
        sa.ForeignKeyConstraint(
            ["carta_id"],
            ["cartas_credito.id"],
            name=op.f("fk_cartas_credito_garantias_carta_id_cartas_credito"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cartas_credito_garantias")),
    )
    op.create_index(
        op.f("ix_cartas_credito_garantias_carta_id"), "cartas_credito_garantias", ["carta_id"], unique=False
    )
    op.create_table(
        "cartas_credito_pagamentos",
        sa.Column("carta_id", sa.Uuid(), nullable=False),
        sa.Column("grupo_id", sa.Uuid(), nullable=False),
        sa.Column(
            "destino",
            sa.Enum(
                "bem",
                "despesas",
                "devolucao",
                "especie",
                "amortizacao",
                name="destinopagamento",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column(
            "forma",
            sa.Enum("ted", "pix", "interno", name="formapagamentocredito", native_enum=False, length=8),
            nullable=False,
        ),
        sa.Column("valor", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pendente",
                "em_remessa",
                "efetivado",
                "rejeitado",
                name="statuspagamentocredito",
                native_enum=False,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column("seu_numero", sa.String(length=20), nullable=False),
        sa.Column("favorecido_nome", sa.String(length=200), nullable=False),
        sa.Column("favorecido_documento", sa.String(length=14), nullable=False),
        sa.Column("banco", sa.String(length=3), nullable=True),
        sa.Column("agencia", sa.String(length=5), nullable=True),
        sa.Column("dv_agencia", sa.String(length=1), nullable=True),
        sa.Column("conta", sa.String(length=12), nullable=True),
        sa.Column("dv_conta", sa.String(length=1), nullable=True),
        sa.Column("tipo_chave_pix", sa.String(length=16), nullable=True),
        sa.Column("chave_pix", sa.String(length=99), nullable=True),
        sa.Column("remessa_id", sa.Uuid(), nullable=True),
        sa.Column("nosso_numero", sa.String(length=20), nullable=True),
        sa.Column("ocorrencias", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("solicitado_em", sa.DateTime(timezone=True), nullable=False),
        sa.Column("solicitado_por", sa.Uuid(), nullable=True),
        sa.Column("efetivado_em", sa.Date(), nullable=True),
        sa.Column("pagamento_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("valor > 0", name=op.f("ck_cartas_credito_pagamentos_valor_positivo")),
        sa.ForeignKeyConstraint(
            ["carta_id"],
            ["cartas_credito.id"],
            name=op.f("fk_cartas_credito_pagamentos_carta_id_cartas_credito"),
        ),
        sa.ForeignKeyConstraint(
            ["grupo_id"], ["grupos.id"], name=op.f("fk_cartas_credito_pagamentos_grupo_id_grupos")
        ),
        sa.ForeignKeyConstraint(
            ["pagamento_id"],
            ["pagamentos.id"],
            name=op.f("fk_cartas_credito_pagamentos_pagamento_id_pagamentos"),
        ),
        sa.ForeignKeyConstraint(
            ["remessa_id"],
            ["cartas_credito_remessas.id"],
            name=op.f("fk_cartas_credito_pagamentos_remessa_id_cartas_credito_remessas"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cartas_credito_pagamentos")),
        sa.UniqueConstraint("seu_numero", name="uq_cartas_credito_pagamentos_seu_numero"),
    )
    op.create_index(
        op.f("ix_cartas_credito_pagamentos_carta_id"), "cartas_credito_pagamentos", ["carta_id"], unique=False
    )
    op.create_table(
        "cartas_credito_rendimentos",
        sa.Column("rendimento_id", sa.Uuid(), nullable=False),
        sa.Column("carta_id", sa.Uuid(), nullable=False),
        sa.Column("saldo_dias", sa.Numeric(precision=24, scale=2), nullable=False),
        sa.Column("valor", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("apropriado_em", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["carta_id"],
            ["cartas_credito.id"],
            name=op.f("fk_cartas_credito_rendimentos_carta_id_cartas_credito"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cartas_credito_rendimentos")),
        sa.UniqueConstraint("rendimento_id", "carta_id", name="uq_cartas_credito_rendimentos"),
    )
    op.create_index(
        op.f("ix_cartas_credito_rendimentos_carta_id"),
        "cartas_credito_rendimentos",
        ["carta_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_cartas_credito_rendimentos_rendimento_id"),
        "cartas_credito_rendimentos",
        ["rendimento_id"],
        unique=False,
    )
    op.create_table(
        "cartas_credito_transicoes",
        sa.Column("carta_id", sa.Uuid(), nullable=False),
        sa.Column(
            "de",
            sa.Enum(
                "disponivel",
                "em_analise",
                "aprovada",
                "recusada",
                "bem_indicado",
                "paga_parcialmente",
                "paga",
                "encerrada",
                "convertida_em_especie",
                "cancelada",
                name="statuscarta",
                native_enum=False,
                length=24,
            ),
            nullable=True,
        ),
        sa.Column(
            "para",
            sa.Enum(
                "disponivel",
                "em_analise",
                "aprovada",
                "recusada",
                "bem_indicado",
                "paga_parcialmente",
                "paga",
                "encerrada",
                "convertida_em_especie",
                "cancelada",
                name="statuscarta",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("acao", sa.String(length=40), nullable=False),
        sa.Column("motivo", sa.Text(), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("ocorrido_em", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["carta_id"],
            ["cartas_credito.id"],
            name=op.f("fk_cartas_credito_transicoes_carta_id_cartas_credito"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cartas_credito_transicoes")),
    )
    op.create_index(
        op.f("ix_cartas_credito_transicoes_carta_id"), "cartas_credito_transicoes", ["carta_id"], unique=False
    )
    op.create_index(
        "ix_cartas_credito_pagamentos_pendentes",
        "cartas_credito_pagamentos",
        ["grupo_id", "status"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("cartas_credito_rendimentos")
    op.drop_table("cartas_credito_pagamentos")
    op.drop_table("cartas_credito_remessas")
    op.drop_table("cartas_credito_retornos")
    op.drop_table("cartas_credito_transicoes")
    op.drop_table("cartas_credito_garantias")
    op.drop_table("cartas_credito_documentos")
    op.drop_table("cartas_credito_bens")
    op.drop_table("rendimentos_apropriados_cartas")
    op.drop_table("informes_ir")
    op.drop_table("cartas_credito")
