"""The exclusion routine and the comunicados, run from their screens in Chromium.

Both act on many consorciados at once and cannot be undone from the same screen, so both ask
for confirmation (the test checks what the browser's dialog said) and carry an
Idempotency-Key. The exclusion runs as of a past day on a grupo seeded for it: the cota three
parcelas late is excluded, the one that paid is not; a future day is refused next to its field.
The comunicado goes only to consorciados whose marketing consent is granted.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from tenant_app.users.roles import Role
from tests.integration.tenant_app.factories import make_consorciado, make_running_grupo, pay
from tests.support.tenant_app_fixtures import Tenant
from tests.support.tenant_app_ui_fixtures import Tela

pytestmark = pytest.mark.e2e

#: Parcelas of a grupo started 2025-01-15 fall due 02-10, 03-10, 04-10: three late on this day.
DIA_DA_EXCLUSAO = "2025-04-20"


def _ouvir(page: Any, dialogos: list[str]) -> Any:
    """Keep what each confirmation asked (the Tela accepts every dialog)."""

    def ouvir(dialogo: Any) -> None:
        dialogos.append(dialogo.message)

    page.on("dialog", ouvir)
    return ouvir


async def test_gestor_roda_a_exclusao_por_inadimplencia(logado, ui_tenant: Tenant) -> None:
    grupo, cotas = await make_running_grupo(ui_tenant, cotas=2)
    em_dia, atrasada = (c["id"] for c in cotas)
    parcelas = (await ui_tenant.client.get(f"/api/cotas/{em_dia}/parcelas", headers=ui_tenant.auth())).json()
    total = str(sum(Decimal(p["valor_total"]) for p in parcelas[:3]))
    assert (await pay(ui_tenant, em_dia, total, "2025-02-10")).status_code == 201

    gestor: Tela = await logado("gestor")
    page = gestor.page
    await gestor.ir("/app/inadimplencia")
    await gestor.conferir("95-inadimplencia-exclusao")

    dialogos: list[str] = []
    ouvinte = _ouvir(page, dialogos)
    await page.fill("#c-data", (date.today() + timedelta(days=1)).isoformat())
    await page.click("#form-exclusao button[type=submit]")
    await page.wait_for_load_state("domcontentloaded")
    assert "não pode ser futura" in await page.inner_text("#e-data")  # next to the field
    assert dialogos and "Excluir agora" in dialogos[0]

    await page.fill("#c-data", DIA_DA_EXCLUSAO)
    await page.click("#form-exclusao button[type=submit]")
    resultado = page.locator("#resultado-exclusao")
    await resultado.wait_for()
    assert await resultado.locator(f"a[href='/app/cotas/{atrasada}']").count() == 1
    assert await resultado.locator(f"a[href='/app/cotas/{em_dia}']").count() == 0
    page.remove_listener("dialog", ouvinte)
    await gestor.conferir("96-inadimplencia-excluidas")

    estados = {
        c["id"]: c["status"]
        for c in (
            await ui_tenant.client.get(f"/api/grupos/{grupo['id']}/cotas", headers=ui_tenant.auth())
        ).json()["items"]
    }
    assert estados == {em_dia: "ativa", atrasada: "excluida"}

    # Roles without inadimplencia:run see the report but not the routine.
    financeiro: Tela = await logado("financeiro")
    await financeiro.ir("/app/inadimplencia")
    assert await financeiro.page.locator("#form-exclusao").count() == 0


async def test_admin_envia_um_comunicado_a_quem_consentiu(logado, ui_tenant: Tenant) -> None:
    marca = uuid.uuid4().hex[:8]
    consentiu = await make_consorciado(
        ui_tenant,
        email=f"oferta.{marca}@example.com",
        consentimentos=[{"finalidade": "marketing", "concedido": True}],
    )
    await make_consorciado(ui_tenant, email=f"sem.consentimento.{marca}@example.com")
    assunto = f"Grupos novos de imóveis {marca}"

    admin: Tela = await logado("admin")
    page = admin.page
    await admin.ir("/app/")
    await page.click("nav a:has-text('Comunicados')")
    await admin.conferir("97-comunicados")

    dialogos: list[str] = []
    ouvinte = _ouvir(page, dialogos)
    await page.fill("#c-assunto", assunto)
    await page.click("#form-comunicado button[type=submit]")
    await page.wait_for_load_state("domcontentloaded")
    assert await page.locator("#e-mensagem").count() == 1  # no paragraph: refused at the field
    assert await page.input_value("#c-assunto") == assunto  # nothing typed is lost

    await page.fill("#c-mensagem", "Abrimos dois grupos este mês.\n\nCartas de R$ 200 mil a R$ 500 mil.")
    await page.click("#form-comunicado button[type=submit]")
    resultado = page.locator("#resultado-comunicado")
    await resultado.wait_for()
    assert "Um e-mail enviado não pode ser recolhido" in dialogos[-1]
    linhas = page.locator(f"tr.comunicado-email:has-text('{assunto}')")
    textos = await linhas.all_inner_texts()
    assert any(consentiu["email"] in t for t in textos)
    assert not any(f"sem.consentimento.{marca}" in t for t in textos)
    assert f"para {len(textos)} consorciado" in await resultado.inner_text()
    page.remove_listener("dialog", ouvinte)
    await admin.conferir("98-comunicados-enviado")

    # Roles without integracoes:manage have no menu entry and are refused at the address.
    gestor: Tela = await logado("gestor")
    await gestor.ir("/app/")
    assert await gestor.page.locator("nav a:has-text('Comunicados')").count() == 0
    resposta = await gestor.ir("/app/comunicados")
    assert resposta.status == 403
    assert (
        await ui_tenant.client.get("/api/notificacoes/emails", headers=ui_tenant.auth(Role.GESTOR))
    ).status_code == 403


async def test_admin_reescreve_um_email_e_volta_ao_padrao(logado, ui_tenant: Tenant) -> None:
    admin: Tela = await logado("admin")
    page = admin.page
    await admin.ir("/app/configuracoes")
    await page.click("a:has-text('Modelos de e-mail')")
    await admin.conferir("99-modelos-email")
    cartao = page.locator("#m-pagamento-confirmado")
    assert "Pagamento de R$ 1.234,50 confirmado" in await cartao.locator(".exemplo-email").inner_text()

    await cartao.locator("summary").click()
    await page.fill("#c-pagamento-confirmado-assunto", "Recebemos {valor}")
    await page.fill(
        "#c-pagamento-confirmado-mensagem", "Obrigado, {valor} em {data_pagamento}.\n\nMãe: {nome_da_mae}"
    )
    await page.click("#form-pagamento-confirmado button[type=submit]")
    await page.wait_for_load_state("domcontentloaded")
    erro = await page.inner_text("#e-pagamento-confirmado-mensagem")  # next to the box, in Portuguese
    assert "2º parágrafo" in erro and "{nome_da_mae}" in erro and "{valor}" in erro
    assert await page.input_value("#c-pagamento-confirmado-assunto") == "Recebemos {valor}"  # nothing lost

    await page.fill("#c-pagamento-confirmado-mensagem", "Obrigado, {valor} em {data_pagamento} por {forma}.")
    await page.click("#form-pagamento-confirmado button[type=submit]")
    await page.wait_for_load_state("domcontentloaded")
    assert "Texto do e-mail salvo" in await page.inner_text("main > [role=status]")
    exemplo = await page.locator("#m-pagamento-confirmado .exemplo-email").inner_text()
    assert "Recebemos R$ 1.234,50" in exemplo and "Obrigado, R$ 1.234,50 em 05/03/2026 por PIX." in exemplo
    await admin.conferir("99-modelos-email-salvo")

    await page.locator("#m-pagamento-confirmado summary").click()
    await page.click("#m-pagamento-confirmado button:has-text('Voltar ao padrão')")
    await page.wait_for_load_state("domcontentloaded")
    assert "voltou ao texto padrão" in await page.inner_text("main > [role=status]")
    lista = (await ui_tenant.client.get("/api/notificacoes/modelos", headers=ui_tenant.auth())).json()
    assert not any(m["personalizado"] for m in lista)
