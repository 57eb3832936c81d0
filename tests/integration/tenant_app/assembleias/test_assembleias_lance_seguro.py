"""A paid lance and a seguro on the saldo devedor (issue 12, items 10-11; Res. CNSP 439/2022).

With the contract's ``mensal_saldo_devedor`` clause, the seguro of every parcela left after the
lance is the monthly percentage of what the cota then owes from it on, and the parcelas the lance
paid off owe none; the estorno puts every amount back.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from tenant_app.dinheiro.seguro import ModoSeguro
from tenant_app.grupos.models import Grupo
from tenant_app.pagamentos.models import FormaPagamento, Pagamento
from tenant_app.parcelas.models import Parcela
from tests.support.tenant_app_fixtures import Tenant

from .conftest import HOJE, PARCELA_FC, assembleia_aberta, passar_corte, semear_grupo, sessao, unidade

pytestmark = pytest.mark.integration

D = Decimal
PCT = D("0.1")  # % a month of the saldo devedor
EXTRACAO = {"concurso": 6005, "premios": ["83127", "10450", "22222", "31415", "40404"]}


async def _seguro_mensal(tenant: Tenant, grupo_id: uuid.UUID, cota_id: uuid.UUID) -> None:
    """The group's clause is mensal_saldo_devedor 0.1 %; parcelas 3..50 of the cota carry it."""
    uow, engine = await unidade(tenant)
    try:
        await uow.session.execute(
            update(Grupo)
            .where(Grupo.id == grupo_id)
            .values(seguro_modo=ModoSeguro.MENSAL_SALDO_DEVEDOR, seguro_pct=PCT)
        )
        for numero in range(3, 51):
            # Saldo before parcela k: (51 - k) x 2 340 (fc 2 000 + taxa 300 + fr 40), 0.1 % of it.
            seguro = (D(51 - numero) * D("2340.00") * PCT / 100).quantize(D("0.01"))
            uow.add(
                Parcela(
                    cota_id=cota_id,
                    grupo_id=grupo_id,
                    numero=numero,
                    vencimento=HOJE + timedelta(days=30 * (numero - 2)),
                    valor_fundo_comum=PARCELA_FC,
                    valor_taxa_administracao=D("300.00"),
                    valor_fundo_reserva=D("40.00"),
                    valor_seguro=seguro,
                    valor_total=D("2340.00") + seguro,
                )
            )
        await uow.commit()
    finally:
        await uow.close()
        await engine.dispose()  # type: ignore[attr-defined]


async def _seguros(tenant: Tenant, cota_id: uuid.UUID) -> dict[int, Decimal]:
    session, engine = await sessao(tenant)
    try:
        rows = await session.execute(
            select(Parcela.numero, Parcela.valor_seguro).where(
                Parcela.cota_id == cota_id, Parcela.numero >= 3
            )
        )
        return {n: D(v) for n, v in rows}
    finally:
        await session.close()
        await engine.dispose()  # type: ignore[attr-defined]


async def test_the_lance_lowers_the_saldo_and_the_seguro_follows(tenant_a: Tenant) -> None:
    c, h = tenant_a.client, tenant_a.auth()
    grupo = await semear_grupo(tenant_a, numero_cotas=50, saldo_comum=D("200000.00"))
    await _seguro_mensal(tenant_a, grupo.grupo_id, grupo.cotas[30])
    antes = await _seguros(tenant_a, grupo.cotas[30])
    assert (antes[3], antes[50]) == (D("112.32"), D("2.34"))  # 48 x 2 340 x 0.1 %; 2 340 x 0.1 %
    assembleia = await assembleia_aberta(tenant_a, grupo)
    r = await c.post(
        f"/api/assembleias/{assembleia}/lances",
        json={"cota_numero": 30, "tipo": "embutido", "percentual": "40.5", "percentual_embutido": "10"},
        headers=h,
    )
    assert r.status_code == 201, r.text
    await passar_corte(tenant_a, assembleia)
    r = await c.post(
        f"/api/assembleias/{assembleia}/apuracao",
        json=EXTRACAO,
        headers={**h, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 201, r.text
    chave = {"Idempotency-Key": uuid.uuid4().hex}
    r = await c.post(
        f"/api/assembleias/{assembleia}/pagamentos-lance",
        json={"cota_numero": 30, "valor": "30500.00"},
        headers={**h, **chave},
    )
    assert r.status_code == 201, r.text
    depois = await _seguros(tenant_a, grupo.cotas[30])
    # 40 500 amortised: parcelas 31..50 paid off (20 x 2 000), 500 spread over 3..30; their taxa
    # (20 x 300 = 6 000) and reserva (20 x 40 = 800) move onto 3..30. Paid off: no seguro.
    assert all(depois[n] == D("0.00") for n in range(31, 51))
    # Parcela 3 owes 0.1 % of what is left from it on: fc 28 x 2 000 - 500 = 55 500, taxa
    # 28 x 300 + 6 000 = 14 400, reserva 28 x 40 + 800 = 1 920 -> 71 820.00 -> 71.82 (was 112.32).
    assert depois[3] == D("71.82")
    # Parcela 30, the last: fc 2 000 - 17.85, taxa 300 + 214.28, reserva 40 + 28.57 = 2 565.00 -> 2.565
    # -> 2.57 (half up).
    assert depois[30] == D("2.57")
    # The estorno of the lance payment puts every seguro back.
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
        json={"motivo": "teste do seguro"},
        headers={**h, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 200, r.text
    assert await _seguros(tenant_a, grupo.cotas[30]) == antes
