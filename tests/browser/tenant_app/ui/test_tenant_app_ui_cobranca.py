"""Cobrança in Chromium: the financeiro issues a carnê on a cota and imports the bank's retorno that
settles its first boleto; the result is shown line by line and the cota shows the payment.

The bank is the synthetic one of tests/support/cobranca_banco.py (FEBRABAN CNAB 240 layout): no bank
runs here. The billing account is configured through the API, as an admin would once.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from tests.integration.tenant_app.cobranca.apoio import CONTA_BB, arquivo_retorno
from tests.support.cobranca_banco import OcorrenciaBanco
from tests.support.tenant_app_ui_fixtures import ARTIFACTS, Tela, UIServer

pytestmark = pytest.mark.e2e


async def _conta(server: UIServer) -> dict[str, str]:
    t = server.tenant
    r = await t.client.get("/api/cobranca/contas/", headers=t.auth())
    padrao = [c for c in r.json() if c["grupo_id"] is None]
    if padrao:
        return dict(padrao[0])
    r = await t.client.post("/api/cobranca/contas/", json=CONTA_BB, headers=t.auth())
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_carne_e_retorno_que_liquida(logado, ui_server: UIServer) -> None:
    conta = await _conta(ui_server)
    tela: Tela = await logado("financeiro")
    page = tela.page
    await tela.ir("/app/grupos")
    await page.click("text=DEMO-AUTO-01")
    # An active cota not contemplated (it still has parcelas to bill).
    linhas = await page.locator("#t-cotas ~ div tbody tr").all()
    for linha in linhas:
        celulas = await linha.locator("td").all_inner_texts()
        if celulas[1] == "ativa" and celulas[3] == "—":
            await linha.locator("a").click()
            break
    await page.wait_for_url(re.compile(r"/app/cotas/[0-9a-f-]{36}$"))
    cota_url = page.url
    cota_id = cota_url.rsplit("/", 1)[1]
    await page.fill("#c-quantidade", "2")
    await page.click("button:has-text('Emitir carnê')")
    assert "Carnê emitido." in await page.inner_text("[role=status]")
    assert await page.locator("tr.titulo").count() >= 2
    await tela.conferir("50-cota-carne")

    t = ui_server.tenant
    r = await t.client.get(f"/api/cobranca/titulos?cota_id={cota_id}", headers=t.auth())
    # The oldest título still open (the demo's bank already settled some).
    abertos = [x for x in r.json()["items"] if x["status"] not in ("liquidado", "baixado")]
    titulo = sorted(abertos, key=lambda x: x["parcela_numero"])[0]
    ocorrencia = OcorrenciaBanco(
        titulo["nosso_numero"],
        "06",
        Decimal(titulo["valor"]),
        Decimal(titulo["valor"]),
        data_ocorrencia=date.today(),
        data_credito=date.today(),
    )
    caminho = ARTIFACTS / "retorno-teste.ret"
    caminho.write_bytes(arquivo_retorno(conta, [ocorrencia], numero=int(titulo["numero"]) % 999_999 + 1))

    await tela.ir("/app/cobranca")
    await tela.conferir("51-cobranca")
    await page.set_input_files("#c-arquivo", str(caminho))
    await page.click("button:has-text('Importar')")
    await page.wait_for_load_state("domcontentloaded")
    if await page.locator("[role=alert]").count():
        pytest.fail(f"retorno recusado: {await page.inner_text('[role=alert]')}")
    await page.wait_for_url(re.compile(r"/app/cobranca/retornos/[0-9a-f-]{36}$"))
    await tela.conferir("52-retorno-resultado")
    linhas = await page.locator("tr.ocorrencia").all_inner_texts()
    assert any(titulo["nosso_numero"] in linha and "liquidado" in linha for linha in linhas), linhas
    await tela.conferir("52-retorno-resultado-360", largura=360)

    await page.goto(cota_url)
    pagamentos = await page.locator("#t-pagamentos ~ div tbody tr").all_inner_texts()
    assert any("boleto" in linha for linha in pagamentos), pagamentos
