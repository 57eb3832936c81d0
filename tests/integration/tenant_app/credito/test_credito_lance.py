"""A lance winner's carta (real apuração, real lance payment, real disqualification): the embutido part
comes off the crédito, the carta is usable only once the lance is paid (funded from the day it was paid),
and the carta of a winner disqualified for not paying is cancelled."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from tenant_app.assembleias.models import Assembleia
from tenant_app.ledger.models import Fundo, LancamentoFundo
from tests.support.tenant_app_fixtures import Tenant

from .conftest import HOJE, assert_problem, chave, semear_grupo, unidade

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
