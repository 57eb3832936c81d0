"""notificações: webhook endpoints, secrets, deliveries and attempts; e-mails; sender settings (issue 18)

Revision ID: 2026_12_06_1820
Revises: 2026_12_06_1825
Create Date: 2026-12-06 18:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "2026_12_06_1820"
down_revision: str | None = "2026_12_06_1825"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "webhook_endpoints",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("descricao", sa.String(length=200), nullable=True),
        sa.Column(
            "tipos",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("ativo", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("desativado_em", TZ, nullable=True),
        sa.Column("motivo_desativacao", sa.String(length=200), nullable=True),
        sa.Column("falhas_consecutivas", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("falhando_desde", TZ, nullable=True),
        sa.Column("ultimo_sucesso_em", TZ, nullable=True),
        sa.Column("created_at", TZ, server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", TZ, server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_endpoints")),
    )
    op.create_table(
        "webhook_segredos",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("endpoint_id", sa.Uuid(), nullable=False),
        sa.Column("segredo_cifrado", sa.LargeBinary(), nullable=False),
        sa.Column("criado_em", TZ, server_default=sa.text("now()"), nullable=False),
        sa.Column("expira_em", TZ, nullable=True),
        sa.ForeignKeyConstraint(
            ["endpoint_id"],
            ["webhook_endpoints.id"],
            name=op.f("fk_webhook_segredos_endpoint_id_webhook_endpoints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_segredos")),
    )
    op.create_index(op.f("ix_webhook_segredos_endpoint_id"), "webhook_segredos", ["endpoint_id"])
    op.create_table(
        "webhook_entregas",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("endpoint_id", sa.Uuid(), nullable=False),
        sa.Column("evento_id", sa.Uuid(), nullable=False),
        sa.Column("tipo", sa.String(length=60), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("tentativas", sa.SmallInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("proxima_tentativa_em", TZ, server_default=sa.text("now()"), nullable=False),
        sa.Column("ultimo_status_http", sa.SmallInteger(), nullable=True),
        sa.Column("ultimo_erro", sa.String(length=500), nullable=True),
        sa.Column("entregue_em", TZ, nullable=True),
        sa.Column("criado_em", TZ, server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["endpoint_id"],
            ["webhook_endpoints.id"],
            name=op.f("fk_webhook_entregas_endpoint_id_webhook_endpoints"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["evento_id"], ["eventos_outbox.id"], name=op.f("fk_webhook_entregas_evento_id_eventos_outbox")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_entregas")),
    )
    op.create_index(op.f("ix_webhook_entregas_evento_id"), "webhook_entregas", ["evento_id"])
    op.create_index("ix_webhook_entregas_endpoint", "webhook_entregas", ["endpoint_id", "criado_em"])
    op.create_index(
        "ix_webhook_entregas_devidas",
        "webhook_entregas",
        ["proxima_tentativa_em"],
        postgresql_where=sa.text("status = 'pendente'"),
    )
    op.create_table(
        "webhook_tentativas",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("entrega_id", sa.Uuid(), nullable=False),
        sa.Column("numero", sa.SmallInteger(), nullable=False),
        sa.Column("em", TZ, nullable=False),
        sa.Column("status_http", sa.SmallInteger(), nullable=True),
        sa.Column("erro", sa.String(length=500), nullable=True),
        sa.Column("duracao_ms", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entrega_id"],
            ["webhook_entregas.id"],
            name=op.f("fk_webhook_tentativas_entrega_id_webhook_entregas"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_tentativas")),
    )
    op.create_index(op.f("ix_webhook_tentativas_entrega_id"), "webhook_tentativas", ["entrega_id"])
    op.create_table(
        "email_mensagens",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("evento_id", sa.Uuid(), nullable=True),
        sa.Column("consorciado_id", sa.Uuid(), nullable=True),
        sa.Column("categoria", sa.String(length=16), nullable=False),
        sa.Column("destinatario", sa.String(length=254), nullable=False),
        sa.Column("assunto", sa.String(length=300), nullable=False),
        sa.Column("texto", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column(
            "cabecalhos",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("tentativas", sa.SmallInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("proxima_tentativa_em", TZ, server_default=sa.text("now()"), nullable=False),
        sa.Column("ultimo_erro", sa.String(length=500), nullable=True),
        sa.Column("enviado_em", TZ, nullable=True),
        sa.Column("criado_em", TZ, server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["evento_id"], ["eventos_outbox.id"], name=op.f("fk_email_mensagens_evento_id_eventos_outbox")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_mensagens")),
    )
    op.create_index(op.f("ix_email_mensagens_evento_id"), "email_mensagens", ["evento_id"])
    op.create_index(op.f("ix_email_mensagens_consorciado_id"), "email_mensagens", ["consorciado_id"])
    op.create_index(
        "ix_email_mensagens_devidas",
        "email_mensagens",
        ["proxima_tentativa_em"],
        postgresql_where=sa.text("status = 'pendente'"),
    )
    op.create_table(
        "notificacoes_config",
        sa.Column("id", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("nome_administradora", sa.String(length=200), nullable=False),
        sa.Column("remetente_nome", sa.String(length=200), nullable=False),
        sa.Column("remetente_email", sa.String(length=254), nullable=False),
        sa.Column("responder_para", sa.String(length=254), nullable=True),
        sa.Column("email_alertas", sa.String(length=254), nullable=True),
        sa.Column("emails_consorciados", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("dias_aviso_vencimento", sa.SmallInteger(), server_default=sa.text("3"), nullable=False),
        sa.Column("atualizado_em", TZ, server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notificacoes_config")),
    )


def downgrade() -> None:
    op.drop_table("notificacoes_config")
    op.drop_index("ix_email_mensagens_devidas", table_name="email_mensagens")
    op.drop_table("email_mensagens")
    op.drop_table("webhook_tentativas")
    op.drop_index("ix_webhook_entregas_devidas", table_name="webhook_entregas")
    op.drop_table("webhook_entregas")
    op.drop_table("webhook_segredos")
    op.drop_table("webhook_endpoints")
