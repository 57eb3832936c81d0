"""Automatic disable of an endpoint that keeps failing, with an e-mail to the administradora."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from tenant_app.notificacoes.config import NotificacoesSettings
from tenant_app.notificacoes.email import modelos
from tenant_app.notificacoes.email.configuracao import carregar
from tenant_app.notificacoes.models import (
    CategoriaEmail,
    EmailMensagem,
    StatusEntrega,
    WebhookEndpoint,
    WebhookEntrega,
)
from tenant_app.unit_of_work import UnitOfWork
from tenant_app.users.models import User
from tenant_app.users.roles import Role

MOTIVO = "falhas persistentes"


async def destinatarios_alerta(uow: UnitOfWork, email_alertas: str | None) -> list[str]:
    """The configured alert address, else every active admin."""
    if email_alertas:
        return [email_alertas]
    return list(
        (await uow.session.scalars(select(User.email).where(User.role == Role.ADMIN, User.active))).all()
    )


async def desativar_persistentes(
    uow: UnitOfWork, nset: NotificacoesSettings, endpoint_ids: set[uuid.UUID]
) -> list[uuid.UUID]:
    """Disable those of ``endpoint_ids`` past both thresholds; their pending deliveries go to the
    dead-letter list (replayable once the endpoint is enabled again). Returns the ids disabled."""
    if not endpoint_ids:
        return []
    agora = datetime.now(UTC)
    limite = agora - timedelta(hours=nset.desativar_apos_horas)
    alvos = list(
        (
            await uow.session.scalars(
                select(WebhookEndpoint)
                .where(
                    WebhookEndpoint.id.in_(endpoint_ids),
                    WebhookEndpoint.ativo,
                    WebhookEndpoint.falhas_consecutivas >= nset.desativar_apos_falhas,
                    WebhookEndpoint.falhando_desde <= limite,
                )
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        ).all()
    )
    if not alvos:
        return []
    remetente = await carregar(uow.session, nset)
    para = await destinatarios_alerta(uow, remetente.email_alertas)
    for ep in alvos:
        uow.track(ep)
        ep.ativo = False
        ep.desativado_em = agora
        ep.motivo_desativacao = MOTIVO
        await uow.session.execute(
            update(WebhookEntrega)
            .where(WebhookEntrega.endpoint_id == ep.id, WebhookEntrega.status == StatusEntrega.PENDENTE)
            .values(status=StatusEntrega.FALHOU, ultimo_erro="endpoint desativado")
            .execution_options(synchronize_session=False)
        )
        email = modelos.montar(
            "Webhook desativado por falhas persistentes",
            [
                f"O endpoint de webhook {ep.url} foi desativado automaticamente após "
                f"{ep.falhas_consecutivas} tentativas de entrega sem sucesso desde "
                f"{ep.falhando_desde:%d/%m/%Y %H:%M} (UTC)."
                if ep.falhando_desde
                else "",
                "As entregas pendentes foram para a lista de falhas. Corrija o receptor, reative o "
                "endpoint (PATCH /api/webhooks/endpoints/{id} com ativo=true) e reenvie as falhas.",
            ],
            administradora=remetente.administradora,
            nome=None,
        )
        for destinatario in para:
            uow.session.add(
                EmailMensagem(
                    id=uuid.uuid4(),
                    categoria=CategoriaEmail.INTERNO,
                    destinatario=destinatario,
                    assunto=email.assunto,
                    texto=email.texto,
                    html=email.html,
                    cabecalhos={},
                    status=StatusEntrega.PENDENTE,
                    proxima_tentativa_em=agora,
                )
            )
    return [ep.id for ep in alvos]
