"""The PIX webhook of a billing account, from Configurações in Chromium.

Registering at the PSP needs the PSP's client secret in the tenant's Vault; this UI tenant has
no Vault, so the screen shows the API's refusal and keeps nothing (the registration itself is
tested against the local PSP and the real Vault in tests/integration/tenant_app/cobranca/
test_cobranca_psp.py). The address for manual registration is shown once, and a notification
posted to it is accepted.
"""

from __future__ import annotations

import uuid

import pytest

from tests.integration.tenant_app.cobranca.apoio import CONTA_BB
from tests.integration.tenant_app.factories import make_running_grupo
from tests.support.tenant_app_fixtures import Tenant
from tests.support.tenant_app_ui_fixtures import Tela

pytestmark = pytest.mark.e2e


async def test_admin_gera_o_webhook_pix_da_conta(logado, ui_tenant: Tenant) -> None:
    grupo, _ = await make_running_grupo(ui_tenant, cotas=1)
    conta_numero = str(50000 + uuid.uuid4().int % 40000)
    r = await ui_tenant.client.post(
        "/api/cobranca/contas/",
        json={
            **CONTA_BB,
            "grupo_id": grupo["id"],
            "convenio": "7654399",
            "conta": conta_numero,
            "psp": "bcb-token-na-raiz",
            "psp_url": "https://psp.invalid",
            "psp_client_id": "cliente",
        },
        headers=ui_tenant.auth(),
    )
    assert r.status_code == 201, r.text

    admin: Tela = await logado("admin")
    page = admin.page
    await admin.ir("/app/configuracoes")
    linha = page.locator(f"tr.conta:has-text('{conta_numero}')")
    await linha.locator("summary").click()
    await linha.locator("button:has-text('Registrar o webhook PIX no PSP')").click()
    await page.wait_for_load_state("domcontentloaded")
    alerta = await page.inner_text("[role=alert]")
    assert "Vault" in alerta, alerta  # no Vault for this tenant: refused, and the screen says why
    assert await page.locator("#webhook-pix").count() == 0

    linha = page.locator(f"tr.conta:has-text('{conta_numero}')")
    if not await linha.locator("details[open]").count():
        await linha.locator("summary").click()
    await linha.locator("button:has-text('Gerar endereço para cadastro manual')").click()
    await page.locator("#webhook-pix").wait_for()
    url = (await page.inner_text("#webhook-pix code.segredo")).strip()
    await admin.conferir("105-configuracoes-webhook-pix")
    await admin.ir("/app/configuracoes")
    assert url not in await page.content()  # shown once

    caminho = "/" + url.split("://", 1)[1].split("/", 1)[1] + "/pix"
    notificacao = {
        "pix": [
            {
                "endToEndId": ("E" + uuid.uuid4().hex)[:32],
                "txid": uuid.uuid4().hex[:30],
                "valor": "10.00",
                "horario": "2026-12-07T10:00:00Z",
            }
        ]
    }
    resposta = await ui_tenant.client.post(caminho, json=notificacao)
    assert resposta.status_code in (200, 201) and resposta.json()["recebidos"] == 1, resposta.text
    forjado = await ui_tenant.client.post(caminho.replace("/pix", "x/pix"), json=notificacao)
    assert forjado.status_code in (401, 403, 404)
