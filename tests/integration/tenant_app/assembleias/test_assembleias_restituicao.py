"""Restitution at the credit's current value, less the cláusula penal (Lei 11.795 art. 30; issue 12, 3-4)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from tenant_app.grupos.models import Grupo
from tenant_app.ledger.models import Fundo, LancamentoFundo, OrigemLancamento
from tests.support.tenant_app_fixtures import Tenant

from .conftest import HOJE, assembleia_aberta, passar_corte, semear_grupo, sessao

pytestmark = pytest.mark.integration

REGRAS = {"metodo_sorteio": "centena_final", "contemplacoes_sorteio": 1, "sorteios_restituicao": 1}
# 50 cotas; every centena final is above the group, the walk from 950 starts at 50.
EXTRACAO = {"concurso": 6008, "premios": ["00950", "11870", "22777", "33666", "44555"]}


async def test_restitution_is_the_percentage_paid_of_todays_credit_less_the_penalty(tenant_a: Tenant) -> None:
    c, h = tenant_a.client, tenant_a.auth()
    # Credit 100 000 over 50 parcelas (2 000 of fundo comum each); cota 17 excluded after paying 1.
    grupo = await semear_grupo(
        tenant_a, numero_cotas=50, excluidas=frozenset({17}), saldo_comum=Decimal("500000")
    )
    session, engine = await sessao(tenant_a)
    try:
        await session.execute(update(Grupo).where(Grupo.id == grupo.grupo_id).values(clausula_penal_pct=10))
        await session.commit()
    finally:
        await session.close()
        await engine.dispose()  # type: ignore[attr-defined]
    # The bem's price rises 10 %: the credit is now 110 000.
    r = await c.post(
        f"/api/grupos/{grupo.grupo_id}/correcao",
        json={"indice_pct": "10", "referencia": "IPCA"},
        headers={**h, "Idempotency-Key": "correcao-ipca-1"},
    )
    assert r.status_code == 200, r.text
    assert Decimal(r.json()["valor_credito"]) == Decimal("110000.00")
    assembleia = await assembleia_aberta(tenant_a, grupo, regras=REGRAS)
    await passar_corte(tenant_a, assembleia)
    r = await c.post(
        f"/api/assembleias/{assembleia}/apuracao",
        json=EXTRACAO,
        headers={**h, "Idempotency-Key": "apuracao-1"},
    )
    assert r.status_code == 201, r.text
    (restituicao,) = [x for x in r.json()["contemplacoes"] if x["modalidade"] == "restituicao"]
    assert restituicao["cota_numero"] == 17
    # 1 of 50 parcelas = 2 % of the credit; 2 % x 110 000 = 2 200; less 10 % penalty = 1 980.00
    # (the R$ 2 000 it paid, the old figure, ignored both the correction and the contract's penalty).
    assert Decimal(restituicao["valor_credito"]) == Decimal("1980.00")
    entrada = (await c.get(f"/api/assembleias/{assembleia}/apuracao/entrada", headers=h)).json()
    assert entrada["cotas_excluidas"] == [{"numero": 17, "valor_restituicao": "1980"}]
    # Active cotas owe percentages too: 2 of 50 paid = 4 %, 96 % owed after the correction.
    assert {x["percentual_devido"] for x in entrada["cotas_ativas"]} == {"96"}


async def test_restitution_carries_the_yield_of_the_excluded_cotas_money(tenant_a: Tenant) -> None:
    c, h = tenant_a.client, tenant_a.auth()
    # Cota 17 excluded after paying its 1st parcela (2 000 of fundo comum, 60 days ago); no penalty.
    grupo = await semear_grupo(
        tenant_a, numero_cotas=50, excluidas=frozenset({17}), saldo_comum=Decimal("500000")
    )
    # The group's investments earned 5 000.00 net on 500 000.00 invested, from 50 to 20 days ago.
    r = await c.post(
        f"/api/grupos/{grupo.grupo_id}/rendimentos/",
        json={
            "inicio": (HOJE - timedelta(days=50)).isoformat(),
            "fim": (HOJE - timedelta(days=20)).isoformat(),
            "valor": "5000.00",
            "saldo_base": "500000.00",
        },
        headers={**h, "Idempotency-Key": "rendimento-1"},
    )
    assert r.status_code == 201, r.text
    assembleia = await assembleia_aberta(tenant_a, grupo, regras=REGRAS)
    await passar_corte(tenant_a, assembleia)
    r = await c.post(
        f"/api/assembleias/{assembleia}/apuracao",
        json=EXTRACAO,
        headers={**h, "Idempotency-Key": "apuracao-rendimento-1"},
    )
    assert r.status_code == 201, r.text
    (restituicao,) = [x for x in r.json()["contemplacoes"] if x["modalidade"] == "restituicao"]
    # 1 of 50 parcelas = 2 % x 100 000 = 2 000.00; its 2 000 sat in the fund the whole period:
    # 5 000.00 x 2 000 / 500 000 = 20.00 of yield (Lei 11.795 art. 30 with art. 24 § 1): 2 020.00.
    assert (restituicao["cota_numero"], restituicao["valor_credito"]) == (17, "2020.00")
    # Paid through the one path for money out: one ledger row for the cota, out of the fundo comum.
    session, engine = await sessao(tenant_a)
    try:
        rows = (
            await session.execute(
                select(LancamentoFundo.fundo, LancamentoFundo.valor).where(
                    LancamentoFundo.grupo_id == grupo.grupo_id,
                    LancamentoFundo.origem == OrigemLancamento.RESTITUICAO,
                    LancamentoFundo.cota_id == grupo.cotas[17],
                )
            )
        ).all()
    finally:
        await session.close()
        await engine.dispose()  # type: ignore[attr-defined]
    assert [(Fundo(f), v) for f, v in rows] == [(Fundo.FUNDO_COMUM, Decimal("-2020.00"))]
