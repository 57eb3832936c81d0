"""cobrança: bank accounts, títulos (boleto + PIX) per parcela, remessas, retornos and their
ocorrências, PIX received, valores a identificar

Revision ID: 2026_12_06_1814
Revises: 2026_12_06_1818
Create Date: 2026-12-06 18:14:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_06_1814"
down_revision: str | None = "2026_12_06_1818"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contas_cobranca",
        sa.Column("grupo_id", sa.Uuid(), nullable=True),
        sa.Column("banco", sa.String(length=3), nullable=False),
        sa.Column("agencia", sa.String(length=5), nullable=False),
        sa.Column("dv_agencia", sa.String(length=1), nullable=False),
        sa.Column("conta", sa.String(length=12), nullable=False),
        sa.Column("dv_conta", sa.String(length=1), nullable=False),
        sa.Column("convenio", sa.String(length=20), nullable=False),
        sa.Column("carteira", sa.String(length=3), nullable=False),
        sa.Column("beneficiario_nome", sa.String(length=100), nullable=False),
        sa.Column("beneficiario_documento", sa.String(length=14), nullable=False),
        sa.Column("cidade", sa.String(length=60), nullable=False),
        sa.Column("chave_pix", sa.String(length=77), nullable=True),
        sa.Column("psp", sa.String(length=30), nullable=True),
        sa.Column("psp_url", sa.String(length=300), nullable=True),
        sa.Column("psp_client_id", sa.String(length=200), nullable=True),
        sa.Column("webhook_segredo_sha256", sa.String(length=64), nullable=True),
        sa.Column("proximo_numero", sa.Integer(), nullable=False),
        sa.Column("proxima_remessa", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["grupo_id"], ["grupos.id"], name=op.f("fk_contas_cobranca_grupo_id_grupos")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contas_cobranca")),
        sa.UniqueConstraint(
            "banco", "agencia", "conta", "convenio", "carteira", name="uq_contas_cobranca_banco"
        ),
    )
    op.create_index(
        "uq_contas_cobranca_grupo",
        "contas_cobranca",
        ["grupo_id"],
        unique=True,
        postgresql_where=sa.text("grupo_id is not null"),
    )
    op.create_index(
        "uq_contas_cobranca_padrao",
        "contas_cobranca",
        [sa.literal_column("(grupo_id is null)")],
        unique=True,
        postgresql_where=sa.text("grupo_id is null"),
    )
    op.create_table(
        "remessas_cobranca",
        sa.Column("conta_id", sa.Uuid(), nullable=False),
        sa.Column("numero", sa.Integer(), nullable=False),
        sa.Column("gerada_em", sa.DateTime(timezone=True), nullable=False),
        sa.Column("titulos", sa.Integer(), nullable=False),
        sa.Column("valor_total", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("chave_objeto", sa.String(length=300), nullable=False),
        sa.Column("tamanho", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conta_id"], ["contas_cobranca.id"], name=op.f("fk_remessas_cobranca_conta_id_contas_cobranca")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remessas_cobranca")),
        sa.UniqueConstraint("conta_id", "numero", name="uq_remessas_cobranca_numero"),
    )
    op.create_table(
        "retornos_cobranca",
        sa.Column("nome_arquivo", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("conteudo", sa.LargeBinary(), nullable=False),
        sa.Column("recebido_em", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recebido_por", sa.Uuid(), nullable=True),
        sa.Column("conta_id", sa.Uuid(), nullable=True),
        sa.Column("banco", sa.String(length=3), nullable=True),
        sa.Column("numero", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "processando", "processado", "rejeitado", name="statusretorno", native_enum=False, length=12
            ),
            nullable=False,
        ),
        sa.Column("erro_linha", sa.Integer(), nullable=True),
        sa.Column("erro_motivo", sa.Text(), nullable=True),
        sa.Column("ocorrencias", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conta_id"], ["contas_cobranca.id"], name=op.f("fk_retornos_cobranca_conta_id_contas_cobranca")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retornos_cobranca")),
        sa.UniqueConstraint("sha256", name=op.f("uq_retornos_cobranca_sha256")),
    )
    op.create_table(
        "titulos_cobranca",
        sa.Column("conta_id", sa.Uuid(), nullable=False),
        sa.Column("parcela_id", sa.Uuid(), nullable=False),
        sa.Column("cota_id", sa.Uuid(), nullable=False),
        sa.Column("grupo_id", sa.Uuid(), nullable=False),
        sa.Column("parcela_numero", sa.Integer(), nullable=False),
        sa.Column("numero", sa.Integer(), nullable=False),
        sa.Column("nosso_numero", sa.String(length=20), nullable=False),
        sa.Column("seu_numero", sa.String(length=15), nullable=False),
        sa.Column("vencimento", sa.Date(), nullable=False),
        sa.Column("valor", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("valor_principal", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("multa", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("juros", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("juros_por_dia", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("multa_pct", sa.Numeric(precision=9, scale=4), nullable=False),
        sa.Column("codigo_barras", sa.String(length=44), nullable=False),
        sa.Column("linha_digitavel", sa.String(length=47), nullable=False),
        sa.Column("brcode", sa.Text(), nullable=True),
        sa.Column("txid", sa.String(length=35), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "emitido",
                "registrado",
                "liquidado",
                "baixado",
                "rejeitado",
                name="statustitulo",
                native_enum=False,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column("emitido_em", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registrado_em", sa.DateTime(timezone=True), nullable=True),
        sa.Column("liquidado_em", sa.Date(), nullable=True),
        sa.Column("baixado_em", sa.DateTime(timezone=True), nullable=True),
        sa.Column("motivo", sa.Text(), nullable=True),
        sa.Column("substitui_id", sa.Uuid(), nullable=True),
        sa.Column("pagamento_id", sa.Uuid(), nullable=True),
        sa.Column("remessa_id", sa.Uuid(), nullable=True),
        sa.Column("remessa_baixa_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conta_id"], ["contas_cobranca.id"], name=op.f("fk_titulos_cobranca_conta_id_contas_cobranca")
        ),
        sa.ForeignKeyConstraint(["cota_id"], ["cotas.id"], name=op.f("fk_titulos_cobranca_cota_id_cotas")),
        sa.ForeignKeyConstraint(
            ["grupo_id"], ["grupos.id"], name=op.f("fk_titulos_cobranca_grupo_id_grupos")
        ),
        sa.ForeignKeyConstraint(
            ["pagamento_id"], ["pagamentos.id"], name=op.f("fk_titulos_cobranca_pagamento_id_pagamentos")
        ),
        sa.ForeignKeyConstraint(
            ["parcela_id"], ["parcelas.id"], name=op.f("fk_titulos_cobranca_parcela_id_parcelas")
        ),
        sa.ForeignKeyConstraint(
            ["remessa_baixa_id"],
            ["remessas_cobranca.id"],
            name=op.f("fk_titulos_cobranca_remessa_baixa_id_remessas_cobranca"),
        ),
        sa.ForeignKeyConstraint(
            ["remessa_id"],
            ["remessas_cobranca.id"],
            name=op.f("fk_titulos_cobranca_remessa_id_remessas_cobranca"),
        ),
        sa.ForeignKeyConstraint(
            ["substitui_id"],
            ["titulos_cobranca.id"],
            name=op.f("fk_titulos_cobranca_substitui_id_titulos_cobranca"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_titulos_cobranca")),
        sa.UniqueConstraint("conta_id", "nosso_numero", name="uq_titulos_cobranca_nosso_numero"),
        sa.UniqueConstraint("conta_id", "numero", name="uq_titulos_cobranca_numero"),
    )
    op.create_index("ix_titulos_cobranca_cota", "titulos_cobranca", ["cota_id", "vencimento"], unique=False)
    op.create_index("ix_titulos_cobranca_emissao", "titulos_cobranca", ["emitido_em"], unique=False)
    op.create_index(op.f("ix_titulos_cobranca_grupo_id"), "titulos_cobranca", ["grupo_id"], unique=False)
    op.create_index(
        "uq_titulos_cobranca_parcela_ativo",
        "titulos_cobranca",
        ["parcela_id"],
        unique=True,
        postgresql_where=sa.text("status in ('emitido', 'registrado')"),
    )
    op.create_index(
        "uq_titulos_cobranca_txid",
        "titulos_cobranca",
        ["conta_id", "txid"],
        unique=True,
        postgresql_where=sa.text("txid is not null"),
    )
    op.create_table(
        "ocorrencias_cobranca",
        sa.Column("retorno_id", sa.Uuid(), nullable=False),
        sa.Column("conta_id", sa.Uuid(), nullable=False),
        sa.Column("linha", sa.Integer(), nullable=False),
        sa.Column("nosso_numero", sa.String(length=20), nullable=False),
        sa.Column("codigo_movimento", sa.String(length=2), nullable=False),
        sa.Column("data_ocorrencia", sa.Date(), nullable=False),
        sa.Column("data_credito", sa.Date(), nullable=True),
        sa.Column("valor_nominal", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("valor_pago", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("valor_tarifa", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("motivos", sa.String(length=20), nullable=False),
        sa.Column("titulo_id", sa.Uuid(), nullable=True),
        sa.Column(
            "resultado",
            sa.Enum(
                "pendente",
                "liquidado",
                "a_identificar",
                "registrado",
                "baixado",
                "rejeitado",
                "tarifa",
                "ignorado",
                name="resultadoocorrencia",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("pagamento_id", sa.Uuid(), nullable=True),
        sa.Column("processada_em", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conta_id"],
            ["contas_cobranca.id"],
            name=op.f("fk_ocorrencias_cobranca_conta_id_contas_cobranca"),
        ),
        sa.ForeignKeyConstraint(
            ["pagamento_id"], ["pagamentos.id"], name=op.f("fk_ocorrencias_cobranca_pagamento_id_pagamentos")
        ),
        sa.ForeignKeyConstraint(
            ["retorno_id"],
            ["retornos_cobranca.id"],
            name=op.f("fk_ocorrencias_cobranca_retorno_id_retornos_cobranca"),
        ),
        sa.ForeignKeyConstraint(
            ["titulo_id"],
            ["titulos_cobranca.id"],
            name=op.f("fk_ocorrencias_cobranca_titulo_id_titulos_cobranca"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ocorrencias_cobranca")),
        sa.UniqueConstraint(
            "conta_id", "nosso_numero", "codigo_movimento", "data_ocorrencia", name="uq_ocorrencias_cobranca"
        ),
    )
    op.create_index("ix_ocorrencias_cobranca_data", "ocorrencias_cobranca", ["data_ocorrencia"], unique=False)
    op.create_index(
        "ix_ocorrencias_cobranca_pendentes",
        "ocorrencias_cobranca",
        ["retorno_id"],
        unique=False,
        postgresql_where=sa.text("resultado = 'pendente'"),
    )
    op.create_table(
        "pix_recebidos",
        sa.Column("conta_id", sa.Uuid(), nullable=False),
        sa.Column("end_to_end_id", sa.String(length=32), nullable=False),
        sa.Column("txid", sa.String(length=35), nullable=True),
        sa.Column("valor", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("horario", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recebido_em", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum("pendente", "liquidado", "a_identificar", name="statuspix", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("titulo_id", sa.Uuid(), nullable=True),
        sa.Column("pagamento_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conta_id"], ["contas_cobranca.id"], name=op.f("fk_pix_recebidos_conta_id_contas_cobranca")
        ),
        sa.ForeignKeyConstraint(
            ["pagamento_id"], ["pagamentos.id"], name=op.f("fk_pix_recebidos_pagamento_id_pagamentos")
        ),
        sa.ForeignKeyConstraint(
            ["titulo_id"], ["titulos_cobranca.id"], name=op.f("fk_pix_recebidos_titulo_id_titulos_cobranca")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pix_recebidos")),
        sa.UniqueConstraint("end_to_end_id", name=op.f("uq_pix_recebidos_end_to_end_id")),
    )
    op.create_table(
        "valores_a_identificar",
        sa.Column(
            "origem",
            sa.Enum("retorno", "pix", name="origemvalor", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column(
            "motivo",
            sa.Enum(
                "desconhecido",
                "excedente",
                "insuficiente",
                "titulo_inativo",
                "nao_aplicavel",
                name="motivovalor",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("valor", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("data_credito", sa.Date(), nullable=False),
        sa.Column("referencia", sa.String(length=100), nullable=False),
        sa.Column("ocorrencia_id", sa.Uuid(), nullable=True),
        sa.Column("pix_id", sa.Uuid(), nullable=True),
        sa.Column("titulo_id", sa.Uuid(), nullable=True),
        sa.Column("cota_id", sa.Uuid(), nullable=True),
        sa.Column("detalhe", sa.Text(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("pendente", "aplicado", "devolvido", name="statusvalor", native_enum=False, length=12),
            nullable=False,
        ),
        sa.Column("criado_em", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolvido_em", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolvido_por", sa.Uuid(), nullable=True),
        sa.Column("pagamento_id", sa.Uuid(), nullable=True),
        sa.Column("observacao", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cota_id"], ["cotas.id"], name=op.f("fk_valores_a_identificar_cota_id_cotas")
        ),
        sa.ForeignKeyConstraint(
            ["ocorrencia_id"],
            ["ocorrencias_cobranca.id"],
            name=op.f("fk_valores_a_identificar_ocorrencia_id_ocorrencias_cobranca"),
        ),
        sa.ForeignKeyConstraint(
            ["pagamento_id"], ["pagamentos.id"], name=op.f("fk_valores_a_identificar_pagamento_id_pagamentos")
        ),
        sa.ForeignKeyConstraint(
            ["pix_id"], ["pix_recebidos.id"], name=op.f("fk_valores_a_identificar_pix_id_pix_recebidos")
        ),
        sa.ForeignKeyConstraint(
            ["titulo_id"],
            ["titulos_cobranca.id"],
            name=op.f("fk_valores_a_identificar_titulo_id_titulos_cobranca"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_valores_a_identificar")),
    )
    op.create_index(
        "ix_valores_a_identificar_status", "valores_a_identificar", ["status", "data_credito"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_valores_a_identificar_status", table_name="valores_a_identificar")
    op.drop_table("valores_a_identificar")
    op.drop_table("pix_recebidos")
    op.drop_index(
        "ix_ocorrencias_cobranca_pendentes",
        table_name="ocorrencias_cobranca",
        postgresql_where=sa.text("resultado = 'pendente'"),
    )
    op.drop_index("ix_ocorrencias_cobranca_data", table_name="ocorrencias_cobranca")
    op.drop_table("ocorrencias_cobranca")
    op.drop_index(
        "uq_titulos_cobranca_txid",
        table_name="titulos_cobranca",
        postgresql_where=sa.text("txid is not null"),
    )
    op.drop_index(
        "uq_titulos_cobranca_parcela_ativo",
        table_name="titulos_cobranca",
        postgresql_where=sa.text("status in ('emitido', 'registrado')"),
    )
    op.drop_index(op.f("ix_titulos_cobranca_grupo_id"), table_name="titulos_cobranca")
    op.drop_index("ix_titulos_cobranca_emissao", table_name="titulos_cobranca")
    op.drop_index("ix_titulos_cobranca_cota", table_name="titulos_cobranca")
    op.drop_table("titulos_cobranca")
    op.drop_table("retornos_cobranca")
    op.drop_table("remessas_cobranca")
    op.drop_index(
        "uq_contas_cobranca_padrao",
        table_name="contas_cobranca",
        postgresql_where=sa.text("grupo_id is null"),
    )
    op.drop_index(
        "uq_contas_cobranca_grupo",
        table_name="contas_cobranca",
        postgresql_where=sa.text("grupo_id is not null"),
    )
    op.drop_table("contas_cobranca")
