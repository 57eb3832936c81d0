"""A lance that pays whole parcelas, through the HTTP API (issue 12 item 10).

The grupo's contract sets ``lance_paga`` = ``parcela_integral`` (Res. BCB 285/2023 art. 12;
the contrato de adesão decides what the lance pays, Lei 11.795/2008 art. 10 §1): the lance
pays fundo comum, taxa, fundo de reserva and seguro of the parcelas it covers. The
apuração's result, the schedule, /saldo and the ledger say the same thing; the estorno
puts it all back. Real PostgreSQL and Redis (tests/conftest.py).
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tenant_app.assembleias import apuracao_service
from tenant_app.assembleias.models import Apuracao
from tenant_app.grupos.models import Grupo
from tenant_app.ledger.models import Fundo, LancamentoFundo, OrigemLancamento
from tenant_app.ledger.service import reconcile
from tenant_app.pagamentos.models import FormaPagamento, Pagamento
from tenant_app.parcelas.models import Parcela
from tests.support.tenant_app_fixtures import Tenant

from .conftest import (
    HOJE,
    PARCELA_FC,
    REGRAS_FINAIS,
    assembleia_aberta,
    assert_problem,
    passar_corte,
    semear_grupo,
    sessao,
    unidade,
)

pytestmark = pytest.mark.integration

D = Decimal
EXTRACAO = {"concurso": 6005, "premios": ["83127", "10450", "22222", "31415", "40404"]}
REGRAS = {**REGRAS_FINAIS, "contemplacoes_sorteio": 0, "lance_paga": "parcela_integral"}


async def _parcelas_futuras(tenant: Tenant, grupo_id: uuid.UUID, cota_id: uuid.UUID) -> None:
    """Parcelas 3..50 (not yet due): fundo comum 2 000 + taxa 300 + reserva 40 = 2 340.00 each."""
    uow, engine = await unidade(tenant)
    try:
        for numero in range(3, 51):
            uow.add(
                Parcela(
                    cota_id=cota_id,
                    grupo_id=grupo_id,
                    numero=numero,
                    vencimento=HOJE + timedelta(days=30 * (numero - 2)),
                    valor_fundo_comum=PARCELA_FC,
                    valor_taxa_administracao=D("300.00"),
                    valor_fundo_reserva=D("40.00"),
                    valor_seguro=D("0.00"),
                    valor_total=D("2340.00"),
                )
            )
        await uow.commit()
    finally:
        await uow.close()
        await engine.dispose()  # type: ignore[attr-defined]


async def test_an_unknown_clause_is_refused_naming_the_field(tenant_a: Tenant) -> None:
    c, h = tenant_a.client, tenant_a.auth()
    grupo = await semear_grupo(tenant_a, numero_cotas=10)
    url = f"/api/grupos/{grupo.grupo_id}/regras-assembleia/"
    r = await c.put(url, json={**REGRAS, "lance_paga": "parcela_inteira"}, headers=h)
    body = assert_problem(r, r.status_code)
    assert r.status_code in (400, 422)
    assert "lance_paga" in json.dumps(body, ensure_ascii=False)
    # A percentage of a lance type the contract does not use is still bounded (the 1,000-case fuzz
    # run's body overflowed the NUMERIC column: 500).
    fuzz = {
        "tabela_equivalencia": None,
        "fundo_reserva_completa_sorteios": True,
        "lance_paga": "parcela_integral",
        "aproximar_sem_candidato": True,
        "embutido_maximo_percentual": -4.255900745724952e176,
        "lance_fixo_percentual": "9",
        "metodo_sorteio": "centena_final",
    }
    r = await c.put(url, json=fuzz, headers=h)
    body = assert_problem(r, 422)
    assert "embutido_maximo_percentual" in json.dumps(body, ensure_ascii=False)
    # The default is today's clause and is shown.
    r = await c.put(url, json=REGRAS_FINAIS, headers=h)
    assert r.status_code == 200 and r.json()["lance_paga"] == "fundo_comum"


async def test_the_lance_pays_whole_parcelas_and_everything_agrees(
    tenant_a: Tenant, tenant_b: Tenant
) -> None:
    c, h = tenant_a.client, tenant_a.auth()
    grupo = await semear_grupo(tenant_a, numero_cotas=50, saldo_comum=D("200000.00"))
    await _parcelas_futuras(tenant_a, grupo.grupo_id, grupo.cotas[30])
    assembleia = await assembleia_aberta(tenant_a, grupo, regras=REGRAS)
    regras = (await c.get(f"/api/grupos/{grupo.grupo_id}/regras-assembleia/", headers=h)).json()
    assert regras["lance_paga"] == "parcela_integral"
    # Another tenant cannot see this group's contract.
    outro = await tenant_b.client.get(
        f"/api/grupos/{grupo.grupo_id}/regras-assembleia/", headers=tenant_b.auth()
    )
    assert outro.status_code == 404
    base = f"/api/assembleias/{assembleia}"
    # Cota 30 paid parcelas 1-2: 4 % of the credit to the fundo comum, 96 % owed. Its 48 parcelas
    # left owe 2 340 for every 2 000 of fundo comum: 96 x 1.17 = 112.32 % in whole parcelas.
    # 23.4 % = R$ 23 400.00 = 10 whole parcelas (10 x 2 340).
    r = await c.post(
        f"{base}/lances", json={"cota_numero": 30, "tipo": "livre", "percentual": "23.4"}, headers=h
    )
    assert r.status_code == 201, r.text
    await passar_corte(tenant_a, assembleia)
    r = await c.post(f"{base}/apuracao", json=EXTRACAO, headers={**h, "Idempotency-Key": uuid.uuid4().hex})
    assert r.status_code == 201, r.text
    (premio,) = r.json()["contemplacoes"]
    assert (premio["cota_numero"], premio["modalidade"]) == (30, "lance")
    assert D(premio["valor_lance_a_pagar"]) == D("23400.00")
    # The carta net of the lance: 100 000 - 23 400 = 76 600.00 at the apuração.
    assert D(premio["do_fundo_comum"]) == D("76600.00")

    session, engine = await sessao(tenant_a)
    try:
        apuracao = await session.scalar(
            select(Apuracao).where(Apuracao.assembleia_id == uuid.UUID(assembleia))
        )
        assert apuracao is not None
        entrada = json.loads(apuracao.entrada_canonica)
        assert entrada["regras"]["lance_paga"] == "parcela_integral"
        (cota30,) = [x for x in entrada["cotas_ativas"] if x["numero"] == 30]
        assert cota30["percentual_devido_integral"] == "112.32"
        resultado = json.loads(apuracao.resultado_canonico)
        (plano,) = resultado["contemplacoes"]
        # 112.32 / 48 = 2.34 % a parcela: 23.4 / 2.34 = 10 paid off, 38 left.
        assert (plano["amortizacao"]["parcelas_quitadas"], plano["amortizacao"]["parcelas_restantes"]) == (
            10,
            38,
        )
        # The re-verification recomputes hash and result from the stored inputs (the clause included).
        assert apuracao_service.verificar(apuracao) == (apuracao.hash_entrada, True)
    finally:
        await session.close()
        await engine.dispose()  # type: ignore[attr-defined]

    chave = {"Idempotency-Key": uuid.uuid4().hex}
    r = await c.post(
        f"{base}/pagamentos-lance", json={"cota_numero": 30, "valor": "23400.00"}, headers={**h, **chave}
    )
    assert r.status_code == 201, r.text
    pago = r.json()
    assert pago["lance_paga"] == "parcela_integral"
    assert [p["parcela_numero"] for p in pago["parcelas"]] == list(range(41, 51))
    assert all(
        (D(p["valor"]), D(p["fundo_comum"]), D(p["taxa_administracao"]), D(p["fundo_reserva"]))
        == (D("2340.00"), D("2000.00"), D("300.00"), D("40.00"))
        for p in pago["parcelas"]
    )
    cronograma = (await c.get(f"/api/cotas/{grupo.cotas[30]}/parcelas", headers=h)).json()
    pagas = {p["numero"] for p in cronograma if p["status"] == "paga"}
    assert pagas == set(range(1, 3)) | set(range(41, 51))
    # Nothing moved onto the 38 parcelas left: each still 2 340.00, aberta.
    abertas = [p for p in cronograma if p["numero"] in range(3, 41)]
    assert all(p["status"] == "aberta" and D(p["valor_total"]) == D("2340.00") for p in abertas)
    saldo = (await c.get(f"/api/cotas/{grupo.cotas[30]}/saldo", headers=h)).json()
    assert saldo["parcelas_em_aberto"] == 38

    session, engine = await sessao(tenant_a)
    try:
        lancamentos = (
            await session.execute(
                select(LancamentoFundo.origem, LancamentoFundo.fundo, LancamentoFundo.valor).where(
                    LancamentoFundo.grupo_id == grupo.grupo_id, LancamentoFundo.cota_id == grupo.cotas[30]
                )
            )
        ).all()
        # Into the funds: fundo comum 10 x 2 000, taxa 10 x 300, reserva 10 x 40 (= 23 400); the carta
        # part the lance covers is the whole 23 400 (76 600 at the apuração + 23 400 = the credit).
        assert sorted((o, f, v) for o, f, v in lancamentos if v != 0) == sorted(
            [
                (OrigemLancamento.CONTEMPLACAO, Fundo.FUNDO_COMUM, D("-23400.00")),
                (OrigemLancamento.LANCE, Fundo.FUNDO_COMUM, D("20000.00")),
                (OrigemLancamento.LANCE, Fundo.FUNDO_RESERVA, D("400.00")),
                (OrigemLancamento.LANCE, Fundo.TAXA_ADMINISTRACAO, D("3000.00")),
            ]
        )
        g = await session.get(Grupo, grupo.grupo_id)
        # 200 000 - 76 600 + 20 000 - 23 400 = 120 000.00: the fundo comum's net is its share of the
        # 10 parcelas less the credit.
        assert g is not None and g.saldo_fundo_comum == D("120000.00")
        assert (await reconcile(session, grupo.grupo_id))["conciliado"]
    finally:
        await session.close()
        await engine.dispose()  # type: ignore[attr-defined]

    # The estorno takes it all back: the 10 parcelas open again, the fundo comum back to 123 400.00.
    session, engine = await sessao(tenant_a)
    try:
        pagamento_id = await session.scalar(
            select(Pagamento.id).where(
                Pagamento.cota_id == grupo.cotas[30], Pagamento.forma == FormaPagamento.LANCE
            )
        )
    finally:
        await session.close()
        await engine.dispose()  # type: ignore[attr-defined]
    r = await c.post(
        f"/api/pagamentos/{pagamento_id}/estorno",
        json={"motivo": "teste parcela integral"},
        headers={**h, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 200, r.text
    cronograma = (await c.get(f"/api/cotas/{grupo.cotas[30]}/parcelas", headers=h)).json()
    assert {p["numero"] for p in cronograma if p["status"] == "paga"} == {1, 2}
    session, engine = await sessao(tenant_a)
    try:
        g = await session.get(Grupo, grupo.grupo_id)
        assert g is not None and g.saldo_fundo_comum == D("123400.00")
    finally:
        await session.close()
        await engine.dispose()  # type: ignore[attr-defined]
