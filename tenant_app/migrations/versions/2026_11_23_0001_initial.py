"""initial

Revision ID: 2026_11_23_0001
Revises:
Create Date: 2026-11-23 09:14:38.453931
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "2026_11_23_0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


#: Tables whose rows may only be inserted: the database itself refuses the rest.
APPEND_ONLY_TABLES = ("audit_log", "lancamentos_fundo")


def _make_append_only() -> None:
    # A trigger stops every role, including the table owner; revoking the
    # privileges too makes the app role fail before the trigger even runs.
    op.execute(
        """
        CREATE FUNCTION refuse_change_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'tabela % é somente inserção: % recusado', TG_TABLE_NAME, TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END;
        $$
        """
    )
    for table in APPEND_ONLY_TABLES:
        # Statement level: even an UPDATE/DELETE matching no row is refused.
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {table}"
            " FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_append_only()"
        )
        op.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM PUBLIC")
        op.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM CURRENT_USER")


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("actor_email", sa.String(length=254), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("entity", sa.String(length=60), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=True),
        sa.Column("before", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("after", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_log_hash")),
    )
    op.create_index(op.f("ix_audit_log_entity"), "audit_log", ["entity"], unique=False)
    op.create_index(op.f("ix_audit_log_entity_id"), "audit_log", ["entity_id"], unique=False)
    op.create_table(
        "consorciados",
        sa.Column("tipo_pessoa", sa.String(length=2), nullable=False),
        sa.Column("documento", sa.String(length=14), nullable=True),
        sa.Column("nome", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("telefone", sa.String(length=20), nullable=True),
        sa.Column("data_nascimento", sa.Date(), nullable=True),
        sa.Column("anonimizado_em", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consorciados")),
        sa.UniqueConstraint("documento", name=op.f("uq_consorciados_documento")),
    )
    op.create_table(
        "grupos",
        sa.Column("codigo", sa.String(length=30), nullable=False),
        sa.Column("tipo_bem", sa.String(length=20), nullable=False),
        sa.Column("valor_credito", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("prazo_meses", sa.Integer(), nullable=False),
        sa.Column("numero_cotas", sa.Integer(), nullable=False),
        sa.Column("taxa_administracao_pct", sa.Numeric(precision=9, scale=4), nullable=False),
        sa.Column("fundo_reserva_pct", sa.Numeric(precision=9, scale=4), nullable=False),
        sa.Column("seguro_pct", sa.Numeric(precision=9, scale=4), nullable=False),
        sa.Column("indice_correcao", sa.String(length=10), nullable=False),
        sa.Column("dia_assembleia", sa.Integer(), nullable=False),
        sa.Column("dia_vencimento", sa.Integer(), nullable=False),
        sa.Column("multa_pct", sa.Numeric(precision=9, scale=4), nullable=False),
        sa.Column("juros_mensal_pct", sa.Numeric(precision=9, scale=4), nullable=False),
        sa.Column("parcelas_para_exclusao", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("data_inicio", sa.Date(), nullable=True),
        sa.Column("data_encerramento", sa.Date(), nullable=True),
        sa.Column("saldo_fundo_comum", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("saldo_fundo_reserva", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("multa_pct >= 0 and multa_pct <= 2", name=op.f("ck_grupos_multa_max_2")),
        sa.CheckConstraint("numero_cotas between 1 and 100000", name=op.f("ck_grupos_numero_cotas")),
        sa.CheckConstraint("prazo_meses between 1 and 600", name=op.f("ck_grupos_prazo")),
        sa.CheckConstraint("saldo_fundo_reserva >= 0", name=op.f("ck_grupos_fundo_reserva_nao_negativo")),
        sa.CheckConstraint("valor_credito > 0", name=op.f("ck_grupos_valor_credito_positivo")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grupos")),
        sa.UniqueConstraint("codigo", name=op.f("uq_grupos_codigo")),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("scope", sa.String(length=50), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("scope", "key", name=op.f("pk_idempotency_keys")),
    )
    op.create_table(
        "users",
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("nome", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "consentimentos_lgpd",
        sa.Column("consorciado_id", sa.Uuid(), nullable=False),
        sa.Column("finalidade", sa.String(length=100), nullable=False),
        sa.Column("concedido", sa.Boolean(), nullable=False),
        sa.Column("canal", sa.String(length=50), nullable=False),
        sa.Column("versao_termo", sa.String(length=50), nullable=False),
        sa.Column("observacao", sa.Text(), nullable=True),
        sa.Column("registrado_em", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registrado_por", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consorciado_id"],
            ["consorciados.id"],
            name=op.f("fk_consentimentos_lgpd_consorciado_id_consorciados"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consentimentos_lgpd")),
    )
    op.create_index(
        op.f("ix_consentimentos_lgpd_consorciado_id"), "consentimentos_lgpd", ["consorciado_id"], unique=False
    )
    op.create_table(
        "consorciado_contatos",
        sa.Column("consorciado_id", sa.Uuid(), nullable=False),
        sa.Column("tipo", sa.String(length=20), nullable=False),
        sa.Column("valor", sa.String(length=254), nullable=False),
        sa.Column("principal", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consorciado_id"],
            ["consorciados.id"],
            name=op.f("fk_consorciado_contatos_consorciado_id_consorciados"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consorciado_contatos")),
    )
    op.create_index(
        op.f("ix_consorciado_contatos_consorciado_id"),
        "consorciado_contatos",
        ["consorciado_id"],
        unique=False,
    )
    op.create_table(
        "consorciado_enderecos",
        sa.Column("consorciado_id", sa.Uuid(), nullable=False),
        sa.Column("tipo", sa.String(length=20), nullable=False),
        sa.Column("logradouro", sa.String(length=200), nullable=False),
        sa.Column("numero", sa.String(length=20), nullable=False),
        sa.Column("complemento", sa.String(length=100), nullable=True),
        sa.Column("bairro", sa.String(length=100), nullable=False),
        sa.Column("cidade", sa.String(length=100), nullable=False),
        sa.Column("uf", sa.String(length=2), nullable=False),
        sa.Column("cep", sa.String(length=8), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consorciado_id"],
            ["consorciados.id"],
            name=op.f("fk_consorciado_enderecos_consorciado_id_consorciados"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consorciado_enderecos")),
    )
    op.create_index(
        op.f("ix_consorciado_enderecos_consorciado_id"),
        "consorciado_enderecos",
        ["consorciado_id"],
        unique=False,
    )
    op.create_table(
        "cotas",
        sa.Column("grupo_id", sa.Uuid(), nullable=False),
        sa.Column("numero", sa.Integer(), nullable=False),
        sa.Column("consorciado_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("data_adesao", sa.Date(), nullable=False),
        sa.Column("contemplada", sa.Boolean(), nullable=False),
        sa.Column("contemplada_em", sa.Date(), nullable=True),
        sa.Column("motivo_exclusao", sa.String(length=16), nullable=True),
        sa.Column("excluida_em", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["consorciado_id"], ["consorciados.id"], name=op.f("fk_cotas_consorciado_id_consorciados")
        ),
        sa.ForeignKeyConstraint(["grupo_id"], ["grupos.id"], name=op.f("fk_cotas_grupo_id_grupos")),
        sa.CheckConstraint(
            "NOT (contemplada AND status = 'excluida')", name=op.f("ck_cotas_contemplada_nao_excluida")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cotas")),
        sa.UniqueConstraint("grupo_id", "numero", name=op.f("uq_cotas_grupo_id_numero")),
    )
    op.create_index(op.f("ix_cotas_consorciado_id"), "cotas", ["consorciado_id"], unique=False)
    op.create_index("ix_cotas_grupo_status", "cotas", ["grupo_id", "status"], unique=False)
    op.create_table(
        "refresh_tokens",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_refresh_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refresh_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_refresh_tokens_token_hash")),
    )
    op.create_index(op.f("ix_refresh_tokens_family_id"), "refresh_tokens", ["family_id"], unique=False)
    op.create_index(op.f("ix_refresh_tokens_user_id"), "refresh_tokens", ["user_id"], unique=False)
    op.create_table(
        "cota_eventos",
        sa.Column("cota_id", sa.Uuid(), nullable=False),
        sa.Column("tipo", sa.String(length=16), nullable=False),
        sa.Column("de_consorciado_id", sa.Uuid(), nullable=True),
        sa.Column("para_consorciado_id", sa.Uuid(), nullable=True),
        sa.Column("motivo", sa.Text(), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("ocorrido_em", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detalhe", sa.String(length=200), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["cota_id"], ["cotas.id"], name=op.f("fk_cota_eventos_cota_id_cotas")),
        sa.ForeignKeyConstraint(
            ["de_consorciado_id"],
            ["consorciados.id"],
            name=op.f("fk_cota_eventos_de_consorciado_id_consorciados"),
        ),
        sa.ForeignKeyConstraint(
            ["para_consorciado_id"],
            ["consorciados.id"],
            name=op.f("fk_cota_eventos_para_consorciado_id_consorciados"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cota_eventos")),
    )
    op.create_index(op.f("ix_cota_eventos_cota_id"), "cota_eventos", ["cota_id"], unique=False)
    op.create_table(
        "pagamentos",
        sa.Column("cota_id", sa.Uuid(), nullable=False),
        sa.Column("grupo_id", sa.Uuid(), nullable=False),
        sa.Column("valor", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("data_pagamento", sa.Date(), nullable=False),
        sa.Column("forma", sa.String(length=16), nullable=False),
        sa.Column("referencia", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("registrado_por", sa.Uuid(), nullable=True),
        sa.Column("registrado_em", sa.DateTime(timezone=True), nullable=False),
        sa.Column("estornado_em", sa.DateTime(timezone=True), nullable=True),
        sa.Column("estornado_por", sa.Uuid(), nullable=True),
        sa.Column("motivo_estorno", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("valor > 0", name=op.f("ck_pagamentos_valor_positivo")),
        sa.ForeignKeyConstraint(["cota_id"], ["cotas.id"], name=op.f("fk_pagamentos_cota_id_cotas")),
        sa.ForeignKeyConstraint(["grupo_id"], ["grupos.id"], name=op.f("fk_pagamentos_grupo_id_grupos")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pagamentos")),
    )
    op.create_index("ix_pagamentos_cota_data", "pagamentos", ["cota_id", "data_pagamento"], unique=False)
    op.create_index(op.f("ix_pagamentos_grupo_id"), "pagamentos", ["grupo_id"], unique=False)
    op.create_table(
        "parcelas",
        sa.Column("cota_id", sa.Uuid(), nullable=False),
        sa.Column("grupo_id", sa.Uuid(), nullable=False),
        sa.Column("numero", sa.Integer(), nullable=False),
        sa.Column("vencimento", sa.Date(), nullable=False),
        sa.Column("valor_fundo_comum", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("valor_taxa_administracao", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("valor_fundo_reserva", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("valor_seguro", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("valor_total", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("pago_fundo_comum", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("pago_taxa_administracao", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("pago_fundo_reserva", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("pago_seguro", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("pago_multa", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("pago_juros", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("paga_em", sa.Date(), nullable=True),
        sa.Column("juros_calculados_ate", sa.Date(), nullable=True),
        sa.Column("juros_pendentes", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "pago_fundo_comum between 0"
            " and valor_fundo_comum"
            " and pago_taxa_administracao between 0"
            " and valor_taxa_administracao"
            " and pago_fundo_reserva between 0"
            " and valor_fundo_reserva"
            " and pago_seguro between 0"
            " and valor_seguro"
            " and pago_multa >= 0"
            " and pago_juros >= 0"
            " and juros_pendentes >= 0",
            name=op.f("ck_parcelas_pago_dentro_do_devido"),
        ),
        sa.CheckConstraint(
            "valor_total = valor_fundo_comum + valor_taxa_administracao + valor_fundo_reserva + valor_seguro",
            name=op.f("ck_parcelas_total_soma_componentes"),
        ),
        sa.ForeignKeyConstraint(["cota_id"], ["cotas.id"], name=op.f("fk_parcelas_cota_id_cotas")),
        sa.ForeignKeyConstraint(["grupo_id"], ["grupos.id"], name=op.f("fk_parcelas_grupo_id_grupos")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parcelas")),
        sa.UniqueConstraint("cota_id", "numero", name=op.f("uq_parcelas_cota_id_numero")),
    )
    op.create_index("ix_parcelas_grupo_vencimento", "parcelas", ["grupo_id", "vencimento"], unique=False)
    op.create_table(
        "lancamentos_fundo",
        sa.Column("grupo_id", sa.Uuid(), nullable=False),
        sa.Column("fundo", sa.String(length=20), nullable=False),
        sa.Column("valor", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("origem", sa.String(length=16), nullable=False),
        sa.Column("pagamento_id", sa.Uuid(), nullable=True),
        sa.Column("cota_id", sa.Uuid(), nullable=True),
        sa.Column("referencia_id", sa.Uuid(), nullable=True),
        sa.Column("descricao", sa.String(length=200), nullable=True),
        sa.Column("registrado_em", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["cota_id"], ["cotas.id"], name=op.f("fk_lancamentos_fundo_cota_id_cotas")),
        sa.ForeignKeyConstraint(
            ["grupo_id"], ["grupos.id"], name=op.f("fk_lancamentos_fundo_grupo_id_grupos")
        ),
        sa.ForeignKeyConstraint(
            ["pagamento_id"], ["pagamentos.id"], name=op.f("fk_lancamentos_fundo_pagamento_id_pagamentos")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lancamentos_fundo")),
    )
    op.create_index(
        op.f("ix_lancamentos_fundo_pagamento_id"), "lancamentos_fundo", ["pagamento_id"], unique=False
    )
    op.create_index("ix_lancamentos_grupo_fundo", "lancamentos_fundo", ["grupo_id", "fundo"], unique=False)
    op.create_table(
        "pagamento_alocacoes",
        sa.Column("pagamento_id", sa.Uuid(), nullable=False),
        sa.Column("parcela_id", sa.Uuid(), nullable=False),
        sa.Column("parcela_numero", sa.Integer(), nullable=False),
        sa.Column("ordem", sa.Integer(), nullable=False),
        sa.Column("fundo_comum", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("taxa_administracao", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("fundo_reserva", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("seguro", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("multa", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("juros", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pagamento_id"], ["pagamentos.id"], name=op.f("fk_pagamento_alocacoes_pagamento_id_pagamentos")
        ),
        sa.ForeignKeyConstraint(
            ["parcela_id"], ["parcelas.id"], name=op.f("fk_pagamento_alocacoes_parcela_id_parcelas")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pagamento_alocacoes")),
    )
    op.create_index(
        op.f("ix_pagamento_alocacoes_pagamento_id"), "pagamento_alocacoes", ["pagamento_id"], unique=False
    )
    op.create_index(
        op.f("ix_pagamento_alocacoes_parcela_id"), "pagamento_alocacoes", ["parcela_id"], unique=False
    )

    _make_append_only()


def downgrade() -> None:
    for table in APPEND_ONLY_TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    op.execute("DROP FUNCTION IF EXISTS refuse_change_append_only()")
    op.drop_index(op.f("ix_pagamento_alocacoes_parcela_id"), table_name="pagamento_alocacoes")
    op.drop_index(op.f("ix_pagamento_alocacoes_pagamento_id"), table_name="pagamento_alocacoes")
    op.drop_table("pagamento_alocacoes")
    op.drop_index("ix_lancamentos_grupo_fundo", table_name="lancamentos_fundo")
    op.drop_index(op.f("ix_lancamentos_fundo_pagamento_id"), table_name="lancamentos_fundo")
    op.drop_table("lancamentos_fundo")
    op.drop_index("ix_parcelas_grupo_vencimento", table_name="parcelas")
    op.drop_table("parcelas")
    op.drop_index(op.f("ix_pagamentos_grupo_id"), table_name="pagamentos")
    op.drop_index("ix_pagamentos_cota_data", table_name="pagamentos")
    op.drop_table("pagamentos")
    op.drop_index(op.f("ix_cota_eventos_cota_id"), table_name="cota_eventos")
    op.drop_table("cota_eventos")
    op.drop_index(op.f("ix_refresh_tokens_user_id"), table_name="refresh_tokens")
    op.drop_index(op.f("ix_refresh_tokens_family_id"), table_name="refresh_tokens")
    op.drop_table("refresh_tokens")
    op.drop_index("ix_cotas_grupo_status", table_name="cotas")
    op.drop_index(op.f("ix_cotas_consorciado_id"), table_name="cotas")
    op.drop_table("cotas")
    op.drop_index(op.f("ix_consorciado_enderecos_consorciado_id"), table_name="consorciado_enderecos")
    op.drop_table("consorciado_enderecos")
    op.drop_index(op.f("ix_consorciado_contatos_consorciado_id"), table_name="consorciado_contatos")
    op.drop_table("consorciado_contatos")
    op.drop_index(op.f("ix_consentimentos_lgpd_consorciado_id"), table_name="consentimentos_lgpd")
    op.drop_table("consentimentos_lgpd")
    op.drop_table("users")
    op.drop_table("idempotency_keys")
    op.drop_table("grupos")
    op.drop_table("consorciados")
    op.drop_index(op.f("ix_audit_log_entity_id"), table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_entity"), table_name="audit_log")
    op.drop_table("audit_log")
