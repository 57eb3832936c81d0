"""Staff journeys in Chromium against the real app (uvicorn), PostgreSQL and Redis.

Every screen visited is screenshot under test-artifacts/ui/ and checked by
axe-core (no serious/critical violation) and for CSP/script errors (Tela.conferir).
"""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from tests.support.tenant_app_ui_fixtures import Tela, UIServer

pytestmark = [pytest.mark.ui_demo_first(1), pytest.mark.e2e]


def _email(server: UIServer, papel: str) -> str:
    return f"{papel}@{server.tenant.slug}.example"


async def _grupo_demo(tela: Tela) -> str:
    """Open the grupos list and the demo grupo; its id."""
    await tela.ir("/app/grupos")
    await tela.page.click("text=DEMO-AUTO-01")
    await tela.page.wait_for_url(re.compile(r"/app/grupos/[0-9a-f-]{36}$"))
    return tela.page.url.rsplit("/", 1)[1]


async def test_admin_cria_financeiro_que_entra_com_segundo_fator(
    nova_tela, logado, ui_server: UIServer
) -> None:
    admin: Tela = await logado("admin")
    await admin.ir("/app/usuarios")
    await admin.conferir("20-usuarios")
    page = admin.page
    await page.fill("#c-nome", "Nova Financeira")
    await page.fill("#c-email", _email(ui_server, "nova.financeira"))
    await page.select_option("#c-role", "financeiro")
    await page.fill("#c-password", "curta")
    await page.click("text=Criar usuário")
    # The API's field error is shown next to the field, in Portuguese.
    assert "pelo menos 10 caracteres" in await page.inner_text("#e-password")
    await admin.conferir("21-usuarios-erro")
    await page.fill("#c-password", "senha-forte-456")
    await page.click("text=Criar usuário")
    assert "Usuário criado." in await page.inner_text("[role=status]")

    nova: Tela = await nova_tela()
    await nova.entrar(_email(ui_server, "nova.financeira"), "senha-forte-456")
    assert "Pagamentos" in await nova.page.locator("nav.menu").inner_text()
    assert "Usuários" not in await nova.page.locator("nav.menu").inner_text()


async def test_cadastro_adesao_pagamento_idempotente_estorno_e_extrato(logado) -> None:
    gestor: Tela = await logado("gestor")
    page = gestor.page
    await gestor.ir("/app/consorciados")
    await page.fill("#c-q", "Silva")
    await page.wait_for_url(re.compile(r"q=Silva"))
    assert "Silva" in await page.inner_text("#resultados")
    await gestor.conferir("10-consorciados-busca")
    await gestor.conferir("10-consorciados-busca-360", largura=360)

    await page.click("text=Novo consorciado")
    await page.fill("#c-documento", "111.111.111-11")
    await page.fill("#c-nome", "M")
    await page.click("button:has-text('Cadastrar')")
    assert await page.locator("#e-nome").count() == 1  # the body's format first (400)...
    await gestor.conferir("11-consorciado-novo-erros")
    await page.fill("#c-nome", "Maria Navegadora")
    await page.click("button:has-text('Cadastrar')")
    assert "CPF inválido" in await page.inner_text("#e-documento")  # ...then the rule (the check digits)
    await page.fill("#c-documento", "529.982.247-25")
    await page.fill("#c-nome", "Maria Navegadora")
    await page.fill("#c-email", "maria@example.com")
    await page.check("#c-consentimento")
    await page.click("button:has-text('Cadastrar')")
    await page.wait_for_url(re.compile(r"/app/consorciados/[0-9a-f-]{36}\?aviso=consorciado_criado"))
    assert "529.982.247-25" in await page.inner_text("main")
    assert "Nenhum documento." in await page.inner_text("#t-docs ~ ul")
    await gestor.conferir("11b-consorciado-detalhe")
    await page.click("button:has-text('Vender cota')")
    await page.wait_for_url(re.compile(r"/app/cotas/[0-9a-f-]{36}\?aviso=cota_criada"))
    cota_url = page.url.split("?")[0]
    await gestor.conferir("12-cota-gestor")
    # The gestor moves no money: no payment form on the cota, and the route refuses it.
    assert await page.locator("#form-pagamento").count() == 0

    fin: Tela = await logado("financeiro")
    page = fin.page
    await page.goto(cota_url)
    await page.fill("#c-valor", "abc")
    await page.click("button:has-text('Registrar pagamento')")
    assert await page.locator("#e-valor").count() == 1
    await fin.conferir("13-cota-pagamento-erro")
    # Double submit: the same form (same Idempotency-Key) posted twice is one payment.
    await page.fill("#c-valor", "150,00")
    await page.fill("#c-referencia", "balcão 1")
    status = await page.evaluate(
        """async () => {
            const f = document.querySelector('#form-pagamento');
            const corpo = new URLSearchParams(new FormData(f));
            const r = await Promise.all([1, 2].map(() => fetch(f.action, {method: 'POST', body: corpo})));
            return r.map(x => x.status);
        }"""
    )
    assert status == [200, 200]  # both followed the 303 back to the cota
    await page.goto(cota_url)
    linhas = page.locator("#t-pagamentos ~ div tbody tr")
    assert await linhas.count() == 1
    assert "R$ 150,00" in await linhas.first.inner_text()
    await fin.conferir("14-cota-pago")

    async with page.expect_download() as baixando:
        await page.click("text=Baixar extrato (CSV)")
    extrato = await (await baixando.value).path()
    texto = await asyncio.to_thread(Path(extrato).read_text, encoding="utf-8-sig")
    assert texto.startswith("parcela;vencimento;valor")

    await page.click("summary:has-text('Estornar')")
    await page.fill("input[name=motivo]", "lançado em duplicidade")
    await page.click("button:has-text('Confirmar estorno')")
    assert "Pagamento estornado." in await page.inner_text("[role=status]")
    assert "estornado" in await page.locator("#t-pagamentos ~ div tbody tr").first.inner_text()
    await fin.ir("/app/pagamentos")
    await fin.conferir("15-pagamentos")


async def test_assembleia_lance_apuracao_e_verificacao(logado, ui_server: UIServer) -> None:
    tela: Tela = await logado("gestor")
    page = tela.page
    grupo_id = await _grupo_demo(tela)
    await tela.conferir("30-grupo")
    await page.click("text=Regras da assembleia")
    await tela.conferir("31-regras")
    # The demo grupo already had assembleias apuradas: its rules are part of their hashes, and the
    # API's refusal is shown in Portuguese (the form keeps what was typed).
    await page.check("#t-embutido")
    await page.click("button:has-text('Salvar regras')")
    assert "regras" in (await page.inner_text("[role=alert]")).lower()
    assert await page.is_checked("#t-embutido")
    await tela.conferir("31-regras-recusadas")

    await tela.ir(f"/app/assembleias/nova?grupo={grupo_id}")
    amanha = (datetime.now(UTC) + timedelta(days=2)).date()
    await page.fill("#c-data_assembleia", amanha.isoformat())
    await page.fill("#c-corte_lances_em", "2000-01-01T10:00")
    await page.click("button:has-text('Agendar')")
    assert await page.locator("#e-corte_lances_em").count() == 1  # the API's rule, next to the field
    await tela.conferir("32-assembleia-nova-erro")
    await page.fill("#c-corte_lances_em", f"{amanha.isoformat()}T10:00")
    await page.click("button:has-text('Agendar')")
    await page.wait_for_url(re.compile(r"/app/assembleias/[0-9a-f-]{36}\?aviso=assembleia_criada"))
    assembleia_url = page.url.split("?")[0]
    await page.click("text=Abrir recebimento de lances")
    assert "recebendo lances" in await page.inner_text(".subtitulo")

    # A lance from a cota that is up to date (not in the delinquency report).
    await tela.ir("/app/inadimplencia")
    await tela.conferir("33-inadimplencia")
    atrasadas = await page.locator("tbody tr td:first-child a").all_inner_texts()
    await tela.ir(f"/app/grupos/{grupo_id}")
    linhas = await page.locator("#t-cotas ~ div tbody tr").all()
    livres = []  # active, not contemplated, up to date
    for linha in linhas:
        celulas = await linha.locator("td").all_inner_texts()
        if celulas[1] == "ativa" and celulas[3] == "—" and not any(a.endswith(celulas[0]) for a in atrasadas):
            livres.append(celulas[0])
    numero = livres[0]
    await page.click(f"#t-cotas ~ div >> text='{numero}'")
    await page.fill("#c-percentual", "35")
    await page.click("button:has-text('Registrar lance')")
    assert "Lance registrado." in await page.inner_text("[role=status]")

    # Time passes: the cut-off moves to the past (the only shortcut of this suite).
    conn = await asyncpg.connect(ui_server.tenant.env["DATABASE_URL"])
    try:
        await conn.execute(
            "UPDATE assembleias SET corte_lances_em = now() - interval '1 minute' WHERE id = $1",
            assembleia_url.rsplit("/", 1)[1],
        )
    finally:
        await conn.close()
    await page.goto(assembleia_url)
    await tela.conferir("34-assembleia-apuracao")
    await page.fill("#c-concurso", "5900")
    for i, premio in enumerate(["04817", "12345", "67890", "24680", "13579"], start=1):
        await page.fill(f"#c-premio{i}", premio)
    await page.click("button:has-text('Apurar')")
    assert "Assembleia apurada." in await page.inner_text("[role=status]")
    # The winners as the apuração decided them (the demo grupo's funds cover what they cover), and the
    # sealed lance now shown with its percentage.
    contemplacoes = await page.locator("tr.contemplacao").all_inner_texts()
    assert contemplacoes and all("R$ 80.000,00" in linha for linha in contemplacoes), contemplacoes
    lances = await page.locator("table:has(caption:text('Lances recebidos')) tbody tr").all_inner_texts()
    assert any(linha.startswith(numero) and "35,00 %" in linha for linha in lances), lances
    assert re.fullmatch(r"[0-9a-f]{64}", (await page.inner_text("#hash-entrada")).strip())
    await page.click("text=Verificar apuração")
    assert "Verificação conferida" in await page.inner_text("#verificacao")
    await tela.conferir("35-assembleia-resultado")
    await tela.ir("/app/assembleias")
    await tela.conferir("36-calendario")
    await tela.conferir("36-calendario-360", largura=360)


async def test_auditor_verifica_a_cadeia_e_nao_muda_nada(logado) -> None:
    tela: Tela = await logado("auditor")
    page = tela.page
    await tela.ir("/app/auditoria")
    await page.click("text=Verificar a cadeia de hashes")
    assert "Cadeia íntegra" in await page.inner_text("#verificacao")
    await tela.conferir("40-auditoria")
    await tela.conferir("40-auditoria-360", largura=360)
    await tela.ir("/app/consorciados")
    assert await page.locator("text=Novo consorciado").count() == 0
    resposta = await tela.ir("/app/consorciados/novo")
    assert resposta.status == 403


async def test_creditos_do_grupo_e_o_processo_de_uma_carta(logado) -> None:
    tela: Tela = await logado("auditor")
    page = tela.page
    await tela.ir("/app/creditos")
    await tela.conferir("80-creditos")
    assert await page.locator("tbody tr td a").count() >= 1  # the demo's cartas, one per stage
    await page.click("tbody tr td a >> nth=0")
    await page.wait_for_url(re.compile(r"/app/creditos/[0-9a-f-]{36}$"))
    assert "Carta de crédito" in await page.inner_text("h1")
    await tela.conferir("81-credito")
