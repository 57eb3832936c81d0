"""Registering the account's PIX webhook at its PSP (BCB Pix API ``PUT /webhook/{chave}``).

A new secret address is made and sent to the PSP first; only when the PSP took it (and answers it
back on ``GET /webhook/{chave}``) is its SHA-256 stored, so a refused or failed registration leaves
the address the PSP already has working. The PSP's client secret comes from the tenant's Vault path.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass

import httpx

from tenant_app.cobranca import contas
from tenant_app.cobranca.cofre import CofreIndisponivel, CofrePsp
from tenant_app.cobranca.pix_dinamico import usa_psp
from tenant_app.cobranca.psp import CredenciaisPsp, ErroPsp, cliente_para
from tenant_app.erros import IndisponivelError, NaoEncontrado, RegraVioladaError
from tenant_app.unit_of_work import UnitOfWork

#: Where the PSP posts (``<webhookUrl>/pix``): ``<base>/api/cobranca/pix/webhook/<conta>/<segredo>``.
CAMINHO_WEBHOOK = "/api/cobranca/pix/webhook"


@dataclass(frozen=True)
class WebhookRegistrado:
    webhook_url: str
    psp: str
    chave_pix: str
    #: The PSP answered the new address back on ``GET /webhook/{chave}``.
    confirmado: bool


def url_do_webhook(base_url: str, conta_id: uuid.UUID, segredo: str) -> str:
    return f"{base_url.rstrip('/')}{CAMINHO_WEBHOOK}/{conta_id}/{segredo}"


async def registrar_no_psp(
    uow: UnitOfWork, conta_id: uuid.UUID, cofre: CofrePsp | None, base_url: str
) -> WebhookRegistrado:
    conta = await contas.obter_conta(uow, conta_id)
    if not usa_psp(conta):
        raise RegraVioladaError(
            "A conta não tem PSP configurado: informe psp, psp_url, psp_client_id e chave_pix.",
            campo="psp",
            code="psp_nao_configurado",
        )
    assert conta.psp and conta.psp_url and conta.psp_client_id and conta.chave_pix
    if cofre is None:
        raise CofreIndisponivel("Este tenant não tem acesso ao Vault configurado (VAULT_ADDR).")
    try:
        segredo_psp = await cofre.ler(conta.id)
    except NaoEncontrado:
        raise RegraVioladaError(
            "O segredo do PSP desta conta não está no Vault: guarde-o em PUT "
            f"/api/cobranca/contas/{conta.id}/psp-segredo.",
            campo="client_secret",
            code="psp_nao_configurado",
        ) from None
    segredo = secrets.token_urlsafe(32)
    url = url_do_webhook(base_url, conta.id, segredo)
    try:
        async with cliente_para(
            conta.psp, CredenciaisPsp(conta.psp_url, conta.psp_client_id, segredo_psp)
        ) as c:
            await c.registrar_webhook(conta.chave_pix, url)
            confirmado = await c.consultar_webhook(conta.chave_pix) == url
    except ErroPsp as erro:
        if erro.status >= 500:
            raise IndisponivelError(
                f"O PSP falhou ao registrar o webhook ({erro.status}); tente de novo.",
                code="psp_indisponivel",
            ) from None
        raise RegraVioladaError(
            f"O PSP recusou o webhook: {erro.tipo or erro.status} — {erro.detalhe}"[:500], code="psp_recusou"
        ) from None
    except (httpx.HTTPError, ValueError) as erro:
        raise IndisponivelError(
            f"O PSP não respondeu ({type(erro).__name__}); nada foi alterado.", code="psp_indisponivel"
        ) from None
    uow.auditar(
        "webhook_pix_registrado",
        "conta_cobranca",
        str(conta.id),
        None,
        {"psp": conta.psp, "chave_pix": conta.chave_pix, "confirmado": confirmado},
    )
    await contas.definir_segredo_webhook(uow, conta.id, segredo)
    return WebhookRegistrado(url, conta.psp, conta.chave_pix, confirmado)
