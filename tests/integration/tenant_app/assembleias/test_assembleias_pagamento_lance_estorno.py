"""A paid lance is a pagamento of the cota: listed with the others, and its estorno undoes it to the centavo.

Real PostgreSQL and Redis, the app over HTTP: the lance goes through the one
money path (``registrar_pagamento``), so the cota's payment list shows it with
forma ``lance``, and ``POST /api/pagamentos/{id}/estorno`` (the estorno of any
payment) restores the parcelas, the ledger and the lance's unpaid state exactly.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from tenant_app.assembleias.pagamento_lance import lances_vencidos
from tenant_app.grupos.models import Grupo
from tenant_app.ledger.models import Fundo, LancamentoFundo, OrigemLancamento
from tenant_app.ledger.service import reconcile
from tenant_app.parcelas.models import Parcela
from tests.support.tenant_app_fixtures import Tenant

from .conftest import HOJE, GrupoSemeado, assert_problem, sessao
from .test_assembleias_pagamento_lance import _apurada

pytestmark = pytest.mark.integration


def _chave() -> dict[str, str]:
    return {"Idempotency-Key": f"lance-estorno-{uuid.uuid4().hex}"}


async def _estado(tenant: Tenant, grupo: GrupoSemeado, cota: int) -> dict[str, Any]:
    """Every money field of the cota's parcelas, the group's balances and its ledger sums per fund."""
    session, engine = await sessao(tenant)
    try:
        parcelas = {
            p.numero: (
                p.pago_fundo_comum,
                p.pago_fundo_reserva,
                p.pago_taxa_administracao,
                p.pago_seguro,
                p.pago_multa,
                p.pago_juros,
                p.juros_pendentes,
                p.juros_calculados_ate,
                p.status,
                p.paga_em,
                # A lance reducing the term also moves taxa/reserva off the parcelas it pays off.
                p.valor_taxa_administracao,
                p.valor_fundo_reserva,
                p.valor_seguro,
                p.valor_total,
                p.pago_ate_vencimento,
            )
            for p in (
                await session.scalars(select(Parcela).where(Parcela.cota_id == grupo.cotas[cota]))
            ).all()
        }
        g = await session.get(Grupo, grupo.grupo_id)
        assert g is not None
        por_fundo = dict(
            (
                await session.execute(
                    select(LancamentoFundo.fundo, func.sum(LancamentoFundo.valor))
                    .where(LancamentoFundo.grupo_id == grupo.grupo_id)
                    .group_by(LancamentoFundo.fundo)
                )
            ).all()
        )
        conciliacao = await reconcile(session, grupo.grupo_id)
        assert conciliacao["conciliado"], conciliacao
        return {
            "parcelas": parcelas,
            "saldos": (g.saldo_fundo_comum, g.saldo_fundo_reserva),
            "ledger": por_fundo,
        }
    finally:
        await session.close()
        await engine.dispose()  # type: ignore[attr-defined]


async def _vencidos_apos_o_prazo(tenant: Tenant, assembleia: str) -> list[tuple[uuid.UUID, int]]:
    """The unpaid winners the disqualification job would find a month from now."""
    session, engine = await sessao(tenant)
    try:
        return await lances_vencidos(session, HOJE + timedelta(days=30), uuid.UUID(assembleia))
    finally:
        await session.close()
        await engine.dispose()  # type: ignore[attr-defined]


async def test_lance_payment_is_listed_and_its_estorno_restores_everything(tenant_a: Tenant) -> None:
    c, h = tenant_a.client, tenant_a.auth()
    grupo, assembleia = await _apurada(tenant_a)
    cota_id = grupo.cotas[30]
    antes = await _estado(tenant_a, grupo, 30)

    url = f"/api/assembleias/{assembleia}/pagamentos-lance"
    r = await c.post(url, json={"cota_numero": 30, "valor": "30500.00"}, headers={**h, **_chave()})
    assert r.status_code == 201, r.text
    pagamento_id = r.json()["pagamento_id"]

    # Listed with the cota's payments: the whole amortised value, of which 10,000 came from the credit.
    lista = (await c.get(f"/api/cotas/{cota_id}/pagamentos", headers=h)).json()
    (lance,) = [p for p in lista["items"] if p["id"] == pagamento_id]
    assert lance["forma"] == "lance" and lance["status"] == "confirmado"
    assert Decimal(lance["valor"]) == Decimal("40500.00")
    assert Decimal(lance["valor_embutido"]) == Decimal("10000.00")
    # 20 whole fundo comum shares (parcelas 31..50) and R$ 500 over 3..30: every allocation is fundo comum.
    assert sum(Decimal(a["fundo_comum"]) for a in lance["alocacoes"]) == Decimal("40500.00")
    assert all(
        Decimal(a[k]) == 0
        for a in lance["alocacoes"]
        for k in ("fundo_reserva", "taxa_administracao", "seguro", "multa", "juros")
    )
    assert {a["parcela_numero"] for a in lance["alocacoes"]} == set(range(3, 51))
    assert (await c.get(f"/api/pagamentos/{pagamento_id}", headers=h)).json() == lance
    pago = await _estado(tenant_a, grupo, 30)
    assert pago["parcelas"] != antes["parcelas"]
    # The fundo comum balance does not move: the lance money pays the carta at once.
    assert pago["saldos"] == antes["saldos"]
    assert pago["ledger"] == antes["ledger"]
    assert await _vencidos_apos_o_prazo(tenant_a, assembleia) == []

    # The same estorno as any payment.
    r = await c.post(
        f"/api/pagamentos/{pagamento_id}/estorno",
        json={"motivo": "cheque devolvido"},
        headers={**h, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "estornado"
    depois = await _estado(tenant_a, grupo, 30)
    # Parcelas, balances and ledger sums per fund are back to the centavo.
    assert depois == antes
    session, engine = await sessao(tenant_a)
    try:
        movimentos = sorted(
            (x.origem, x.fundo, x.valor)
            for x in (
                await session.scalars(
                    select(LancamentoFundo).where(LancamentoFundo.pagamento_id == uuid.UUID(pagamento_id))
                )
            ).all()
        )
    finally:
        await session.close()
        await engine.dispose()  # type: ignore[attr-defined]
    assert movimentos == [
        (OrigemLancamento.CONTEMPLACAO, Fundo.FUNDO_COMUM, Decimal("-40500.00")),
        (OrigemLancamento.CONTEMPLACAO, Fundo.FUNDO_COMUM, Decimal("40500.00")),
        (OrigemLancamento.ESTORNO, Fundo.FUNDO_COMUM, Decimal("-40500.00")),
        (OrigemLancamento.LANCE, Fundo.FUNDO_COMUM, Decimal("40500.00")),
    ]
    assert_problem(
        await c.post(
            f"/api/pagamentos/{pagamento_id}/estorno",
            json={"motivo": "de novo"},
            headers={**h, "Idempotency-Key": uuid.uuid4().hex},
        ),
        409,
    )

    # The lance is unpaid again: the apuração says so, and the winner may pay it (within the deadline).
    base = f"/api/assembleias/{assembleia}"
    apuracao = (await c.get(f"{base}/apuracao", headers=h)).json()
    assert {x["cota_numero"]: x["lance_pago_em"] for x in apuracao["contemplacoes"]}[30] is None
    assert await _vencidos_apos_o_prazo(tenant_a, assembleia) == [(uuid.UUID(assembleia), 30)]
    r = await c.post(url, json={"cota_numero": 30, "valor": "30500.00"}, headers={**h, **_chave()})
    assert r.status_code == 201, r.text
    assert r.json()["pagamento_id"] != pagamento_id
    assert (await _estado(tenant_a, grupo, 30))["parcelas"] == pago["parcelas"]
    lista = (await c.get(f"/api/cotas/{cota_id}/pagamentos", headers=h)).json()
    assert sorted((p["forma"], p["status"]) for p in lista["items"]) == [
        ("lance", "confirmado"),
        ("lance", "estornado"),
    ]


async def test_a_lance_is_not_an_ordinary_payment(tenant_a: Tenant) -> None:
    c, h = tenant_a.client, tenant_a.auth()
    grupo, _ = await _apurada(tenant_a)
    body = assert_problem(
        await c.post(
            f"/api/cotas/{grupo.cotas[30]}/pagamentos",
            json={"valor": "100.00", "forma": "lance"},
            headers={**h, **_chave()},
        ),
        422,
    )
    assert body["errors"][0]["campo"] == "forma"
