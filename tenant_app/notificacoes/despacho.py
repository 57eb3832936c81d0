"""The dispatcher: committed outbox rows → delivery rows (webhooks, e-mails) + the live channel.

One transaction per batch: the events are claimed ``FOR UPDATE SKIP LOCKED`` (several
workers never take the same ones), their deliveries inserted and the events marked
dispatched, then COMMIT. A crash before COMMIT leaves the events undispatched (taken
again by the next run); after it, the deliveries exist and have their own schedules.
The live (SSE) message is published before COMMIT: a browser may see an event twice
(same ``id``), never miss it — and a reconnect replays from the table (Last-Event-ID).
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import UTC, datetime
from typing import Any

from redis.asyncio import Redis
from sqlalchemy import insert, select

from tenant_app.consorciados.models import Consorciado
from tenant_app.eventos.models import EventoOutbox
from tenant_app.notificacoes.config import NotificacoesSettings
from tenant_app.notificacoes.email import modelos, modelos_salvos
from tenant_app.notificacoes.email.configuracao import carregar
from tenant_app.notificacoes.models import (
    CategoriaEmail,
    EmailMensagem,
    StatusEntrega,
    WebhookEndpoint,
    WebhookEntrega,
)
from tenant_app.settings import Settings
from tenant_app.unit_of_work import Actor, UnitOfWork

log = logging.getLogger("tenant_app.notificacoes")

ATOR = Actor(None, "notificacoes")


def canal_sse(settings: Settings) -> str:
    """The tenant's live channel (inside its Redis prefix: the ACL allows no other)."""
    return settings.redis.key("eventos", "sse")


def mensagem_sse(evento: EventoOutbox) -> str:
    return json.dumps(
        {
            "seq": evento.seq,
            "id": str(evento.id),
            "tipo": evento.tipo,
            "usuario_id": str(evento.usuario_id) if evento.usuario_id else None,
            "ocorrido_em": evento.ocorrido_em.isoformat(),
            "dados": evento.dados,
        },
        separators=(",", ":"),
    )


async def despachar_lote(
    uow: UnitOfWork,
    settings: Settings,
    nset: NotificacoesSettings,
    redis: Redis | None,
    lote: int = 500,
) -> tuple[int, int, int]:
    """Dispatch up to ``lote`` events; returns (events, webhook deliveries, e-mails) created."""
    session = uow.session
    eventos = list(
        (
            await session.scalars(
                select(EventoOutbox)
                .where(EventoOutbox.despachado_em.is_(None))
                .order_by(EventoOutbox.seq)
                .limit(lote)
                .with_for_update(skip_locked=True)
            )
        ).all()
    )
    if not eventos:
        await uow.rollback()
        return 0, 0, 0
    endpoints = list((await session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.ativo))).all())
    remetente = await carregar(session, nset)
    personalizados = await modelos_salvos.salvos(session)
    ids = {
        uuid.UUID(str(e.dados["consorciado_id"]))
        for e in eventos
        if e.tipo in modelos.MODELOS and e.dados.get("consorciado_id")
    }
    pessoas: dict[uuid.UUID, Consorciado] = {}
    if ids and remetente.emails_consorciados:
        pessoas = {
            c.id: c for c in (await session.scalars(select(Consorciado).where(Consorciado.id.in_(ids)))).all()
        }
    agora = datetime.now(UTC)
    entregas: list[dict[str, Any]] = []
    emails: list[dict[str, Any]] = []
    for evento in eventos:
        for ep in endpoints:
            if not ep.tipos or evento.tipo in ep.tipos:
                entregas.append(
                    {
                        "id": uuid.uuid4(),
                        "endpoint_id": ep.id,
                        "evento_id": evento.id,
                        "tipo": evento.tipo,
                        "status": StatusEntrega.PENDENTE,
                        "proxima_tentativa_em": agora,
                    }
                )
        pessoa = (
            pessoas.get(uuid.UUID(str(evento.dados["consorciado_id"])))
            if evento.dados.get("consorciado_id")
            else None
        )
        if pessoa is not None and pessoa.email and pessoa.anonimizado_em is None:
            email = modelos.para_evento(
                evento.tipo,
                evento.dados,
                administradora=remetente.administradora,
                nome=pessoa.nome,
                texto=modelos_salvos.texto(personalizados.get(evento.tipo)),
            )
            if email is not None:
                emails.append(
                    {
                        "id": uuid.uuid4(),
                        "evento_id": evento.id,
                        "consorciado_id": pessoa.id,
                        "categoria": CategoriaEmail.TRANSACIONAL,
                        "destinatario": pessoa.email,
                        "assunto": email.assunto,
                        "texto": email.texto,
                        "html": email.html,
                        "cabecalhos": {},
                        "status": StatusEntrega.PENDENTE,
                        "proxima_tentativa_em": agora,
                    }
                )
        evento.despachado_em = agora
    if entregas:
        await session.execute(insert(WebhookEntrega), entregas)
    if emails:
        await session.execute(insert(EmailMensagem), emails)
    await uow.flush()
    if redis is not None:
        try:
            canal = canal_sse(settings)
            async with redis.pipeline(transaction=False) as pipe:
                for evento in eventos:
                    pipe.publish(canal, mensagem_sse(evento))
                await pipe.execute()
        except Exception:  # Redis down: live clients catch up from the table on reconnect
            log.warning("could not publish %d events to the live channel", len(eventos), exc_info=True)
    await uow.commit()
    return len(eventos), len(entregas), len(emails)
