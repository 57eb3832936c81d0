"""Relatórios in Chromium: a request refused with the reason next to the field, then one accepted
that shows up with its status (the row follows the worker's progress by itself while pending)."""

from __future__ import annotations

import pytest

from tests.support.tenant_app_ui_fixtures import Tela

pytestmark = pytest.mark.e2e


async def test_pedido_de_relatorio(logado) -> None:
    tela: Tela = await logado("financeiro")
    page = tela.page
    await tela.ir("/app/relatorios")
    await tela.conferir("60-relatorios")
    await page.select_option("#c-tipo", "extrato_cota")
    await page.fill("#c-cota_id", "não-é-um-id")
    await page.click("button:has-text('Pedir relatório')")
    assert await page.locator("#e-cota_id").count() == 1  # the API's message, next to the field
    await tela.conferir("61-relatorio-erro")
    await page.fill("#c-cota_id", "")
    await page.select_option("#c-tipo", "posicao_grupos")
    await page.click("button:has-text('Pedir relatório')")
    assert "Relatório pedido" in await page.inner_text("[role=status]")
    assert "posição dos grupos" in await page.inner_text("tbody")
    await tela.conferir("62-relatorio-pedido")
