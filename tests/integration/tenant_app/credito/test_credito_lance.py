"""A lance winner's carta (real apuração, real lance payment, real disqualification): the embutido part
comes off the crédito, the carta is usable only once the lance is paid (funded from the day it was paid),
and the carta of a winner disqualified for not paying is cancelled."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from tenant_app.assembleias.models import Assembleia, ContemplacaoCota
from tenant_app.credito.models import CartaCredito
from tenant_app.ledger.models import Fundo, LancamentoFundo
from tests.support.tenant_app_fixtures import Tenant

from .conftest import HOJE, assert_problem, chave, registrar_rendimento, semear_grupo, unidade

pytestmark = pytest.mark.integration


async def test_carta_de_lance(tenant_a: Tenant) -> None:
    c, h = tenant_a.client, tenant_a.auth()
    grupo = await semear_grupo(tenant_a, parcelas=50, pagas=2)
    r = await c.put(
        f"/api/grupos/{grupo.grupo_id}/regras-assembleia/",
        json={
            "metodo_sorteio": "finais",
            "contemplacoes_sorteio": 0,
            "tipos_lance": ["livre", "embutido"],
            "embutido_maximo_percentual": "30",
        },
        headers=h,
    )
    assert r.status_code == 200, r.text
    r = await c.post(
        f"/api/grupos/{grupo.grupo_id}/assembleias/",
        json={
            "numero": 1,
            "data_assembleia": (HOJE + timedelta(days=1)).isoformat(),
            "corte_lances_em": (datetime.now(UTC) + timedelta(hours=2)).isoformat(),
        },
        headers=h,
    )
    assembleia = r.json()["id"]
    assert (await c.post(f"/api/assembleias/{assembleia}/abertura-lances", headers=h)).status_code == 200
    lances = [
        {"cota_numero": 5, "tipo": "embutido", "percentual": "40", "percentual_embutido": "20"},
        {"cota_numero": 6, "tipo": "livre", "percentual": "30"},
    ]
    for lance in lances:
        r = await c.post(f"/api/assembleias/{assembleia}/lances", json=lance, headers=h)
        assert r.status_code == 201, r.text
    uow, engine = await unidade(tenant_a)
    try:
        await uow.session.execute(
            update(Assembleia)
            .where(Assembleia.id == uuid.UUID(assembleia))
            .values(corte_lances_em=datetime.now(UTC) - timedelta(seconds=1))
        )
        await uow.session.commit()
    finally:
        await uow.close()
        await engine.dispose()  # type: ignore[attr-defined]
    r = await c.post(
        f"/api/assembleias/{assembleia}/apuracao",
        json={"concurso": 7001, "premios": ["12345", "11111", "22222", "33333", "44444"]},
        headers={**h, **chave()},
    )
    assert r.status_code == 201, r.text
    assert sorted(x["cota_numero"] for x in r.json()["contemplacoes"]) == [5, 6]

    ficha = (await c.get(f"/api/cotas/{grupo.cotas[5]}/credito", headers=h)).json()
    carta = ficha["carta"]
    # 100,000 at the AGO less the embutido 20 %: the carta is 80,000; not usable before the lance is paid.
    assert (carta["valor_credito"], carta["valor_embutido"], carta["valor_carta"]) == (
        "100000.00",
        "20000.00",
        "80000.00",
    )
    assert carta["disponivel_em"] is None
    base = f"/api/creditos/{carta['id']}"
    assert_problem(
        await c.post(f"{base}/analise", json={"motivo": "Pedido"}, headers={**h, **chave()}),
        422,
        "lance_nao_pago",
    )
    r = await c.post(
        f"/api/assembleias/{assembleia}/pagamentos-lance",
        json={"cota_numero": 5, "valor": "20000.00"},
        headers={**h, **chave()},
    )
    assert r.status_code in (200, 201), r.text
    r = await c.post(f"{base}/analise", json={"motivo": "Pedido"}, headers={**h, **chave()})
    assert r.status_code == 200, r.text
    assert r.json()["carta"]["disponivel_em"] == HOJE.isoformat()

    # Cota 6 never paid: disqualified, its carta is cancelled and refuses every action.
    r = await c.post(
        f"/api/assembleias/{assembleia}/desclassificacoes", json={"cota_numero": 6}, headers={**h, **chave()}
    )
    assert r.status_code in (200, 201), r.text
    carta6 = (await c.get(f"/api/cotas/{grupo.cotas[6]}/credito", headers=h)).json()["carta"]
    problem = assert_problem(
        await c.post(
            f"/api/creditos/{carta6['id']}/analise", json={"motivo": "Pedido"}, headers={**h, **chave()}
        ),
        409,
        "transicao_invalida",
    )
    assert "cancelada" in problem["detail"]
    assert (await c.get(f"/api/creditos/{carta6['id']}", headers=h)).json()["carta"]["status"] == "cancelada"

    uow, engine = await unidade(tenant_a)
    try:
        reservado = await uow.session.scalar(
            select(func.sum(LancamentoFundo.valor)).where(
                LancamentoFundo.fundo == Fundo.CREDITOS_A_PAGAR,
                LancamentoFundo.referencia_id.in_([uuid.UUID(carta["id"]), uuid.UUID(carta6["id"])]),
            )
        )
        assert reservado == Decimal("80000.00")  # only the paid winner's carta was set aside
    finally:
        await uow.close()
        await engine.dispose()  # type: ignore[attr-defined]


async def _no_razao(tenant: Tenant, carta_id: str) -> tuple[Decimal, Decimal, object]:
    """The carta's money in Fundo.CREDITOS_A_PAGAR, the grupo's fundo comum balance, its disponivel_em."""
    uow, engine = await unidade(tenant)
    try:
        carta = await uow.session.get(CartaCredito, uuid.UUID(carta_id))
        assert carta is not None
        reservado = await uow.session.scalar(
            select(func.coalesce(func.sum(LancamentoFundo.valor), 0)).where(
                LancamentoFundo.fundo == Fundo.CREDITOS_A_PAGAR,
                LancamentoFundo.referencia_id == carta.id,
            )
        )
        fundo_comum = await uow.session.scalar(
            select(func.coalesce(func.sum(LancamentoFundo.valor), 0)).where(
                LancamentoFundo.fundo == Fundo.FUNDO_COMUM, LancamentoFundo.grupo_id == carta.grupo_id
            )
        )
        return Decimal(reservado or 0), Decimal(fundo_comum or 0), carta.disponivel_em
    finally:
        await uow.close()
        await engine.dispose()  # type: ignore[attr-defined]


async def test_estorno_do_lance_retira_a_carta_do_razao(tenant_a: Tenant) -> None:
    """Estorno of the lance's pagamento after the carta was funded: the set-aside (and its yield) is
    reversed in the ledger, the carta waits for the lance again, and a new payment funds it again."""
    c, h = tenant_a.client, tenant_a.auth()
    grupo = await semear_grupo(tenant_a, parcelas=50, pagas=2)
    r = await c.put(
        f"/api/grupos/{grupo.grupo_id}/regras-assembleia/",
        json={"metodo_sorteio": "finais", "contemplacoes_sorteio": 0, "tipos_lance": ["livre"]},
        headers=h,
    )
    assert r.status_code == 200, r.text
    r = await c.post(
        f"/api/grupos/{grupo.grupo_id}/assembleias/",
        json={
            "numero": 1,
            "data_assembleia": (HOJE + timedelta(days=1)).isoformat(),
            "corte_lances_em": (datetime.now(UTC) + timedelta(hours=2)).isoformat(),
        },
        headers=h,
    )
    assembleia = r.json()["id"]
    assert (await c.post(f"/api/assembleias/{assembleia}/abertura-lances", headers=h)).status_code == 200
    r = await c.post(
        f"/api/assembleias/{assembleia}/lances",
        json={"cota_numero": 4, "tipo": "livre", "percentual": "30"},
        headers=h,
    )
    assert r.status_code == 201, r.text
    uow, engine = await unidade(tenant_a)
    try:
        await uow.session.execute(
            update(Assembleia)
            .where(Assembleia.id == uuid.UUID(assembleia))
            .values(corte_lances_em=datetime.now(UTC) - timedelta(seconds=1))
        )
        await uow.session.commit()
    finally:
        await uow.close()
        await engine.dispose()  # type: ignore[attr-defined]
    r = await c.post(
        f"/api/assembleias/{assembleia}/apuracao",
        json={"concurso": 7101, "premios": ["12345", "11111", "22222", "33333", "44444"]},
        headers={**h, **chave()},
    )
    assert r.status_code == 201, r.text
    carta = (await c.get(f"/api/cotas/{grupo.cotas[4]}/credito", headers=h)).json()["carta"]
    pagar_lance = {"cota_numero": 4, "valor": "30000.00"}
    r = await c.post(
        f"/api/assembleias/{assembleia}/pagamentos-lance", json=pagar_lance, headers={**h, **chave()}
    )
    assert r.status_code in (200, 201), r.text
    r = await c.post(
        f"/api/creditos/{carta['id']}/analise", json={"motivo": "Pedido"}, headers={**h, **chave()}
    )
    assert r.status_code == 200, r.text
    # A period of the group's yield shared with the funded carta: it earned part of it.
    await registrar_rendimento(tenant_a, grupo.grupo_id, HOJE, HOJE, Decimal("50.00"), Decimal("500000.00"))
    rotina = f"/api/grupos/{grupo.grupo_id}/creditos/rendimentos"
    assert (await c.post(rotina, headers={**h, **chave()})).status_code == 200
    reservado, fundo_comum, disponivel = await _no_razao(tenant_a, carta["id"])
    rendimento = reservado - Decimal("100000.00")
    assert rendimento > 0 and disponivel == HOJE

    uow, engine = await unidade(tenant_a)
    try:
        pagamento_id = await uow.session.scalar(
            select(ContemplacaoCota.pagamento_id).where(ContemplacaoCota.cota_id == grupo.cotas[4])
        )
    finally:
        await uow.close()
        await engine.dispose()  # type: ignore[attr-defined]
    r = await c.post(
        f"/api/pagamentos/{pagamento_id}/estorno",
        json={"motivo": "Cheque devolvido"},
        headers={**h, **chave()},
    )
    assert r.status_code == 200, r.text
    # The daily routine (and every crédito action) brings the carta in line: its money leaves
    # creditos_a_pagar, its yield returns to the fundo comum.
    _, fundo_comum, _ = await _no_razao(tenant_a, carta["id"])
    assert (await c.post(rotina, headers={**h, **chave()})).status_code == 200
    depois, fundo_comum_depois, disponivel = await _no_razao(tenant_a, carta["id"])
    assert (depois, disponivel) == (Decimal("0.00"), None)
    assert fundo_comum_depois == fundo_comum + rendimento  # the carta's yield back to the group
    ficha = (await c.get(f"/api/creditos/{carta['id']}", headers=h)).json()["carta"]
    assert ficha["rendimentos"] == "0.00"
    conciliacao = (await c.get(f"/api/grupos/{grupo.grupo_id}/creditos/conciliacao", headers=h)).json()
    assert conciliacao["conciliado"] is True, conciliacao
    assert_problem(
        await c.post(
            f"/api/creditos/{carta['id']}/analise", json={"motivo": "Pedido"}, headers={**h, **chave()}
        ),
        422,
        "lance_nao_pago",
    )

    # Paid again: funded again, from that day, with the whole carta.
    r = await c.post(
        f"/api/assembleias/{assembleia}/pagamentos-lance", json=pagar_lance, headers={**h, **chave()}
    )
    assert r.status_code in (200, 201), r.text
    assert (await c.post(rotina, headers={**h, **chave()})).status_code == 200
    reservado, _, disponivel = await _no_razao(tenant_a, carta["id"])
    assert (reservado, disponivel) == (Decimal("100000.00"), HOJE)
