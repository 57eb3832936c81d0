"""A lance winner who does not pay is disqualified; the next bid wins in a new, verifiable revision."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from sqlalchemy import select

from tenant_app.cotas.models import Cota
from tenant_app.grupos.models import Grupo
from tenant_app.ledger.service import reconcile
from tests.support.tenant_app_fixtures import Tenant

from .conftest import assembleia_aberta, assert_problem, passar_corte, semear_grupo, sessao

pytestmark = pytest.mark.integration

EXTRACAO = {"concurso": 6005, "premios": ["83127", "10450", "22222", "31415", "40404"]}


async def test_unpaid_lance_passes_to_the_next_bid(tenant_a: Tenant) -> None:
    c, h = tenant_a.client, tenant_a.auth()
    grupo = await semear_grupo(tenant_a, numero_cotas=50, saldo_comum=Decimal("200000.00"))
    assembleia = await assembleia_aberta(tenant_a, grupo)
    base = f"/api/assembleias/{assembleia}"
    for cota, pct in ((30, "40"), (10, "40"), (5, "30")):
        r = await c.post(
            f"{base}/lances", json={"cota_numero": cota, "tipo": "livre", "percentual": pct}, headers=h
        )
        assert r.status_code == 201, r.text
    await passar_corte(tenant_a, assembleia)
    primeira = (
        await c.post(f"{base}/apuracao", json=EXTRACAO, headers={**h, "Idempotency-Key": uuid.uuid4().hex})
    ).json()
    assert [x["cota_numero"] for x in primeira["contemplacoes"]] == [27, 30]

    # Only a lance winner can be disqualified.
    assert_problem(
        await c.post(
            f"{base}/desclassificacoes",
            json={"cota_numero": 27},
            headers={**h, "Idempotency-Key": uuid.uuid4().hex},
        ),
        422,
    )
    assert_problem(
        await c.post(
            f"{base}/desclassificacoes",
            json={"cota_numero": 10},
            headers={**h, "Idempotency-Key": uuid.uuid4().hex},
        ),
        422,
    )

    r = await c.post(
        f"{base}/desclassificacoes",
        json={"cota_numero": 30},
        headers={**h, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 201, r.text
    segunda = r.json()
    assert segunda["revisao"] == 2 and segunda["hash_entrada"] != primeira["hash_entrada"]
    situacao = {(x["cota_numero"], x["modalidade"]): x["status"] for x in segunda["contemplacoes"]}
    assert situacao == {(27, "sorteio"): "ativa", (10, "lance"): "ativa", (30, "lance"): "desclassificada"}
    assert_problem(
        await c.post(
            f"{base}/desclassificacoes",
            json={"cota_numero": 30},
            headers={**h, "Idempotency-Key": uuid.uuid4().hex},
        ),
        422,
    )
    check = (await c.get(f"{base}/apuracao/verificacao", headers=h)).json()
    assert check["hash_confere"] and check["resultado_confere"]
    entrada = (await c.get(f"{base}/apuracao/entrada", headers=h)).json()
    assert entrada["lances_desclassificados"] == [30]

    session, engine = await sessao(tenant_a)
    try:
        contempladas = (
            await session.scalars(
                select(Cota.numero).where(Cota.grupo_id == grupo.grupo_id, Cota.contemplada)
            )
        ).all()
        assert sorted(contempladas) == [10, 27]
        g = await session.get(Grupo, grupo.grupo_id)
        # 200k - 100k (sorteio) - 60k (10's credit net of its 40k lance) = 40k, as before.
        assert g is not None and g.saldo_fundo_comum == Decimal("40000.00")
        assert (await reconcile(session, grupo.grupo_id))["lancamentos_fundo_comum"] == Decimal("40000.00")
    finally:
        await session.close()
        await engine.dispose()  # type: ignore[attr-defined]

    # Closed assembleias are final.
    assert (await c.post(f"{base}/encerramento", headers=h)).json()["status"] == "encerrada"
    assert_problem(
        await c.post(
            f"{base}/desclassificacoes",
            json={"cota_numero": 10},
            headers={**h, "Idempotency-Key": uuid.uuid4().hex},
        ),
        409,
    )
