"""The demo tenant's notifications: a sender, a webhook endpoint on the devstack receiver, and the
seeded history kept quiet (its events are marked dispatched: only what you do afterwards is sent)."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from sqlalchemy import select, update

from tenant_app.eventos.models import EventoOutbox
from tenant_app.notificacoes.config import NotificacoesSettings
from tenant_app.notificacoes.email.configuracao import ID_UNICO
from tenant_app.notificacoes.models import ConfiguracaoNotificacoes, WebhookEndpoint
from tenant_app.notificacoes.webhooks.service import criar_endpoint
from tenant_app.unit_of_work import UnitOfWork


async def preparar_demo(uow: UnitOfWork, *, silenciar_historico: bool, webhook_url: str | None = None) -> str:
    """Idempotent; returns a summary line. ``webhook_url`` defaults to ``DEMO_WEBHOOK_URL``.
    ``silenciar_historico`` right after seeding only (later, pending events are real ones)."""
    webhook_url = webhook_url or os.environ.get("DEMO_WEBHOOK_URL")
    session = uow.session
    if silenciar_historico:
        await session.execute(
            update(EventoOutbox)
            .where(EventoOutbox.despachado_em.is_(None))
            .values(despachado_em=datetime.now(UTC))
        )
    if await session.get(ConfiguracaoNotificacoes, ID_UNICO) is None:
        uow.add(
            ConfiguracaoNotificacoes(
                id=ID_UNICO,
                nome_administradora="Consórcio Demonstração",
                remetente_nome="Consórcio Demonstração",
                remetente_email="avisos@demo.example",
                responder_para="atendimento@demo.example",
                emails_consorciados=True,
                dias_aviso_vencimento=3,
            )
        )
    await uow.commit()
    if not webhook_url:
        return "; notifications: no DEMO_WEBHOOK_URL"
    if (await session.execute(select(WebhookEndpoint.id).where(WebhookEndpoint.url == webhook_url))).first():
        return f"; webhook endpoint {webhook_url} already present"
    nset = NotificacoesSettings.from_env()
    await criar_endpoint(uow, nset, webhook_url, "Receptor local do devstack", [])
    return f"; webhook endpoint {webhook_url} (all event types)"
