"""An admin registers an integration in Chromium and the key it shows is what the API accepts.

The key is shown once; it acts within its profile and the permissions ticked (reading payments,
not recording them); a rotation with no overlap stops the old key at once; revoking the client
stops the new one. Every step goes through the screens; the API calls only check the effect.
"""

from __future__ import annotations

import uuid

import pytest

from tests.support.tenant_app_fixtures import Tenant
from tests.support.tenant_app_ui_fixtures import Tela

pytestmark = pytest.mark.e2e


async def _status(t: Tenant, chave: str, metodo: str = "GET", caminho: str = "/api/pagamentos") -> int:
    r = await t.client.request(metodo, caminho, headers={"Authorization": f"Bearer {chave}"}, json=None)
    return r.status_code


async def test_admin_cadastra_rotaciona_e_revoga_uma_integracao(logado, ui_tenant: Tenant) -> None:
    nome = f"ERP Financeiro {uuid.uuid4().hex[:6]}"
    admin: Tela = await logado("admin")
    page = admin.page
    await admin.ir("/app/")
    await page.click("nav a:has-text('Integrações')")
    await admin.conferir("100-integracoes")

    await page.click("#form-integracao button[type=submit]")  # no name: refused next to the field
    await page.wait_for_load_state("domcontentloaded")
    assert await page.locator("#e-nome").count() == 1

    await page.fill("#c-nome", nome)
    await page.select_option("#c-perfil", "financeiro")
    await page.check("input[name=permissoes][value='pagamentos:read']")
    await page.click("#form-integracao button[type=submit]")
    await page.locator("#chave-nova").wait_for()
    primeira = (await page.inner_text("#chave-nova code.segredo")).strip()
    assert primeira.startswith(f"cak.{ui_tenant.slug}.")
    await admin.conferir("101-integracoes-chave")
    assert await _status(ui_tenant, primeira) == 200  # pagamentos:read
    assert await _status(ui_tenant, primeira, "GET", "/api/consorciados") == 403  # not ticked
    await admin.ir("/app/integracoes")
    assert primeira not in await page.content()  # shown once

    cartao = page.locator(f"section.cliente-api:has(h2:has-text('{nome}'))")
    await cartao.locator("select[name=sobreposicao_horas]").select_option("0")
    await cartao.locator("button:has-text('Nova chave')").click()
    await page.locator("#chave-nova").wait_for()
    segunda = (await page.inner_text("#chave-nova code.segredo")).strip()
    assert segunda != primeira
    assert await _status(ui_tenant, primeira) == 401 and await _status(ui_tenant, segunda) == 200

    await admin.ir("/app/integracoes")
    cartao = page.locator(f"section.cliente-api:has(h2:has-text('{nome}'))")
    await cartao.locator("button:has-text('Revogar o cliente')").click()
    await page.wait_for_load_state("domcontentloaded")
    assert "Integração revogada" in await page.inner_text("main > [role=status]")
    assert "revogado em" in await cartao.inner_text()
    assert await _status(ui_tenant, segunda) == 401

    # Only admins reach the screen.
    gestor: Tela = await logado("gestor")
    assert (await gestor.ir("/app/integracoes")).status == 403
