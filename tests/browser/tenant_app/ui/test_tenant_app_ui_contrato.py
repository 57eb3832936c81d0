"""The contrato de adesão from the screens, in Chromium: a new version of the template (a bad
CNPJ refused next to its field, nothing typed lost), then the PDF generated from a cota's page
and listed among its documents with the version it used."""

from __future__ import annotations

import uuid

import pytest

from tenant_app.users.roles import Role
from tests.integration.tenant_app.factories import make_running_grupo
from tests.support.tenant_app_fixtures import Tenant
from tests.support.tenant_app_ui_fixtures import Tela

pytestmark = pytest.mark.e2e


async def test_gestor_versiona_o_modelo_e_gera_o_contrato(logado, ui_tenant: Tenant) -> None:
    _, [cota] = await make_running_grupo(ui_tenant, cotas=1)
    antes = (await ui_tenant.client.get("/api/contratos/modelos", headers=ui_tenant.auth())).json()
    clausula = f"Seguro prestamista {uuid.uuid4().hex[:6]}"

    gestor: Tela = await logado("gestor")
    page = gestor.page
    await gestor.ir("/app/grupos")
    await page.click("a:has-text('Modelo de contrato')")
    await gestor.conferir("102-modelo-contrato")

    await page.fill("#c-administradora_nome", "Administradora Exemplo de Consórcios Ltda.")
    await page.fill("#c-administradora_cnpj", "11.222.333/0001-00")  # wrong check digits
    await page.fill("#c-administradora_endereco", "Av. Paulista, 1000, São Paulo/SP")
    await page.fill("#c-autorizacao_bcb", "Ofício BCB 123/2020")
    await page.fill("#c-foro", "São Paulo/SP")
    indice = len(antes[0]["clausulas_adicionais"]) if antes else 0
    await page.fill(f"#c-clausula-titulo-{indice}", clausula)
    await page.fill(f"#c-clausula-texto-{indice}", "O consorciado pode contratar seguro prestamista.")
    await page.click("#form-modelo button[type=submit]")
    await page.wait_for_load_state("domcontentloaded")
    assert "CNPJ inválido" in await page.inner_text("#e-administradora_cnpj")
    assert await page.input_value(f"#c-clausula-titulo-{indice}") == clausula  # nothing lost

    await page.fill("#c-administradora_cnpj", "11.222.333/0001-81")
    await page.click("#form-modelo button[type=submit]")
    await page.wait_for_load_state("domcontentloaded")
    assert "Nova versão do modelo de contrato salva" in await page.inner_text("main > [role=status]")
    versoes = page.locator("li.versao-contrato")
    assert await versoes.count() == len(antes) + 1
    assert f"Versão {len(antes) + 1}" in await versoes.first.inner_text()

    await gestor.ir(f"/app/cotas/{cota['id']}")
    await page.click("#form-contrato button[type=submit]")
    await page.wait_for_load_state("domcontentloaded")
    assert "Contrato de adesão gerado" in await page.inner_text("main > [role=status]")
    assert await page.locator("#t-docs + ul a:has-text('Contrato')").count() >= 1
    await gestor.conferir("103-cota-contrato-gerado")

    docs = (
        await ui_tenant.client.get(
            f"/api/documentos?entidade_tipo=cota&entidade_id={cota['id']}&categoria=contrato_adesao",
            headers=ui_tenant.auth(Role.GESTOR),
        )
    ).json()
    assert docs["total"] == 1, docs

    # The financeiro reads the template but cannot change it.
    financeiro: Tela = await logado("financeiro")
    await financeiro.ir("/app/contrato")
    assert await financeiro.page.locator("#form-modelo").count() == 0
