"""Closing a grupo and paying its recursos não procurados in Chromium (Lei 11.795 arts. 31–34).

A grupo at the end of its plan is seeded into the UI tenant (the same seed as the API tests:
three cotas, one excluded, one without an account). The gestor records the notice — a date in
the future is refused next to its field — and closes the grupo; the accounts reconcile with
the ledger. The financeiro pays the cota kept as não procurado: refused while the consorciado has
no PIX key, paid once one is on file, and the line leaves the list.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tenant_app.users.roles import Role
from tests.integration.tenant_app.encerramento.conftest import semear
from tests.support.tenant_app_fixtures import Tenant
from tests.support.tenant_app_ui_fixtures import Tela

pytestmark = pytest.mark.e2e


async def _aviso(tela: Tela) -> str:
    await tela.page.wait_for_load_state("domcontentloaded")
    if await tela.page.locator("[role=alert]").count():
        pytest.fail(await tela.page.inner_text("[role=alert]"))
    return await tela.page.inner_text("main > [role=status]")


async def test_encerramento_e_pagamento_de_nao_procurado(logado, ui_tenant: Tenant) -> None:
    g = await semear(ui_tenant)
    hoje = date.today()  # the administradora's date: tests run in America/Sao_Paulo
    gestor: Tela = await logado("gestor")
    page = gestor.page
    await gestor.ir(f"/app/grupos/{g.grupo_id}")
    await page.click("a:has-text('Encerramento')")
    await gestor.conferir("90-encerramento-comunicacao")

    await page.fill("#c-data_comunicacao", (hoje + timedelta(days=1)).isoformat())
    await page.click("#form-comunicacao button[type=submit]")
    assert await page.locator("[role=alert]").count() == 1  # the API's refusal, in Portuguese
    await page.fill("#c-data_comunicacao", (hoje - timedelta(days=40)).isoformat())
    await page.click("#form-comunicacao button[type=submit]")
    assert "Comunicação de encerramento registrada" in await _aviso(gestor)
    assert "Prévia das contas" in await page.inner_text("main")
    await gestor.conferir("91-encerramento-previa")

    await page.click("#form-encerrar button[type=submit]")
    assert "Grupo encerrado" in await _aviso(gestor)
    principal = await page.inner_text("main")
    assert "Prestação de contas" in principal and "conciliado ao centavo" in principal
    linhas = await page.locator("tr.linha-encerramento").all_inner_texts()
    assert len(linhas) == 3 and any("não procurado" in linha for linha in linhas)
    await gestor.conferir("92-encerramento-encerrado")
    assert await page.locator("a:has-text('pagar quem reclamar')").count() == 1

    financeiro: Tela = await logado("financeiro")
    page = financeiro.page
    await financeiro.ir("/app/recursos-nao-procurados")
    do_grupo = f"tr.nao-procurado:has(a[href='/app/grupos/{g.grupo_id}/encerramento'])"
    linha = page.locator(do_grupo)
    assert await linha.count() == 1 and "nº 2" in await linha.inner_text()
    await financeiro.conferir("93-nao-procurados")
    await linha.locator("button:has-text('Pagar')").click()
    assert "chave PIX" in await page.inner_text("[role=alert]")  # no account on file yet

    lista = (
        await ui_tenant.client.get(
            f"/api/recursos-nao-procurados/?grupo_id={g.grupo_id}", headers=ui_tenant.auth(Role.FINANCEIRO)
        )
    ).json()
    consorciado = lista["items"][0]["consorciado_id"]
    r = await ui_tenant.client.post(
        f"/api/consorciados/{consorciado}/contatos",
        json={"tipo": "pix", "valor": "cota2@example.com"},
        headers=ui_tenant.auth(Role.ADMIN),
    )
    assert r.status_code in (200, 201), r.text
    await financeiro.ir("/app/recursos-nao-procurados")
    await page.locator(do_grupo).locator("button:has-text('Pagar')").click()
    assert "Valor pago ao consorciado" in await _aviso(financeiro)
    assert await page.locator(do_grupo).count() == 0
