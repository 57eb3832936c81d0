"""Paying the winning lance (real PostgreSQL and Redis, the app over HTTP).

The lance amortises the future parcelas as the apuração planned, the cash
enters the fundo comum once per Idempotency-Key, and a winner who lets the
deadline pass is disqualified so the next bid wins.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from tenant_app import calendario
from tenant_app.assembleias.models import ContemplacaoCota
from tenant_app.assembleias.pagamento_lance import desclassificar_vencidos
from tenant_app.assembleias.prazo_lance import prazo_pagamento_lance
from tenant_app.cotas.models import Cota
from tenant_app.grupos.models import Grupo
from tenant_app.ledger.models import Fundo, LancamentoFundo, OrigemLancamento
from tenant_app.ledger.service import reconcile
from tenant_app.parcelas.models import Parcela, StatusParcela
from tenant_app.system.redis_keys import create_redis
from tests.support.tenant_app_fixtures import Tenant

from .conftest import (
    HOJE,
    PARCELA_FC,
    REGRAS_FINAIS,
    GrupoSemeado,
    assembleia_aberta,
    assert_problem,
    passar_corte,
    semear_grupo,
    sessao,
    unidade,
)

pytestmark = pytest.mark.integration

# Drawn number 27: sorteio to cota 27; cota 30 (40.5%) wins by lance, cota 10 (40%) is next.
EXTRACAO = {"concurso": 6005, "premios": ["83127", "10450", "22222", "31415", "40404"]}
LANCES = (
    {"cota_numero": 30, "tipo": "embutido", "percentual": "40.5", "percentual_embutido": "10"},
    {"cota_numero": 10, "tipo": "livre", "percentual": "40"},
    {"cota_numero": 5, "tipo": "livre", "percentual": "30"},
)


async def _parcelas_futuras(tenant: Tenant, grupo: GrupoSemeado, cotas: tuple[int, ...]) -> None:
    """Parcelas 3..50 (not yet due) of ``cotas``: the semeado group only has the first two."""
    uow, engine = await unidade(tenant)
    try:
        for n in cotas:
            for numero in range(3, 51):
                uow.add(
                    Parcela(
                        cota_id=grupo.cotas[n],
                        grupo_id=grupo.grupo_id,
                        numero=numero,
                        vencimento=HOJE + timedelta(days=30 * (numero - 2)),
                        valor_fundo_comum=PARCELA_FC,
                        valor_taxa_administracao=Decimal("300.00"),
                        valor_fundo_reserva=Decimal("40.00"),
                        valor_seguro=Decimal("0.00"),
                        valor_total=Decimal("2340.00"),
                    )
                )
        await uow.commit()
    finally:
        await uow.close()
        await engine.dispose()  # type: ignore[attr-defined]


async def _apurada(tenant: Tenant) -> tuple[GrupoSemeado, str]:
    c, h = tenant.client, tenant.auth()
    grupo = await semear_grupo(tenant, numero_cotas=50, saldo_comum=Decimal("200000.00"))
    await _parcelas_futuras(tenant, grupo, (10, 30))
    assembleia = await assembleia_aberta(tenant, grupo)
    base = f"/api/assembleias/{assembleia}"
    for lance in LANCES:
        r = await c.post(f"{base}/lances", json=lance, headers=h)
        assert r.status_code == 201, r.text
    await passar_corte(tenant, assembleia)
    r = await c.post(f"{base}/apuracao", json=EXTRACAO, headers={**h, "Idempotency-Key": uuid.uuid4().hex})
    assert r.status_code == 201, r.text
    premios = {x["cota_numero"]: x for x in r.json()["contemplacoes"]}
    assert {n: x["modalidade"] for n, x in premios.items()} == {27: "sorteio", 30: "lance"}
    assert Decimal(premios[30]["valor_lance_a_pagar"]) == Decimal("30500.00")
    # The contract default: 3 business days after the apuração day (in the administradora's time zone).
    esperado = prazo_pagamento_lance(calendario.hoje(), 3)
    assert premios[30]["prazo_pagamento_lance"] == esperado.isoformat()
    assert premios[27]["prazo_pagamento_lance"] is None
    return grupo, assembleia


def _chave() -> dict[str, str]:
    return {"Idempotency-Key": f"lance-{uuid.uuid4().hex}"}


async def test_paying_the_lance_amortises_parcelas_and_reconciles(tenant_a: Tenant) -> None:
    c, h = tenant_a.client, tenant_a.auth()
    grupo, assembleia = await _apurada(tenant_a)
    url = f"/api/assembleias/{assembleia}/pagamentos-lance"

    # The whole bid is R$ 40,500, but R$ 10,000 is embutido: only R$ 30,500 is paid in cash.
    body = assert_problem(
        await c.post(url, json={"cota_numero": 30, "valor": "40500.00"}, headers={**h, **_chave()}), 422
    )
    assert body["errors"][0]["campo"] == "valor"
    assert "R$ 30500.00" in body["errors"][0]["mensagem"] and "embutida" in body["errors"][0]["mensagem"]
    assert_problem(
        await c.post(url, json={"cota_numero": 30, "valor": "30500.001"}, headers={**h, **_chave()}), 422
    )
    # The sorteio winner and a cota that was not contemplated have no lance to pay.
    for cota in (27, 10):
        body = assert_problem(
            await c.post(url, json={"cota_numero": cota, "valor": "30500.00"}, headers={**h, **_chave()}), 422
        )
        assert "não foi contemplada por lance" in body["detail"]
    # Money never moves without an Idempotency-Key.
    assert_problem(await c.post(url, json={"cota_numero": 30, "valor": "30500.00"}, headers=h), 428)

    chave = _chave()
    r = await c.post(url, json={"cota_numero": 30, "valor": "30500.00"}, headers={**h, **chave})
    assert r.status_code == 201, r.text
    assert r.headers["Idempotent-Replayed"] == "false"
    pago = r.json()
    assert Decimal(pago["valor_pago"]) == Decimal("30500.00")
    assert Decimal(pago["valor_amortizado"]) == Decimal("40500.00")
    # 96% owed over 48 parcelas (2% each): 20 whole parcelas from the end, the R$ 500 left over 28.
    aplicado = {p["parcela_numero"]: Decimal(p["valor"]) for p in pago["parcelas"]}
    assert {n for n, v in aplicado.items() if v == PARCELA_FC} == set(range(31, 51))
    assert [aplicado[n] for n in range(3, 31)] == [Decimal("17.86")] * 20 + [Decimal("17.85")] * 8
    assert sum(aplicado.values()) == Decimal("40500.00")

    # The same key replays the first answer and moves nothing again; another key is refused.
    r2 = await c.post(url, json={"cota_numero": 30, "valor": "30500.00"}, headers={**h, **chave})
    assert r2.status_code == 201 and r2.json() == pago and r2.headers["Idempotent-Replayed"] == "true"
    assert_problem(
        await c.post(url, json={"cota_numero": 30, "valor": "30500.00"}, headers={**h, **_chave()}), 409
    )
    # A paid winner can no longer be disqualified.
    base = f"/api/assembleias/{assembleia}"
    assert_problem(
        await c.post(
            f"{base}/desclassificacoes",
            json={"cota_numero": 30},
            headers={**h, "Idempotency-Key": uuid.uuid4().hex},
        ),
        422,
    )
    apuracao = (await c.get(f"{base}/apuracao", headers=h)).json()
    assert {x["cota_numero"]: x["lance_pago_em"] is not None for x in apuracao["contemplacoes"]} == {
        27: False,
        30: True,
    }

    session, engine = await sessao(tenant_a)
    try:
        parcelas = {
            p.numero: p
            for p in (await session.scalars(select(Parcela).where(Parcela.cota_id == grupo.cotas[30]))).all()
        }
        for n in range(31, 51):
            assert parcelas[n].pago_fundo_comum == PARCELA_FC
            # The apuração said these 20 parcelas are paid off (reduzir_prazo): they are, and owe
            # nothing more (issue 12 item 10; they used to stay parcial owing taxa and reserva).
            assert parcelas[n].status is StatusParcela.PAGA and parcelas[n].saldo == Decimal("0.00")
            assert parcelas[n].valor_total == PARCELA_FC
        # Their taxa (20 x 300 = 6000) and reserva (20 x 40 = 800) moved onto parcelas 3-30:
        # 6000 / 28 = 214.2857 -> 214.29 on the first 16, 214.28 on 12; 800 / 28 -> 28.58 on 4, 28.57 on 24.
        assert [parcelas[n].valor_taxa_administracao for n in range(3, 31)] == [Decimal("514.29")] * 16 + [
            Decimal("514.28")
        ] * 12
        assert [parcelas[n].valor_fundo_reserva for n in range(3, 31)] == [Decimal("68.58")] * 4 + [
            Decimal("68.57")
        ] * 24
        assert all(parcelas[n].status is StatusParcela.PARCIAL for n in range(3, 31))
        assert parcelas[3].pago_fundo_comum == Decimal("17.86") and parcelas[30].pago_fundo_comum == Decimal(
            "17.85"
        )
        assert sum((p.saldo for n, p in parcelas.items() if n >= 3), Decimal(0)) == 48 * Decimal(
            "2340.00"
        ) - Decimal("40500.00")
        # Cota 10 (not contemplated) is untouched.
        intocadas = await session.scalar(
            select(func.sum(Parcela.pago_fundo_comum)).where(
                Parcela.cota_id == grupo.cotas[10], Parcela.numero >= 3
            )
        )
        assert intocadas == Decimal("0.00")

        lancamentos = (
            await session.scalars(
                select(LancamentoFundo).where(
                    LancamentoFundo.grupo_id == grupo.grupo_id, LancamentoFundo.cota_id == grupo.cotas[30]
                )
            )
        ).all()
        # The whole amortised lance (30,500 cash + 10,000 embutido) enters the fundo comum as the
        # cota's contribution and at once pays the part of the carta it covers: the carta leaves in
        # full (59,500 at the apuração + 40,500 now = the 100,000 credit), and the cota's ledger
        # contributions equal what its parcelas record as paid. (Booking only the 30,500 cash left
        # the embutido out of both: 10,000 of paid parcelas with no contribution in the ledger.)
        assert sorted((x.origem, x.fundo, x.valor) for x in lancamentos) == [
            (OrigemLancamento.CONTEMPLACAO, Fundo.FUNDO_COMUM, Decimal("-40500.00")),
            (OrigemLancamento.LANCE, Fundo.FUNDO_COMUM, Decimal("40500.00")),
        ]
        contribuicao = sum(x.valor for x in lancamentos if x.origem is OrigemLancamento.LANCE)
        assert contribuicao == sum((p.pago_fundo_comum for n, p in parcelas.items() if n >= 3), Decimal(0))
        g = await session.get(Grupo, grupo.grupo_id)
        # 200k - 100k (sorteio) - 59.5k (90k carta net of the 30.5k cash lance) = 40.5k.
        assert g is not None and g.saldo_fundo_comum == Decimal("40500.00")
        conciliacao = await reconcile(session, grupo.grupo_id)
        assert conciliacao["conciliado"] and conciliacao["lancamentos_fundo_comum"] == Decimal("40500.00")
        abertas = sum(1 for p in parcelas.values() if p.status is not StatusParcela.PAGA)
        vencedora = await session.scalar(
            select(ContemplacaoCota).where(ContemplacaoCota.cota_id == grupo.cotas[30])
        )
        assert vencedora is not None and vencedora.detalhe is not None
        # The apuração's result, the schedule and /saldo say the same thing: 20 paid off, 28 to go.
        assert vencedora.detalhe["amortizacao"]["parcelas_quitadas"] == 20
    finally:
        await session.close()
        await engine.dispose()  # type: ignore[attr-defined]
    saldo = (await c.get(f"/api/cotas/{grupo.cotas[30]}/saldo", headers=h)).json()
    assert saldo["parcelas_em_aberto"] == abertas
    cronograma = (await c.get(f"/api/cotas/{grupo.cotas[30]}/parcelas", headers=h)).json()
    assert {p["numero"] for p in cronograma if p["status"] == "paga"} >= set(range(31, 51))
    assert {p["numero"] for p in cronograma if p["status"] != "paga"} >= set(range(3, 31))


async def test_deadline_passed_disqualifies_and_the_next_bid_wins(tenant_a: Tenant) -> None:
    c, h = tenant_a.client, tenant_a.auth()
    grupo, assembleia = await _apurada(tenant_a)
    base = f"/api/assembleias/{assembleia}"

    # Before the deadline the job does nothing.
    assert (
        await c.post(f"{base}/desclassificacoes-vencidas", headers={**h, "Idempotency-Key": uuid.uuid4().hex})
    ).json()["revisao"] == 1

    # The test plays the clock: the deadline was yesterday.
    uow, engine = await unidade(tenant_a)
    session = uow.session
    redis = create_redis(tenant_a.settings.redis)
    try:
        await session.execute(
            update(ContemplacaoCota)
            .where(ContemplacaoCota.cota_id == grupo.cotas[30])
            .values(prazo_pagamento_lance=HOJE - timedelta(days=1))
        )
        await session.commit()
        url = f"{base}/pagamentos-lance"
        body = assert_problem(
            await c.post(url, json={"cota_numero": 30, "valor": "30500.00"}, headers={**h, **_chave()}), 409
        )
        assert "prazo" in body["detail"]

        # What the Celery task runs.
        feitos = await desclassificar_vencidos(uow, redis, tenant_a.settings, HOJE)
        assert feitos == [(uuid.UUID(assembleia), 30)]
        assert await desclassificar_vencidos(uow, redis, tenant_a.settings, HOJE) == []
        g = await session.get(Grupo, grupo.grupo_id, populate_existing=True)
        # The unpaid lance never entered the ledger; the next bid (10, 40% cash) costs 60k net.
        assert g is not None and g.saldo_fundo_comum == Decimal("40000.00")
        conciliacao = await reconcile(session, grupo.grupo_id)
        assert conciliacao["conciliado"], conciliacao
        contemplada = await session.scalar(select(Cota.contemplada).where(Cota.id == grupo.cotas[30]))
        assert contemplada is False
    finally:
        await redis.close()
        await session.close()
        await engine.dispose()  # type: ignore[attr-defined]

    apuracao = (
        await c.post(f"{base}/desclassificacoes-vencidas", headers={**h, "Idempotency-Key": uuid.uuid4().hex})
    ).json()
    assert apuracao["revisao"] == 2  # idempotent: nothing new
    situacao = {x["cota_numero"]: (x["modalidade"], x["status"]) for x in apuracao["contemplacoes"]}
    assert situacao == {27: ("sorteio", "ativa"), 10: ("lance", "ativa"), 30: ("lance", "desclassificada")}
    novo = next(x for x in apuracao["contemplacoes"] if x["cota_numero"] == 10)
    assert novo["prazo_pagamento_lance"] > HOJE.isoformat()

    # The disqualified cota cannot pay any more; the new winner pays its 40k and is amortised.
    url = f"{base}/pagamentos-lance"
    assert_problem(
        await c.post(url, json={"cota_numero": 30, "valor": "30500.00"}, headers={**h, **_chave()}), 422
    )
    r = await c.post(url, json={"cota_numero": 10, "valor": "40000.00"}, headers={**h, **_chave()})
    assert r.status_code == 201, r.text
    assert {p["parcela_numero"] for p in r.json()["parcelas"]} == set(range(31, 51))


async def test_tenant_b_cannot_pay_or_see_tenant_a_lance(tenant_a: Tenant, tenant_b: Tenant) -> None:
    _, assembleia = await _apurada(tenant_a)
    base = f"/api/assembleias/{assembleia}"
    b, hb = tenant_b.client, tenant_b.auth()
    corpo = {"cota_numero": 30, "valor": "30500.00"}
    r = await b.post(f"{base}/pagamentos-lance", json=corpo, headers={**hb, **_chave()})
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")
    assert (
        await b.post(
            f"{base}/desclassificacoes-vencidas", headers={**hb, "Idempotency-Key": uuid.uuid4().hex}
        )
    ).status_code == 404
    assert (await b.get(f"{base}/apuracao", headers=hb)).status_code == 404
    # B's token on A's app is rejected outright.
    r = await tenant_a.client.post(f"{base}/pagamentos-lance", json=corpo, headers={**hb, **_chave()})
    assert r.status_code == 401
    # Nothing moved in A: the lance is still unpaid and A can pay it.
    apuracao = (await tenant_a.client.get(f"{base}/apuracao", headers=tenant_a.auth())).json()
    assert all(x["lance_pago_em"] is None for x in apuracao["contemplacoes"])
    r = await tenant_a.client.post(
        f"{base}/pagamentos-lance", json=corpo, headers={**tenant_a.auth(), **_chave()}
    )
    assert r.status_code == 201, r.text


async def test_the_deadline_is_a_contract_parameter(tenant_a: Tenant) -> None:
    c, h = tenant_a.client, tenant_a.auth()
    grupo = await semear_grupo(tenant_a, numero_cotas=5)
    url = f"/api/grupos/{grupo.grupo_id}/regras-assembleia/"
    r = await c.get(url, headers=h)
    assert r.status_code == 404
    r = await c.put(url, json=REGRAS_FINAIS, headers=h)
    assert r.status_code == 200 and r.json()["prazo_pagamento_lance_dias"] == 3
    r = await c.put(url, json={**REGRAS_FINAIS, "prazo_pagamento_lance_dias": 5}, headers=h)
    assert r.status_code == 200, r.text
    assert (await c.get(url, headers=h)).json()["prazo_pagamento_lance_dias"] == 5
    for invalido in (0, 31, "três"):
        assert_problem(
            await c.put(url, json={**REGRAS_FINAIS, "prazo_pagamento_lance_dias": invalido}, headers=h), 400
        )
