"""PIX para pagar hoje in Chromium, from the cota's "Boletos e PIX": on an account with a PSP the button
shows the charge's QR code and copia e cola (a ``cob`` at the local PSP of tests/support/pix_psp.py, the
published BCB Pix API contract — no PSP runs here); without a PSP the refusal says what to do, in
Portuguese. Accounts, grupos and títulos are set up through the API, as an administrator would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tenant_app.cobranca.pix import validar_brcode
from tests.integration.tenant_app.cobranca.apoio import CONTA_BB, conta, emitir, parcelas
from tests.integration.tenant_app.factories import make_running_grupo
from tests.support.pix_psp import cofre_no_vault, psp_local
from tests.support.tenant_app_ui_fixtures import Tela, UIServer

pytestmark = pytest.mark.e2e

BOTAO = "tr.titulo button:has-text('PIX para pagar hoje')"


async def _cota_com_titulo(server: UIServer, **conta_do_grupo: Any) -> str:
    """A new grupo started in September (its first parcelas overdue) with a título for parcela 1; the
    grupo gets its own account when ``conta_do_grupo`` is given, else uses the default one. Its cota id."""
    t = server.tenant
    grupo, cotas = await make_running_grupo(t, cotas=1, data_inicio="2026-09-01")
    if conta_do_grupo:
        r = await t.client.post(
            "/api/cobranca/contas/",
            json={**CONTA_BB, "grupo_id": grupo["id"], **conta_do_grupo},
            headers=t.auth(),
        )
        assert r.status_code == 201, r.text
    p = (await parcelas(t, cotas[0]["id"]))[0]
    r = await emitir(t, p["id"])
    assert r.status_code == 201, r.text
    return str(cotas[0]["id"])


async def test_pix_para_pagar_hoje_na_tela_da_cota(
    logado: Any, ui_server: UIServer, vault: Any, tmp_path: Path
) -> None:
    t = ui_server.tenant
    await conta(t)  # the default account: no PSP
    fin: Tela = await logado("financeiro")
    page = fin.page

    # Without a PSP: the refusal on the cota screen, with the way out (the reemissão).
    sem_psp = await _cota_com_titulo(ui_server)
    await fin.ir(f"/app/cotas/{sem_psp}")
    await page.locator(BOTAO).first.click()
    alerta = page.locator("#formulario-erro [role=alert]")
    assert "não tem PSP" in await alerta.inner_text()
    assert "reemita o título com vencimento hoje" in await alerta.inner_text()
    await fin.conferir("57-pix-imediato-sem-psp")

    with psp_local() as psp, cofre_no_vault(vault, t.slug, tmp_path, [t.app, ui_server.app]):
        cota_id = await _cota_com_titulo(
            ui_server,
            convenio="7654399",
            conta="77777",
            psp="bcb-token-na-raiz",
            psp_url=psp.base_url,
            psp_client_id=psp.estado.client_id,
        )
        contas = (await t.client.get("/api/cobranca/contas/", headers=t.auth())).json()
        c = next(x for x in contas if x["psp_url"] == psp.base_url)
        r = await t.client.put(
            f"/api/cobranca/contas/{c['id']}/psp-segredo",
            json={"client_secret": psp.estado.client_secret},
            headers=t.auth(),
        )
        assert r.status_code == 204, r.text
        assert (
            await t.client.post(f"/api/cobranca/contas/{c['id']}/webhook-pix", headers=t.auth())
        ).is_success

        await fin.ir(f"/app/cotas/{cota_id}")
        await page.locator(BOTAO).first.click()
        await page.wait_for_selector("h1:has-text('PIX para pagar hoje')")
        copia = await page.input_value("#pix-copia")
        cobs = [x for x in psp.estado.cobrancas.values() if x["loc"]["tipoCob"] == "cob"]
        assert len(cobs) == 1 and cobs[0]["calendario"]["expiracao"] == 3600
        assert validar_brcode(copia)["url"] == cobs[0]["location"].split("://", 1)[1]
        assert await page.locator(".qr svg").count() == 1
        assert await page.locator("#pix-expira").inner_text()
        await fin.conferir("58-pix-imediato")
        await fin.conferir("58-pix-imediato-360", largura=360)
