"""``/api/webhooks``: endpoints, secrets, the delivery log and replays (admins: ``integracoes:manage``)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Controller, Request, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from tenant_app.eventos.tipos import TIPOS
from tenant_app.http.pagination import PAGE_DEPENDENCY, PageParams, Pagina
from tenant_app.notificacoes.config import NotificacoesSettings
from tenant_app.notificacoes.models import StatusEntrega, WebhookEndpoint, WebhookEntrega
from tenant_app.notificacoes.webhooks import service
from tenant_app.notificacoes.webhooks.cofre import CofreWebhooks, cofre_do_ambiente
from tenant_app.notificacoes.webhooks.schemas import (
    EndpointCriadoOut,
    EndpointIn,
    EndpointOut,
    EndpointPatch,
    EntregaDetalheOut,
    EntregaOut,
    RotacaoIn,
    RotacaoOut,
    TentativaOut,
)
from tenant_app.unit_of_work import UnitOfWork
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission


def _nset(request: Request[Any, Any, Any]) -> NotificacoesSettings:
    return NotificacoesSettings.of(request.app.state.settings)


def _cofre(request: Request[Any, Any, Any]) -> CofreWebhooks | None:
    """The tenant's Vault for the signing secrets (VAULT_* as the operator sets them; tests set the state)."""
    state = request.app.state
    if "cofre_webhooks" not in state:
        state.cofre_webhooks = cofre_do_ambiente()
    cofre: CofreWebhooks | None = state.cofre_webhooks
    return cofre


def _out(e: WebhookEndpoint) -> dict[str, Any]:
    return {
        "id": e.id,
        "url": e.url,
        "descricao": e.descricao,
        "tipos": list(e.tipos or []),
        "ativo": e.ativo,
        "desativado_em": e.desativado_em,
        "motivo_desativacao": e.motivo_desativacao,
        "falhas_consecutivas": e.falhas_consecutivas,
        "ultimo_sucesso_em": e.ultimo_sucesso_em,
        "criado_em": e.created_at,
    }


def _entrega(e: WebhookEntrega) -> dict[str, Any]:
    return {
        "id": e.id,
        "endpoint_id": e.endpoint_id,
        "evento_id": e.evento_id,
        "tipo": e.tipo,
        "status": e.status.value,
        "tentativas": e.tentativas,
        "proxima_tentativa_em": e.proxima_tentativa_em if e.status is StatusEntrega.PENDENTE else None,
        "ultimo_status_http": e.ultimo_status_http,
        "ultimo_erro": e.ultimo_erro,
        "entregue_em": e.entregue_em,
        "criado_em": e.criado_em,
    }


class WebhookController(Controller):
    """Webhooks signed as in the Standard Webhooks specification (webhook-id, -timestamp, -signature)."""

    path = "/api/webhooks"
    tags = ["webhooks"]  # noqa: RUF012
    guards = [requires(Permission.INTEGRACOES_MANAGE)]  # noqa: RUF012
    dependencies = PAGE_DEPENDENCY

    @get("/tipos", operation_id="listWebhookEventTypes")
    async def tipos(self) -> list[str]:
        """The event types an endpoint may subscribe to."""
        return list(TIPOS)

    @post("/endpoints", operation_id="createWebhookEndpoint", status_code=201)
    async def criar(
        self, request: Request[Any, Any, Any], data: JSONBody[EndpointIn], uow: NamedDependency[UnitOfWork]
    ) -> EndpointCriadoOut:
        """Register an endpoint. The answer carries its secret (``whsec_...``) — the only time it is shown;
        it is kept in the tenant's Vault (503 ``cofre_indisponivel`` when Vault does not answer)."""
        endpoint, segredo = await service.criar_endpoint(
            uow, _nset(request), data.url, data.descricao, data.tipos, _cofre(request)
        )
        return EndpointCriadoOut(**_out(endpoint), segredo=segredo)

    @get("/endpoints", operation_id="listWebhookEndpoints")
    async def listar(self, uow: NamedDependency[UnitOfWork]) -> list[EndpointOut]:
        from sqlalchemy import select

        rows = (await uow.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.created_at))).all()
        return [EndpointOut(**_out(e)) for e in rows]

    @get("/endpoints/{endpoint_id:uuid}", operation_id="getWebhookEndpoint")
    async def obter(self, endpoint_id: FromPath[uuid.UUID], uow: NamedDependency[UnitOfWork]) -> EndpointOut:
        return EndpointOut(**_out(await service.get_endpoint(uow.session, endpoint_id)))

    @patch("/endpoints/{endpoint_id:uuid}", operation_id="updateWebhookEndpoint")
    async def alterar(
        self,
        request: Request[Any, Any, Any],
        endpoint_id: FromPath[uuid.UUID],
        data: JSONBody[EndpointPatch],
        uow: NamedDependency[UnitOfWork],
    ) -> EndpointOut:
        """Change URL, description, types; ``ativo: true`` re-enables an endpoint disabled after failures."""
        e = await service.alterar_endpoint(
            uow,
            _nset(request),
            endpoint_id,
            url=data.url,
            descricao=data.descricao,
            tipos=data.tipos,
            ativo=data.ativo,
        )
        return EndpointOut(**_out(e))

    @delete("/endpoints/{endpoint_id:uuid}", operation_id="deleteWebhookEndpoint", status_code=204)
    async def excluir(self, endpoint_id: FromPath[uuid.UUID], uow: NamedDependency[UnitOfWork]) -> None:
        await service.excluir_endpoint(uow, endpoint_id)

    @post("/endpoints/{endpoint_id:uuid}/rotacao", operation_id="rotateWebhookSecret", status_code=200)
    async def rotacionar(
        self,
        request: Request[Any, Any, Any],
        endpoint_id: FromPath[uuid.UUID],
        data: JSONBody[RotacaoIn],
        uow: NamedDependency[UnitOfWork],
    ) -> RotacaoOut:
        """New secret; the previous ones also sign (a second ``v1,``) until ``anteriores_expiram_em``."""
        segredo, expira = await service.rotacionar(
            uow, _nset(request), endpoint_id, data.sobreposicao_horas, _cofre(request)
        )
        return RotacaoOut(segredo=segredo, anteriores_expiram_em=expira)

    @post("/endpoints/{endpoint_id:uuid}/reenvio", operation_id="replayWebhookDeadLetters", status_code=200)
    async def reenviar_falhas(
        self, endpoint_id: FromPath[uuid.UUID], uow: NamedDependency[UnitOfWork]
    ) -> dict[str, int]:
        """Replay every failed (dead-lettered) delivery of the endpoint."""
        return {"reenviadas": await service.reenviar_falhas(uow, endpoint_id)}

    @get("/entregas", operation_id="listWebhookDeliveries")
    async def entregas(
        self,
        uow: NamedDependency[UnitOfWork],
        page: NamedDependency[PageParams],
        endpoint_id: Annotated[uuid.UUID | None, QueryParameter(name="endpoint_id")] = None,
        status: Annotated[StatusEntrega | None, QueryParameter(name="status")] = None,
    ) -> Pagina[EntregaOut]:
        """The delivery log; ``status=falhou`` is the dead-letter list."""
        rows, total = await service.listar_entregas(uow.session, page, endpoint_id, status)
        return Pagina(
            items=[EntregaOut(**_entrega(e)) for e in rows], total=total, limit=page.limit, offset=page.offset
        )

    @get("/entregas/{entrega_id:uuid}", operation_id="getWebhookDelivery")
    async def entrega(
        self, entrega_id: FromPath[uuid.UUID], uow: NamedDependency[UnitOfWork]
    ) -> EntregaDetalheOut:
        """One delivery with every attempt (status code or network error, duration)."""
        e, log = await service.detalhe_entrega(uow.session, entrega_id)
        return EntregaDetalheOut(
            **_entrega(e),
            log=[
                TentativaOut(
                    numero=t.numero, em=t.em, status_http=t.status_http, erro=t.erro, duracao_ms=t.duracao_ms
                )
                for t in log
            ],
        )

    @post("/entregas/{entrega_id:uuid}/reenvio", operation_id="replayWebhookDelivery", status_code=200)
    async def reenviar(self, entrega_id: FromPath[uuid.UUID], uow: NamedDependency[UnitOfWork]) -> EntregaOut:
        """Replay one delivery now (same ``webhook-id``: receivers deduplicate)."""
        return EntregaOut(**_entrega(await service.reenviar(uow, entrega_id)))
