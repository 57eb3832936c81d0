"""Settling by CNAB 240 retorno on real PostgreSQL: liquidação through the payment path, registration,
rejection, baixa, tarifa; idempotent (same file, overlapping files); bad files rejected and kept;
over/under/unknown payments queued and resolved.

The bank is the synthetic one of tests/support/cobranca_banco.py (FEBRABAN CNAB 240 layout, v10.11).
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from tenant_app.cobranca import retornos
from tenant_app.ui.telas import cobranca as tela_cobranca
from tenant_app.users.roles import Role
from tests.integration.tenant_app.cobranca.apoio import (
    arquivo_retorno,
    conta,
    emitir,
    grupo_com_parcelas,
    importar,
    parcelas,
)
from tests.integration.tenant_app.ui.test_tenant_app_ui_seguranca import Navegador
from tests.support.cobranca_banco import OcorrenciaBanco
from tests.support.tenant_app_fixtures import Tenant

pytestmark = pytest.mark.integration

CREDITO = date(2026, 12, 8)


async def _titulos(tenant: Tenant, cotas: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    _, cs = await grupo_com_parcelas(tenant, cotas=cotas)
    titulos = []
    for c in cs:
        p = (await parcelas(tenant, c["id"]))[0]
        r = await emitir(tenant, p["id"])
        assert r.status_code == 201, r.text
        titulos.append(r.json())
    return cs, titulos


def _liq(t: dict[str, Any], pago: Decimal | str, codigo: str = "06", **kw: Any) -> OcorrenciaBanco:
    return OcorrenciaBanco(
        t["nosso_numero"], codigo, Decimal(t["valor"]), Decimal(pago), data_credito=CREDITO, **kw
    )


async def _pagamentos(tenant: Tenant, cota_id: str) -> list[dict[str, Any]]:
    r = await tenant.client.get(f"/api/cotas/{cota_id}/pagamentos", headers=tenant.auth())
    assert r.status_code == 200
    return list(r.json()["items"])


async def _fila(tenant: Tenant) -> list[dict[str, Any]]:
    r = await tenant.client.get(
        "/api/cobranca/valores-a-identificar/?status=pendente&limit=200", headers=tenant.auth(Role.AUDITOR)
    )
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


@pytest.mark.parametrize("bloco", [retornos.BLOCO, 1], ids=["blocos-padrao", "um-por-bloco"])
async def test_retorno_settles_and_queues_and_is_idempotent(
    tenant: Tenant, bloco: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Also settled and written one ocorrência per block (the writer overlapping the next block, the
    same título changed in three blocks): the same result."""
    monkeypatch.setattr(retornos, "BLOCO", bloco)
    monkeypatch.setattr(retornos, "PASSO", min(bloco, retornos.PASSO))
    c = await conta(tenant)
    cotas, (exato, excedente, insuficiente, rejeitado) = await _titulos(tenant, 4)
    desconhecido = "1234567" + f"{9_000_000_000 + uuid.uuid4().int % 999_999_999:010d}"
    ocorrencias = [
        OcorrenciaBanco(
            exato["nosso_numero"], "02", Decimal(exato["valor"]), data_ocorrencia=date(2026, 12, 2)
        ),
        _liq(exato, exato["valor"], tarifa=Decimal("1.75")),
        _liq(excedente, Decimal(excedente["valor"]) + Decimal("10.00")),
        _liq(insuficiente, Decimal(insuficiente["valor"]) - Decimal("0.01")),
        OcorrenciaBanco(rejeitado["nosso_numero"], "03", Decimal(rejeitado["valor"])),
        OcorrenciaBanco(desconhecido, "06", Decimal("99.90"), Decimal("99.90"), data_credito=CREDITO),
        OcorrenciaBanco(exato["nosso_numero"], "28", Decimal(exato["valor"]), tarifa=Decimal("0.50")),
    ]
    fila_antes = {i["id"] for i in await _fila(tenant)}
    arquivo = arquivo_retorno(c, ocorrencias)
    r = await importar(tenant, arquivo)
    assert r.status_code == 201, r.text
    resumo = r.json()
    assert resumo["status"] == "processado" and resumo["repetido"] is False and resumo["ocorrencias"] == 7
    assert resumo["contagem"] == {
        "registrado": 1,
        "liquidado": 2,
        "a_identificar": 2,
        "rejeitado": 1,
        "tarifa": 1,
    }
    assert Decimal(resumo["valor_liquidado"]) == Decimal(exato["valor"]) + Decimal(excedente["valor"])
    assert Decimal(resumo["valor_a_identificar"]) == Decimal("10.00") + Decimal(
        insuficiente["valor"]
    ) - Decimal("0.01") + Decimal("99.90")
    assert Decimal(resumo["tarifas"]) == Decimal("2.25")

    # The exact payment went through the payment path: forma boleto, the bank's credit date; parcela paga.
    (pag,) = await _pagamentos(tenant, cotas[0]["id"])
    assert pag["forma"] == "boleto" and pag["data_pagamento"] == CREDITO.isoformat()
    assert Decimal(pag["valor"]) == Decimal(exato["valor"])
    assert (await parcelas(tenant, cotas[0]["id"]))[0]["status"] == "paga"
    t = (await tenant.client.get(f"/api/cobranca/titulos/{exato['id']}", headers=tenant.auth())).json()
    assert t["status"] == "liquidado" and t["pagamento_id"] == pag["id"]
    # Paid more: the título's value settles it, the excess waits (not a prepayment of parcela 2).
    (pag2,) = await _pagamentos(tenant, cotas[1]["id"])
    assert Decimal(pag2["valor"]) == Decimal(excedente["valor"])
    assert (await parcelas(tenant, cotas[1]["id"]))[1]["status"] == "aberta"
    # Paid less: nothing applied, the título still open, all of it waits.
    assert await _pagamentos(tenant, cotas[2]["id"]) == []
    t3 = (
        await tenant.client.get(f"/api/cobranca/titulos/{insuficiente['id']}", headers=tenant.auth())
    ).json()
    assert t3["status"] == "emitido"
    t4 = (await tenant.client.get(f"/api/cobranca/titulos/{rejeitado['id']}", headers=tenant.auth())).json()
    assert t4["status"] == "rejeitado" and "A1" in t4["motivo"]
    novos = [i for i in await _fila(tenant) if i["id"] not in fila_antes]
    por_motivo = {i["motivo"]: i for i in novos}
    assert set(por_motivo) == {"excedente", "insuficiente", "desconhecido"}
    assert Decimal(por_motivo["excedente"]["valor"]) == Decimal("10.00")
    assert por_motivo["excedente"]["cota_id"] == cotas[1]["id"]
    assert (
        por_motivo["desconhecido"]["referencia"] == desconhecido
        and por_motivo["desconhecido"]["cota_id"] is None
    )

    # The same file again: nothing changes.
    de_novo = await importar(tenant, arquivo)
    assert de_novo.status_code == 201 and de_novo.json()["repetido"] is True
    assert de_novo.json()["id"] == resumo["id"]
    # Another file repeating the same ocorrências (a new header number): nothing applied twice.
    outro = await importar(tenant, arquivo_retorno(c, ocorrencias, numero=2))
    assert outro.status_code == 201, outro.text
    assert outro.json()["repetido"] is False and outro.json()["contagem"] == {}
    assert len(await _pagamentos(tenant, cotas[0]["id"])) == 1
    assert len([i for i in await _fila(tenant) if i["id"] not in fila_antes]) == 3
    ocorr = await tenant.client.get(
        f"/api/cobranca/retornos/{resumo['id']}/ocorrencias", headers=tenant.auth()
    )
    assert ocorr.json()["total"] == 7 and ocorr.json()["limit"] == 50
    assert [o["resultado"] for o in ocorr.json()["items"]] == [
        "registrado",
        "liquidado",
        "liquidado",
        "a_identificar",
        "rejeitado",
        "a_identificar",
        "tarifa",
    ]
    # A page at a time, in file order (a bank's file holds 100,000), and the staff page pages it.
    pagina = await tenant.client.get(
        f"/api/cobranca/retornos/{resumo['id']}/ocorrencias?limit=2&offset=5", headers=tenant.auth()
    )
    assert pagina.status_code == 200, pagina.text
    assert [o["resultado"] for o in pagina.json()["items"]] == ["a_identificar", "tarifa"]
    assert (pagina.json()["total"], pagina.json()["limit"], pagina.json()["offset"]) == (7, 2, 5)
    monkeypatch.setattr(tela_cobranca, "OCORRENCIAS_POR_PAGINA", 3)
    nav = Navegador(tenant)
    assert (await nav.entrar(f"gestor@{tenant.slug}.example")).status_code == 303
    html = (await nav.req("GET", f"/app/cobranca/retornos/{resumo['id']}?offset=3")).text
    assert html.count('<tr class="ocorrencia">') == 3 and "4–6 de 7" in html, html[-3000:]
    assert f'href="/app/cobranca/retornos/{resumo["id"]}?offset=6&amp;limit=3" rel="next"' in html

    # Resolving: apply the underpayment to its cota (payment path), return the unknown money.
    key = uuid.uuid4().hex
    aplicar = await tenant.client.post(
        f"/api/cobranca/valores-a-identificar/{por_motivo['insuficiente']['id']}/aplicacao",
        json={"cota_id": cotas[2]["id"], "observacao": "consorciado confirmou"},
        headers={**tenant.auth(Role.FINANCEIRO), "Idempotency-Key": key},
    )
    assert aplicar.status_code == 200, aplicar.text
    assert aplicar.json()["status"] == "aplicado"
    (pag3,) = await _pagamentos(tenant, cotas[2]["id"])
    assert pag3["forma"] == "boleto" and Decimal(pag3["valor"]) == Decimal(insuficiente["valor"]) - Decimal(
        "0.01"
    )
    repetida = await tenant.client.post(
        f"/api/cobranca/valores-a-identificar/{por_motivo['insuficiente']['id']}/aplicacao",
        json={"cota_id": cotas[2]["id"], "observacao": "consorciado confirmou"},
        headers={**tenant.auth(Role.FINANCEIRO), "Idempotency-Key": key},
    )
    assert repetida.status_code == 200 and repetida.headers["Idempotent-Replayed"] == "true"
    outra_vez = await tenant.client.post(
        f"/api/cobranca/valores-a-identificar/{por_motivo['insuficiente']['id']}/aplicacao",
        json={"cota_id": cotas[2]["id"]},
        headers={**tenant.auth(Role.FINANCEIRO), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert outra_vez.status_code == 409
    assert len(await _pagamentos(tenant, cotas[2]["id"])) == 1
    devolver = await tenant.client.post(
        f"/api/cobranca/valores-a-identificar/{por_motivo['desconhecido']['id']}/devolucao",
        json={"observacao": "TED de devolução ao pagador"},
        headers={**tenant.auth(Role.FINANCEIRO), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert devolver.status_code == 200 and devolver.json()["status"] == "devolvido"
    # The grupo's funds still reconcile to the centavo.
    fundos = await tenant.client.get(
        f"/api/grupos/{pag['grupo_id']}/fundos", headers=tenant.auth(Role.AUDITOR)
    )
    assert fundos.json()["conciliado"] is True


async def test_bad_retorno_is_rejected_with_line_and_kept(tenant: Tenant) -> None:
    c = await conta(tenant)
    cotas, (t,) = await _titulos(tenant, 1)
    bom = arquivo_retorno(c, [_liq(t, t["valor"])], numero=7)
    linhas = bom.split(b"\r\n")
    linhas[3] = linhas[3][:77] + b"X" + linhas[3][78:]  # segment U (line 4): a letter in the valor pago
    ruim = b"\r\n".join(linhas)
    r = await importar(tenant, ruim, nome="RUIM.RET")
    assert r.status_code == 422, r.text
    problema = r.json()
    assert problema["type"].endswith("/retorno_invalido")
    assert problema["errors"][0]["campo"] == "linha 4" and "valor pago" in problema["errors"][0]["mensagem"]
    assert await _pagamentos(tenant, cotas[0]["id"]) == []
    lista = (await tenant.client.get("/api/cobranca/retornos/?limit=200", headers=tenant.auth())).json()[
        "items"
    ]
    guardado = next(x for x in lista if x["nome_arquivo"] == "RUIM.RET" and x["erro_linha"] == 4)
    assert guardado["status"] == "rejeitado"
    baixado = await tenant.client.get(
        f"/api/cobranca/retornos/{guardado['id']}/arquivo", headers=tenant.auth()
    )
    assert baixado.status_code == 200 and baixado.content == ruim
    # A wrong trailer count is named too.
    linhas = bom.split(b"\r\n")
    linhas[4] = linhas[4][:23] + b"000009" + linhas[4][29:]
    contagem = await importar(tenant, b"\r\n".join(linhas))
    assert contagem.status_code == 422 and contagem.json()["errors"][0]["campo"] == "linha 5"
    # A file of an account this tenant does not have: rejected, kept, nothing applied.
    alheio = arquivo_retorno({**c, "conta": "99999"}, [_liq(t, t["valor"])])
    r = await importar(tenant, alheio)
    assert r.status_code == 422 and "nenhuma conta de cobrança" in r.json()["detail"]
    assert await _pagamentos(tenant, cotas[0]["id"]) == []
    # Without Idempotency-Key a good file is not imported (428).
    sem_chave = await tenant.client.post(
        "/api/cobranca/retornos/",
        files={"arquivo": ("R.RET", bom, "application/octet-stream")},
        headers=tenant.auth(Role.FINANCEIRO),
    )
    assert sem_chave.status_code == 428
    assert (await importar(tenant, bom)).status_code == 201
    assert len(await _pagamentos(tenant, cotas[0]["id"])) == 1
