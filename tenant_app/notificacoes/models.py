"""Tables of the delivery side: webhook endpoints, secrets, deliveries and attempts; e-mails; settings.

Every delivery is a row with its own schedule (``proxima_tentativa_em``): Celery only
wakes the workers, so a lost task message, a Redis restart or a killed worker delays
a delivery but never loses it (a claim is a lease that expires).
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, SmallInteger, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from tenant_app.database.base import Base, Timestamps, UUIDPrimaryKey, str_enum


class StatusEntrega(enum.StrEnum):
    PENDENTE = "pendente"
    ENTREGUE = "entregue"
    #: Every attempt of the schedule failed: the dead-letter list (replayable).
    FALHOU = "falhou"


class WebhookEndpoint(UUIDPrimaryKey, Timestamps, Base):
    """A URL of the tenant's systems that receives the event types it subscribes to."""

    __tablename__ = "webhook_endpoints"

    url: Mapped[str] = mapped_column(String(2000))
    descricao: Mapped[str | None] = mapped_column(String(200))
    #: Event types (``eventos.tipos``); empty = every type.
    tipos: Mapped[list[str]] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    ativo: Mapped[bool] = mapped_column(server_default=text("true"))
    desativado_em: Mapped[datetime | None]
    motivo_desativacao: Mapped[str | None] = mapped_column(String(200))
    #: Consecutive failed attempts and when the streak began (automatic disable).
    falhas_consecutivas: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    falhando_desde: Mapped[datetime | None]
    ultimo_sucesso_em: Mapped[datetime | None]


class WebhookSegredo(UUIDPrimaryKey, Base):
    """A signing secret of an endpoint; several overlap after a rotation. The secret itself is in the
    tenant's Vault path under this row's id (``segredo_cifrado`` NULL); only where no Vault is
    configured is it encrypted here (AES-GCM) until moved (webhooks/cofre.py)."""

    __tablename__ = "webhook_segredos"
    __audit_exclude__ = ("segredo_cifrado",)

    endpoint_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True
    )
    segredo_cifrado: Mapped[bytes | None] = mapped_column(LargeBinary)
    criado_em: Mapped[datetime] = mapped_column(server_default=text("now()"))
    #: Set on rotation: the old secret still signs until then (receivers switch over).
    expira_em: Mapped[datetime | None]


class WebhookEntrega(UUIDPrimaryKey, Base):
    """One event to one endpoint: retried on its schedule until delivered or dead-lettered."""

    __tablename__ = "webhook_entregas"
    __audited__ = False  # operational state, derived from the events

    endpoint_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    evento_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("eventos_outbox.id"), index=True)
    tipo: Mapped[str] = mapped_column(String(60))
    status: Mapped[StatusEntrega] = mapped_column(str_enum(StatusEntrega, 16), default=StatusEntrega.PENDENTE)
    tentativas: Mapped[int] = mapped_column(SmallInteger, server_default=text("0"))
    proxima_tentativa_em: Mapped[datetime] = mapped_column(server_default=text("now()"))
    ultimo_status_http: Mapped[int | None] = mapped_column(SmallInteger)
    ultimo_erro: Mapped[str | None] = mapped_column(String(500))
    entregue_em: Mapped[datetime | None]
    criado_em: Mapped[datetime] = mapped_column(server_default=text("now()"))

    __table_args__ = (
        Index(
            "ix_webhook_entregas_devidas",
            "proxima_tentativa_em",
            postgresql_where=text("status = 'pendente'"),
        ),
        Index("ix_webhook_entregas_endpoint", "endpoint_id", "criado_em"),
    )


class WebhookTentativa(UUIDPrimaryKey, Base):
    """The delivery log: every attempt with its HTTP status (or the network error) and duration."""

    __tablename__ = "webhook_tentativas"
    __audited__ = False

    entrega_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_entregas.id", ondelete="CASCADE"), index=True
    )
    numero: Mapped[int] = mapped_column(SmallInteger)
    em: Mapped[datetime]
    status_http: Mapped[int | None] = mapped_column(SmallInteger)
    erro: Mapped[str | None] = mapped_column(String(500))
    duracao_ms: Mapped[int] = mapped_column(Integer)


class CategoriaEmail(enum.StrEnum):
    #: Follows from the contract (receipts, due dates, contemplação): LGPD art. 7 V, no consent needed.
    TRANSACIONAL = "transacional"
    #: Offers and news: only with the consorciado's consent, always with an unsubscribe link.
    MARKETING = "marketing"
    #: To the administradora's staff (e.g. a webhook endpoint disabled).
    INTERNO = "interno"


class EmailMensagem(UUIDPrimaryKey, Base):
    """One e-mail, rendered when queued; sent at least once by the worker (Message-ID = its id)."""

    __tablename__ = "email_mensagens"
    __audited__ = False

    evento_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("eventos_outbox.id"), index=True)
    consorciado_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    categoria: Mapped[CategoriaEmail] = mapped_column(str_enum(CategoriaEmail, 16))
    destinatario: Mapped[str] = mapped_column(String(254))
    assunto: Mapped[str] = mapped_column(String(300))
    texto: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    cabecalhos: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    status: Mapped[StatusEntrega] = mapped_column(str_enum(StatusEntrega, 16), default=StatusEntrega.PENDENTE)
    tentativas: Mapped[int] = mapped_column(SmallInteger, server_default=text("0"))
    proxima_tentativa_em: Mapped[datetime] = mapped_column(server_default=text("now()"))
    ultimo_erro: Mapped[str | None] = mapped_column(String(500))
    enviado_em: Mapped[datetime | None]
    criado_em: Mapped[datetime] = mapped_column(server_default=text("now()"))

    __table_args__ = (
        Index(
            "ix_email_mensagens_devidas", "proxima_tentativa_em", postgresql_where=text("status = 'pendente'")
        ),
    )


class ConfiguracaoNotificacoes(Base):
    """The tenant's sender and notification settings (one row, id 1; defaults when absent)."""

    __tablename__ = "notificacoes_config"

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    nome_administradora: Mapped[str] = mapped_column(String(200))
    remetente_nome: Mapped[str] = mapped_column(String(200))
    remetente_email: Mapped[str] = mapped_column(String(254))
    responder_para: Mapped[str | None] = mapped_column(String(254))
    #: Who is told when a webhook endpoint is disabled (besides nobody: the admins' e-mails otherwise).
    email_alertas: Mapped[str | None] = mapped_column(String(254))
    emails_consorciados: Mapped[bool] = mapped_column(server_default=text("true"))
    #: ``parcela.vencendo`` is emitted this many days before the due date.
    dias_aviso_vencimento: Mapped[int] = mapped_column(SmallInteger, server_default=text("3"))
    atualizado_em: Mapped[datetime] = mapped_column(server_default=text("now()"))


class ModeloEmail(Base):
    """The administradora's own wording of one event e-mail (``personalizacao``); absent = the app's."""

    __tablename__ = "modelos_email"

    tipo: Mapped[str] = mapped_column(String(64), primary_key=True)
    assunto: Mapped[str] = mapped_column(String(150))
    paragrafos: Mapped[list[str]] = mapped_column(JSONB)
    atualizado_em: Mapped[datetime] = mapped_column(server_default=text("now()"))
