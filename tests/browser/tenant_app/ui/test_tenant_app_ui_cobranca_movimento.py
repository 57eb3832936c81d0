"""Movimento da cobrança in Chromium: the financeiro picks a period and the demo grupo, and the
screen shows what the API reports (day rows, the period's total, arrecadado × previsto); a
period the report does not serve is refused next to its field."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from tenant_app import calendario
from tenant_app.demo.seed import DEMO_CODIGO
from tenant_app.users.roles import Role
from tests.support.tenant_app_fixtures import Tenant
from tests.support.tenant_app_ui_fixtures import Tela

pytestmark = pytest.mark.e2e


def _reais(valor: str) -> str:
    inteiro, _, centavos = f"{Decimal(valor):,.2f}".partition(".")
    return f"R$ {inteiro.replace(',', '.')},{centavos}"


async def test_financeiro_confere_o_movimento_e_a_arrecadacao(logado, ui_tenant: Tenant) -> None:
    api = ui_tenant.auth(Role.FINANCEIRO)
    grupo = next(
        g
        for g in (await ui_tenant.client.get("/api/grupos?limit=200", headers=api)).json()["items"]
        if g["codigo"] == DEMO_CODIGO
    )
    ate = calendario.hoje()
    desde = ate - timedelta(days=90)
    periodo = f"desde={desde}&ate={ate}"
    dias = (await ui_tenant.client.get(f"/api/cobranca/relatorios/diario?{periodo}", headers=api)).json()
    arrecadacao = (
        await ui_tenant.client.get(f"/api/cobranca/relatorios/grupos/{grupo['id']}?{periodo}", headers=api)
    ).json()
    assert Decimal(arrecadacao["esperado"]) > 0  # the demo grupo has parcelas due in any quarter

    financeiro: Tela = await logado("financeiro")
    page = financeiro.page
    await financeiro.ir("/app/cobranca")
    await page.click("a:has-text('Movimento por dia')")
    await page.fill("#c-desde", desde.isoformat())
    await page.fill("#c-ate", ate.isoformat())
    await page.select_option("#c-grupo_id", grupo["id"])
    await page.click("#form-periodo button[type=submit]")
    await page.locator("#arrecadacao").wait_for()
    await financeiro.conferir("104-cobranca-movimento")

    texto = await page.inner_text("#arrecadacao")
    assert _reais(arrecadacao["esperado"]) in texto and _reais(arrecadacao["arrecadado"]) in texto
    assert await page.locator("tr.dia-cobranca").count() == len(dias)
    if dias:
        total = sum(Decimal(d["valor_liquidado"]) for d in dias)
        assert _reais(str(total)) in await page.inner_text("#total-periodo")

    await financeiro.ir(f"/app/cobranca/movimento?desde={ate}&ate={desde}")  # reversed
    assert await page.locator("#e-ate").count() == 1
