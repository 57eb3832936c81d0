"""Webhook endpoints of the tenant: register, change, rotate the secret, list deliveries, replay."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.erros import ConflitoError, NaoEncontrado, RegraVioladaError
from tenant_app.eventos.tipos import TIPOS
from tenant_app.http.pagination import PageParams, paginate
from tenant_app.notificacoes.config import NotificacoesSettings
from tenant_app.notificacoes.models import (
    StatusEntrega,
    WebhookEndpoint,
    WebhookEntrega,
    WebhookSegredo,
    WebhookTentativa,
)
from tenant_app.notificacoes.webhooks import assinatura, cifra
from tenant_app.notificacoes.webhooks.cofre import CofreWebhooks
from tenant_app.notificacoes.webhooks.ssrf import DestinoProibido, analisar_url, resolver
from tenant_app.unit_of_work import UnitOfWork


async def validar_url(url: str, nset: NotificacoesSettings) -> str:
    """Scheme and address rules now (the delivery checks the address again at connect time)."""
    if len(url) > 2000:
        raise RegraVioladaError("A URL tem mais de 2000 caracteres.", campo="url", code="url_proibida")
    try:
        await resolver(analisar_url(url, producao=nset.producao), producao=nset.producao)
    except DestinoProibido as err:
        raise RegraVioladaError(str(err), campo="url", code="url_proibida") from None
    return url


def validar_tipos(tipos: list[str]) -> list[str]:
    desconhecidos = [t for t in tipos if t not in TIPOS]
    if desconhecidos:
        raise RegraVioladaError(
            f"Tipo de evento desconhecido: {desconhecidos[0]}. Válidos: {', '.join(TIPOS)}.", campo="tipos"
        )
    return sorted(set(tipos))


async def get_endpoint(
    session: AsyncSession, endpoint_id: uuid.UUID, *, lock: bool = False
) -> WebhookEndpoint:
    stmt = select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id)
    if lock:
        stmt = stmt.with_for_update()
    found = (await session.scalars(stmt)).first()
    if found is None:
        raise NaoEncontrado("Endpoint de webhook")
    return found


async def _novo_segredo(
    uow: UnitOfWork, nset: NotificacoesSettings, cofre: CofreWebhooks | None, endpoint_id: uuid.UUID
) -> str:
    """A new signing secret: written to the tenant's Vault path (the row keeps only its id), or
    encrypted in the row where this process has no Vault (moved there later, cofre.py)."""
    segredo, segredo_id = assinatura.novo_segredo(), uuid.uuid4()
    if cofre is not None:
        # Before the row commits: a Vault failure is a 503 and nothing is recorded.
        await cofre.guardar({segredo_id: segredo})
    uow.add(
        WebhookSegredo(
            id=segredo_id,
            endpoint_id=endpoint_id,
            segredo_cifrado=None if cofre is not None else cifra.cifrar(nset.chave, segredo),
        )
    )
    return segredo


async def criar_endpoint(
    uow: UnitOfWork,
    nset: NotificacoesSettings,
    url: str,
    descricao: str | None,
    tipos: list[str],
    cofre: CofreWebhooks | None = None,
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its first secret (returned in clear once)."""
    endpoint = WebhookEndpoint(
        id=uuid.uuid4(),
        url=await validar_url(url, nset),
        descricao=descricao,
        tipos=validar_tipos(tipos),
        ativo=True,
        falhas_consecutivas=0,
    )
    uow.add(endpoint)
    await uow.flush()
    segredo = await _novo_segredo(uow, nset, cofre, endpoint.id)
    await uow.commit()
    return endpoint, segredo


async def alterar_endpoint(
    uow: UnitOfWork,
    nset: NotificacoesSettings,
    endpoint_id: uuid.UUID,
    *,
    url: str | None,
    descricao: str | None,
    tipos: list[str] | None,
    ativo: bool | None,
) -> WebhookEndpoint:
    endpoint = await get_endpoint(uow.session, endpoint_id, lock=True)
    uow.track(endpoint)
    if url is not None:
        endpoint.url = await validar_url(url, nset)
    if descricao is not None:
        endpoint.descricao = descricao
    if tipos is not None:
        endpoint.tipos = validar_tipos(tipos)
    if ativo is not None and ativo != endpoint.ativo:
        endpoint.ativo = ativo
        if ativo:  # enabled again: a fresh streak
            endpoint.desativado_em = None
            endpoint.motivo_desativacao = None
            endpoint.falhas_consecutivas = 0
            endpoint.falhando_desde = None
        else:
            endpoint.desativado_em = datetime.now(UTC)
            endpoint.motivo_desativacao = "desativado pelo usuário"
    await uow.commit()
    return endpoint


async def excluir_endpoint(uow: UnitOfWork, endpoint_id: uuid.UUID) -> None:
    endpoint = await get_endpoint(uow.session, endpoint_id, lock=True)
    await uow.delete(endpoint)
    await uow.commit()


async def rotacionar(
    uow: UnitOfWork,
    nset: NotificacoesSettings,
    endpoint_id: uuid.UUID,
    sobreposicao_horas: int,
    cofre: CofreWebhooks | None = None,
) -> tuple[str, datetime]:
    """A new secret; the current ones keep signing for ``sobreposicao_horas`` (both signatures sent)."""
    if not 0 <= sobreposicao_horas <= 168:
        raise RegraVioladaError("A sobreposição vai de 0 a 168 horas.", campo="sobreposicao_horas")
    endpoint = await get_endpoint(uow.session, endpoint_id, lock=True)
    agora = datetime.now(UTC)
    expira = agora + timedelta(hours=sobreposicao_horas)
    await uow.session.execute(
        update(WebhookSegredo)
        .where(
            WebhookSegredo.endpoint_id == endpoint.id,
            (WebhookSegredo.expira_em.is_(None)) | (WebhookSegredo.expira_em > expira),
        )
        .values(expira_em=expira)
        .execution_options(synchronize_session=False)
    )
    uow.auditar(
        "rotacao_segredo",
        "webhook_endpoints",
        str(endpoint.id),
        depois={"anteriores_expiram_em": expira.isoformat()},
    )
    segredo = await _novo_segredo(uow, nset, cofre, endpoint.id)
    await uow.commit()
    return segredo, expira


def consulta_entregas(endpoint_id: uuid.UUID | None, status: StatusEntrega | None) -> Select[Any]:
    stmt = select(WebhookEntrega).order_by(WebhookEntrega.criado_em.desc(), WebhookEntrega.id)
    if endpoint_id is not None:
        stmt = stmt.where(WebhookEntrega.endpoint_id == endpoint_id)
    if status is not None:
        stmt = stmt.where(WebhookEntrega.status == status)
    return stmt


async def listar_entregas(
    session: AsyncSession, page: PageParams, endpoint_id: uuid.UUID | None, status: StatusEntrega | None
) -> tuple[list[WebhookEntrega], int]:
    return await paginate(session, consulta_entregas(endpoint_id, status), page)


async def detalhe_entrega(
    session: AsyncSession, entrega_id: uuid.UUID
) -> tuple[WebhookEntrega, list[WebhookTentativa]]:
    entrega = await session.get(WebhookEntrega, entrega_id)
    if entrega is None:
        raise NaoEncontrado("Entrega de webhook")
    log = (
        await session.scalars(
            select(WebhookTentativa)
            .where(WebhookTentativa.entrega_id == entrega_id)
            .order_by(WebhookTentativa.numero)
        )
    ).all()
    return entrega, list(log)


async def reenviar(uow: UnitOfWork, entrega_id: uuid.UUID) -> WebhookEntrega:
    """Replay a dead-lettered (or delivered) delivery: a fresh schedule from now, same webhook-id."""
    entrega = (
        await uow.session.scalars(
            select(WebhookEntrega).where(WebhookEntrega.id == entrega_id).with_for_update()
        )
    ).first()
    if entrega is None:
        raise NaoEncontrado("Entrega de webhook")
    if entrega.status is StatusEntrega.PENDENTE:
        raise ConflitoError(
            "A entrega ainda está pendente; ela será tentada de novo.", code="entrega_pendente"
        )
    endpoint = await get_endpoint(uow.session, entrega.endpoint_id)
    if not endpoint.ativo:
        raise ConflitoError("Reative o endpoint antes de reenviar.", code="endpoint_inativo")
    entrega.status = StatusEntrega.PENDENTE
    entrega.tentativas = 0
    entrega.proxima_tentativa_em = datetime.now(UTC)
    uow.auditar("reenvio", "webhook_entregas", str(entrega.id))
    await uow.commit()
    return entrega


async def reenviar_falhas(uow: UnitOfWork, endpoint_id: uuid.UUID) -> int:
    """Replay the whole dead-letter list of an endpoint."""
    endpoint = await get_endpoint(uow.session, endpoint_id)
    if not endpoint.ativo:
        raise ConflitoError("Reative o endpoint antes de reenviar.", code="endpoint_inativo")
    result = await uow.session.execute(
        update(WebhookEntrega)
        .where(WebhookEntrega.endpoint_id == endpoint_id, WebhookEntrega.status == StatusEntrega.FALHOU)
        .values(status=StatusEntrega.PENDENTE, tentativas=0, proxima_tentativa_em=datetime.now(UTC))
        .execution_options(synchronize_session=False)
    )
    n = int(result.rowcount or 0)  # type: ignore[attr-defined]
    uow.auditar("reenvio_falhas", "webhook_endpoints", str(endpoint_id), depois={"entregas": n})
    await uow.commit()
    return n
