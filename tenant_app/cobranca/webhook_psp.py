"""Registering the account's PIX webhook at its PSP (BCB Pix API ``PUT /webhook/{chave}``).

A new secret address is made and sent to the PSP first; only when the PSP took it (and answers it
back on ``GET /webhook/{chave}``) is its SHA-256 stored, so a refused or failed registration leaves
the address the PSP already has working. The PSP's client secret comes from the tenant's Vault path.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass

from tenant_app.cobranca import contas
from tenant_app.cobranca.cofre import CofrePsp
from tenant_app.cobranca.pix_dinamico import cliente_da_conta, erros_do_psp
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
    segredo = secrets.token_urlsafe(32)
    url = url_do_webhook(base_url, conta.id, segredo)
    cliente = await cliente_da_conta(conta, cofre)
    assert conta.psp and conta.chave_pix
    with erros_do_psp("o webhook"):
        async with cliente as c:
            await c.registrar_webhook(conta.chave_pix, url)
            confirmado = await c.consultar_webhook(conta.chave_pix) == url
    uow.auditar(
        "webhook_pix_registrado",
        "conta_cobranca",
        str(conta.id),
        None,
        {"psp": conta.psp, "chave_pix": conta.chave_pix, "confirmado": confirmado},
    )
    await contas.definir_segredo_webhook(uow, conta.id, segredo)
    return WebhookRegistrado(url, conta.psp, conta.chave_pix, confirmado)
