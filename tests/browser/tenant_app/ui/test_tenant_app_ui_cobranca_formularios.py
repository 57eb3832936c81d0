"""Cobrança write forms in Chromium: reemissão and baixa of a cota's título, a remessa generated and
downloaded, valores a identificar applied to a cota or returned to the payer; each refusal of the API
shown next to its field, in Portuguese.

The bank is the synthetic one of tests/support/cobranca_banco.py (FEBRABAN CNAB 240 layout): no bank
runs here. The billing account is configured through the API, as an admin would once.
"""

from __future__ import annotations

import asyncio
import random
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from tests.integration.tenant_app.cobranca.apoio import CONTA_BB, arquivo_retorno
from tests.support.cobranca_banco import OcorrenciaBanco
from tests.support.tenant_app_ui_fixtures import ARTIFACTS, Tela, UIServer

pytestmark = pytest.mark.e2e

#: Submits the form twice at once through fetch (same fields, same Idempotency-Key), as a double click
#: that slipped past the page's script would.
DUPLO_ENVIO = """async (seletor) => {
  const form = document.querySelector(seletor);
  const envio = () => fetch(form.action, {method: "POST", body: new URLSearchParams(new FormData(form)),
                                          redirect: "manual"});
  return (await Promise.all([envio(), envio()])).map(r => r.status);
}"""


async def _conta(server: UIServer) -> dict[str, str]:
    t = server.tenant
    r = await t.client.get("/api/cobranca/contas/", headers=t.auth())
    padrao = [c for c in r.json() if c["grupo_id"] is None]
    if padrao:
        return dict(padrao[0])
    r = await t.client.post("/api/cobranca/contas/", json=CONTA_BB, headers=t.auth())
    assert r.status_code == 201, r.text
    return dict(r.json())


async def _cota_livre(tela: Tela, pular: int = 0) -> str:
    """Open an active, not contemplated cota of the demo grupo; its URL."""
    page = tela.page
    await tela.ir("/app/grupos")
    await page.click("text=DEMO-AUTO-01")
    linhas = await page.locator("#t-cotas ~ div tbody tr").all()
    livres = []
    for linha in linhas:
        celulas = await linha.locator("td").all_inner_texts()
        if celulas[1] == "ativa" and celulas[3] == "—":
            livres.append(linha)
    await livres[pular].locator("a").first.click()
    await page.wait_for_url(re.compile(r"/app/cotas/[0-9a-f-]{36}$"))
    return str(page.url)


async def _aviso(tela: Tela) -> str:
    """The confirmation of the last form (or the test fails with the page's error)."""
    await tela.page.wait_for_load_state("domcontentloaded")
    if await tela.page.locator("[role=alert]").count():
        pytest.fail(await tela.page.inner_text("[role=alert]"))
    return await tela.page.inner_text("main > [role=status]")


async def test_reemissao_e_baixa_de_titulo(logado, ui_server: UIServer) -> None:
    await _conta(ui_server)
    fin: Tela = await logado("financeiro")
    page = fin.page
    await _cota_livre(fin, pular=1)
    await page.fill("#c-quantidade", "3")
    await page.click("button:has-text('Emitir carnê')")
    assert await _aviso(fin) == "Carnê emitido."

    vivos = page.locator("tr.titulo:has(summary:text('Reemitir ou baixar'))")
    assert await vivos.count() >= 2
    # Reemissão to a past date: the API's rule next to the date field.
    linha = vivos.first
    await linha.locator("details.acao > summary").click()
    await linha.locator("input[name=vencimento]").fill((date.today() - timedelta(days=3)).isoformat())
    await linha.locator("button:has-text('Reemitir')").click()
    erro = page.locator("tr.titulo details[open] form[id^=form-reemissao] .erro-campo")
    assert "passado" in await erro.inner_text()
    await fin.conferir("53-titulo-reemissao-erro")
    novo = (date.today() + timedelta(days=10)).isoformat()
    await page.locator("tr.titulo details[open] input[name=vencimento]").fill(novo)
    await page.locator("tr.titulo details[open] button:has-text('Reemitir')").click()
    assert await _aviso(fin) == "Título reemitido."
    assert novo[8:] + "/" + novo[5:7] in " ".join(
        await page.locator("tr.titulo td:nth-child(2)").all_inner_texts()
    )

    # Baixa with too short a reason, then a proper one.
    linha = page.locator("tr.titulo:has(summary:text('Reemitir ou baixar'))").first
    await linha.locator("details.acao > summary").click()
    await linha.locator("input[name=motivo]").fill("x")
    await linha.locator("button:has-text('Baixar título')").click()
    erro = page.locator("tr.titulo details[open] form[id^=form-baixa] .erro-campo")
    assert await erro.is_visible()
    await fin.conferir("54-titulo-baixa-erro")
    await page.locator("tr.titulo details[open] input[name=motivo]").fill(
        "Consorciado pediu novo boleto por PIX"
    )
    await page.locator("tr.titulo details[open] button:has-text('Baixar título')").click()
    assert await _aviso(fin) == "Título baixado."
    situacoes = await page.locator("tr.titulo td:nth-child(5)").all_inner_texts()
    assert sum(1 for s in situacoes if "baixado" in s) >= 2, situacoes
    await fin.conferir("55-cota-titulos")
    await fin.conferir("55-cota-titulos-360", largura=360)


async def test_remessa_gerada_e_baixada(logado, ui_server: UIServer) -> None:
    await _conta(ui_server)
    fin: Tela = await logado("financeiro")
    page = fin.page
    await _cota_livre(fin, pular=2)
    await page.fill("#c-quantidade", "1")
    await page.click("button:has-text('Emitir carnê')")
    await fin.ir("/app/cobranca")
    antes = await page.locator("li.remessa").count()
    await page.click("#form-remessa button[type=submit]")
    assert await _aviso(fin) == "Remessa gerada."
    assert await page.locator("li.remessa").count() == antes + 1
    async with page.expect_download() as baixando:
        await page.locator("li.remessa a").first.click()
    arquivo = Path(await (await baixando.value).path())
    linhas = (await asyncio.to_thread(arquivo.read_bytes)).split(b"\r\n")
    assert linhas[0][:3] == b"001" and all(len(x) == 240 for x in linhas if x), linhas[:2]
    # Nothing new to send: the API's refusal in Portuguese.
    await page.click("#form-remessa button[type=submit]")
    assert await page.locator("[role=alert]").count() == 1
    await fin.conferir("56-cobranca-remessa-vazia")


async def test_valores_a_identificar_aplicar_e_devolver(logado, ui_server: UIServer) -> None:
    conta = await _conta(ui_server)
    fin: Tela = await logado("financeiro")
    page = fin.page
    # Two payments the bank credited for nosso números nobody issued.
    base = f"{conta['convenio']}99{random.randint(0, 99_999_999):08d}"[:17]
    desconhecidos = [base[:-1] + str(i) for i in (1, 2)]
    ocorrencias = [
        OcorrenciaBanco(n, "06", Decimal("150.00"), Decimal("150.00"), data_ocorrencia=date.today(),
                        data_credito=date.today())
        for n in desconhecidos
    ]  # fmt: skip
    caminho = ARTIFACTS / "retorno-desconhecidos.ret"
    caminho.write_bytes(arquivo_retorno(conta, ocorrencias, numero=random.randint(2, 999_999)))
    await fin.ir("/app/cobranca")
    await page.set_input_files("#c-arquivo", str(caminho))
    await page.click("button:has-text('Importar')")
    await page.wait_for_url(re.compile(r"/app/cobranca/retornos/[0-9a-f-]{36}$"))

    cota_url = await _cota_livre(fin)
    cota_numero = re.search(r"Cota nº (\d+)", await page.inner_text("h1")).group(1)  # type: ignore[union-attr]
    await fin.ir("/app/cobranca")
    item = page.locator(f"li.valor-a-identificar:has-text('{desconhecidos[0]}')")
    await item.locator("details.acao > summary").click()
    await item.locator("input[name=cota_numero]").fill("99999")
    await item.locator("button:has-text('Aplicar à cota')").click()
    item = page.locator(f"li.valor-a-identificar:has-text('{desconhecidos[0]}')")
    assert "não encontrada" in await item.locator(".erro-campo").inner_text()
    await fin.conferir("57-valor-aplicar-erro")
    await item.locator("input[name=cota_numero]").fill(cota_numero)
    await item.locator("button:has-text('Aplicar à cota')").click()
    assert await _aviso(fin) == "Valor aplicado à cota."
    assert await page.locator(f"li.valor-a-identificar:has-text('{desconhecidos[0]}')").count() == 0

    item = page.locator(f"li.valor-a-identificar:has-text('{desconhecidos[1]}')")
    await item.locator("details.acao > summary").click()
    await item.locator("input[name=observacao] >> nth=1").fill("PIX")
    await item.locator("button:has-text('Registrar devolução')").click()
    item = page.locator(f"li.valor-a-identificar:has-text('{desconhecidos[1]}')")
    assert await item.locator(".erro-campo").is_visible()
    await fin.conferir("58-valor-devolver-erro")
    await item.locator("form[id^=form-devolver] input[name=observacao]").fill(
        "Devolvido por PIX ao pagador em 06/12"
    )
    await item.locator("button:has-text('Registrar devolução')").click()
    assert await _aviso(fin) == "Devolução registrada."

    await page.goto(cota_url)
    pagamentos = await page.locator("#t-pagamentos ~ div tbody tr").all_inner_texts()
    assert any("150,00" in linha for linha in pagamentos), pagamentos


async def test_rendimento_do_grupo_idempotente(logado, ui_server: UIServer) -> None:
    fin: Tela = await logado("financeiro")
    page = fin.page
    await fin.ir("/app/grupos")
    await page.click("text=DEMO-AUTO-01")
    await page.wait_for_url(re.compile(r"/app/grupos/[0-9a-f-]{36}$"))
    grupo_url = page.url
    antes = await page.locator("li.rendimento").count()
    t = ui_server.tenant
    periodos = (
        await t.client.get(f"/api/grupos/{grupo_url.rsplit('/', 1)[1]}/rendimentos", headers=t.auth())
    ).json()
    # A month after every period already recorded (each day of the grupo yields once).
    inicio = max((date.fromisoformat(p["fim"]) for p in periodos), default=date.today()) + timedelta(days=1)
    fim = inicio + timedelta(days=29)
    # The period ending before it starts: the API's refusal, in Portuguese, on the form.
    await page.fill("#form-rendimento [name=inicio]", fim.isoformat())
    await page.fill("#form-rendimento [name=fim]", inicio.isoformat())
    await page.fill("#form-rendimento [name=valor]", "123,45")
    await page.click("#form-rendimento button[type=submit]")
    assert await page.locator("#t-rendimentos ~ [role=alert]").count() == 1
    await fin.conferir("59-grupo-rendimento-erro")
    assert await page.locator("#form-rendimento #e-fim").is_visible()
    await page.fill("#form-rendimento [name=inicio]", inicio.isoformat())
    await page.fill("#form-rendimento [name=fim]", fim.isoformat())
    status = await page.evaluate(DUPLO_ENVIO, "#form-rendimento")
    assert all(s in (303, 0, 409) for s in status), status
    await page.goto(grupo_url)
    assert await page.locator("li.rendimento").count() == min(antes + 1, 12)
    periodos_depois = (
        await t.client.get(f"/api/grupos/{grupo_url.rsplit('/', 1)[1]}/rendimentos", headers=t.auth())
    ).json()
    assert len(periodos_depois) == len(periodos) + 1  # sent twice, recorded once
    assert "123,45" in " ".join(await page.locator("li.rendimento").all_inner_texts())
