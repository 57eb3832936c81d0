"""PIX: the PSP's webhook (public route, authenticated by the secret in its path) and its configuration."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, post, put
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from tenant_app.cobranca import contas, pix_recebimento, tarefas, webhook_host, webhook_psp
from tenant_app.cobranca.controller.comum import CONFIGURAR, cofre_do_app
from tenant_app.cobranca.webhook_psp import CAMINHO_WEBHOOK
from tenant_app.erros import NaoEncontrado
from tenant_app.unit_of_work import UnitOfWork


class PixIn(msgspec.Struct, rename="camel"):
    """One PIX as the BCB Pix API's webhook notifies it (``endToEndId``, ``txid``, ``valor``, ``horario``)."""

    end_to_end_id: Annotated[str, msgspec.Meta(min_length=32, max_length=32, pattern=r"^[A-Za-z0-9]+$")]
    valor: Annotated[str, msgspec.Meta(pattern=r"^[0-9]{1,10}\.[0-9]{2}$")]
    horario: datetime
    txid: Annotated[str, msgspec.Meta(max_length=35)] | None = None
    info_pagador: Annotated[str, msgspec.Meta(max_length=140)] | None = None


class WebhookPixIn(msgspec.Struct):
    """The webhook's body: ``{"pix": [...]}``."""

    pix: Annotated[list[PixIn], msgspec.Meta(max_length=1000)]


class WebhookConfigOut(msgspec.Struct, kw_only=True):
    #: The URL to register at the PSP (``PUT /webhook/{chave}`` of the BCB Pix API); the PSP posts to
    #: it with ``/pix`` appended. Shown once: only its SHA-256 is kept.
    webhook_url: str


class WebhookPspOut(msgspec.Struct, kw_only=True):
    """The webhook as registered at the account's PSP."""

    #: The address the PSP now posts to (with ``/pix`` appended); the previous one stops working.
    webhook_url: str
    psp: str
    chave_pix: str
    #: The PSP answered this address back on ``GET /webhook/{chave}``.
    confirmado: bool


def _base_url(request: Request[Any, Any, Any]) -> str:
    settings = request.app.state.settings
    return str(settings.app_base_url or request.base_url).rstrip("/")


def _base_do_webhook(request: Request[Any, Any, Any]) -> str:
    return webhook_host.base_do_webhook(request.app.state.settings, _base_url(request))


def celery_do_tenant(state: State) -> Any:
    app = state.get("celery")
    if app is None:
        from tenant_app.worker import create_celery

        app = create_celery(state.settings)
        state.celery = app
    return app


class PixController(Controller):
    tags = ["cobrança"]  # noqa: RUF012

    @post(
        CAMINHO_WEBHOOK + "/{conta_id:uuid}/{segredo:str}/pix",
        operation_id="pixWebhook",
        summary="Webhook PIX do PSP (BCB Pix API)",
        status_code=200,
        exclude_from_auth=True,
        security=[],
    )
    async def webhook(
        self,
        conta_id: FromPath[uuid.UUID],
        segredo: FromPath[str],
        data: JSONBody[WebhookPixIn],
        uow: NamedDependency[UnitOfWork],
        request: Request[Any, Any, Any],
    ) -> dict[str, int]:
        """Called by the PSP (mTLS at the ingress) when PIX arrive: the secret in the path must match
        the account's (else 404). Each PIX is stored once (``endToEndId``) and the answer goes back at
        once; a Celery task settles them (título by ``txid``, forma ``pix``, the PIX's date in
        Brasília; anything that does not fit goes to the valores a identificar)."""
        if not webhook_host.host_aceito(request.app.state.settings, request.headers.get("host")):
            raise NaoEncontrado("Webhook")  # only on the mTLS host when there is one (issue 15)
        notificados = [
            pix_recebimento.PixNotificado(p.end_to_end_id, p.txid, Decimal(p.valor), p.horario)
            for p in data.pix
        ]
        novos = await pix_recebimento.receber(uow, conta_id, segredo, notificados)
        if novos:
            tarefas.enfileirar(celery_do_tenant(request.app.state))
        return {"recebidos": len(data.pix), "novos": len(novos)}

    @post(
        "/api/cobranca/contas/{conta_id:uuid}/webhook-pix",
        operation_id="rotatePixWebhook",
        summary="Gerar (ou trocar) o endereço do webhook PIX",
        guards=CONFIGURAR,
        status_code=201,
    )
    async def gerar_webhook(
        self, conta_id: FromPath[uuid.UUID], uow: NamedDependency[UnitOfWork], request: Request[Any, Any, Any]
    ) -> WebhookConfigOut:
        """A new secret webhook address for the account (the previous one stops working): register it at
        the PSP. The secret is shown only in this answer."""
        segredo = secrets.token_urlsafe(32)
        await contas.definir_segredo_webhook(uow, conta_id, segredo)
        return WebhookConfigOut(
            webhook_url=webhook_psp.url_do_webhook(_base_do_webhook(request), conta_id, segredo)
        )

    @put(
        "/api/cobranca/contas/{conta_id:uuid}/webhook-pix/psp",
        operation_id="registerPixWebhookAtPsp",
        summary="Registrar o webhook PIX no PSP",
        guards=CONFIGURAR,
        status_code=200,
    )
    async def registrar_no_psp(
        self, conta_id: FromPath[uuid.UUID], uow: NamedDependency[UnitOfWork], request: Request[Any, Any, Any]
    ) -> WebhookPspOut:
        """Make a new secret webhook address for the account and register it at the account's PSP with
        the BCB Pix API (``PUT /webhook/{chave}``, the account's chave PIX), authenticated with the PSP
        client secret kept in the tenant's Vault. The new address is stored only after the PSP accepted
        it, so a failure leaves the current one working. 422 ``psp_nao_configurado`` (no PSP on the
        account, or its secret not in Vault), 422 ``psp_recusou`` (the PSP refused; its reason in
        ``detail``), 503 ``psp_indisponivel`` (PSP down or failing) or ``cofre_indisponivel``."""
        r = await webhook_psp.registrar_no_psp(
            uow, conta_id, cofre_do_app(request.app.state), _base_do_webhook(request)
        )
        return WebhookPspOut(
            webhook_url=r.webhook_url, psp=r.psp, chave_pix=r.chave_pix, confirmado=r.confirmado
        )
