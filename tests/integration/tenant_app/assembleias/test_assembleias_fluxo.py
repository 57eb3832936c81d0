"""An AGO end to end over HTTP: rules, sealed lances, bad input, apuração, record and verification."""

from __future__ import annotations

import hashlib
import json
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import select

from tenant_app.assembleias.models import ContemplacaoCota
from tenant_app.assembleias.notificacao import notificar_pendentes
from tenant_app.cotas.models import Cota
from tenant_app.grupos.models import Grupo
from tenant_app.ledger.service import reconcile
from tests.support.tenant_app_fixtures import Tenant

from .conftest import assembleia_aberta, assert_problem, passar_corte, semear_grupo, unidade

pytestmark = pytest.mark.integration

# 1st prize 83127, 50 cotas: the last 2 digits draw cota 27.
EXTRACAO = {"concurso": 6001, "premios": ["83127", "10450", "22222", "31415", "40404"]}


async def test_ago_end_to_end(tenant_a: Tenant) -> None:
    c, h = tenant_a.client, tenant_a.auth()
    # 27 is in arrears: the sorteio walks to 28. 40 was excluded.
    grupo = await semear_grupo(
        tenant_a, em_atraso=frozenset({27, 12}), excluidas=frozenset({40}), saldo_comum=Decimal("200000.00")
    )
    assembleia = await assembleia_aberta(tenant_a, grupo)
    base = f"/api/assembleias/{assembleia}"

    ok = [(10, "livre", "40", "0"), (30, "livre", "40", "0"), (5, "embutido", "30", "20")]
    for cota, tipo, pct, emb in ok:
        r = await c.post(
            f"{base}/lances",
            json={"cota_numero": cota, "tipo": tipo, "percentual": pct, "percentual_embutido": emb},
            headers=h,
        )
        assert r.status_code == 201, r.text
    # Bids from ineligible cotas and bids the contract forbids: 422 with the field.
    for body, campo in [
        ({"cota_numero": 12, "tipo": "livre", "percentual": "50"}, "cota_numero"),  # in arrears
        ({"cota_numero": 40, "tipo": "livre", "percentual": "50"}, "cota_numero"),  # excluded
        ({"cota_numero": 51, "tipo": "livre", "percentual": "50"}, "cota_numero"),  # not in the group
        ({"cota_numero": 7, "tipo": "fixo", "percentual": "25"}, "tipo"),  # contract has no fixo
        ({"cota_numero": 7, "tipo": "livre", "percentual": "4.9"}, "percentual"),  # below the minimum
        (
            {"cota_numero": 7, "tipo": "embutido", "percentual": "40", "percentual_embutido": "35"},
            "percentual_embutido",
        ),
        ({"cota_numero": 7, "tipo": "livre", "percentual": "97"}, "percentual"),  # owes only 96%
    ]:
        problem = assert_problem(await c.post(f"{base}/lances", json=body, headers=h), 422)
        assert campo in [e["campo"] for e in problem["errors"]], problem
    # Malformed body: 400 problem+json with the field in Portuguese.
    bad = assert_problem(
        await c.post(f"{base}/lances", json={"cota_numero": "x", "tipo": "livre"}, headers=h), 400
    )
    assert bad["errors"]
    # One active bid per cota: a second one conflicts until the first is cancelled.
    assert_problem(
        await c.post(
            f"{base}/lances", json={"cota_numero": 10, "tipo": "livre", "percentual": "41"}, headers=h
        ),
        409,
    )
    r = await c.post(
        f"{base}/lances", json={"cota_numero": 8, "tipo": "livre", "percentual": "90"}, headers=h
    )
    assert r.status_code == 201
    cancel = await c.delete(f"{base}/lances/{r.json()['id']}", headers=h)
    assert cancel.status_code == 200 and cancel.json()["status"] == "cancelado"
    # Sealed: nobody lists the bids before the apuração.
    assert_problem(await c.get(f"{base}/lances", headers=h), 409)
    # Apurar before the cut-off is refused.
    assert_problem(
        await c.post(f"{base}/apuracao", json=EXTRACAO, headers={**h, "Idempotency-Key": uuid.uuid4().hex}),
        409,
    )

    await passar_corte(tenant_a, assembleia)
    late = await c.post(
        f"{base}/lances", json={"cota_numero": 9, "tipo": "livre", "percentual": "50"}, headers=h
    )
    assert assert_problem(late, 422)["type"].endswith("prazo_encerrado")
    late_cancel = await c.delete(f"{base}/lances/{r.json()['id']}", headers=h)
    assert late_cancel.status_code in (409, 422)

    # Malformed extractions: 4xx problem+json, nothing recorded.
    for body, status in [
        ({"concurso": 6001, "premios": ["83127", "10450", "22222", "31415"]}, 422),
        ({"concurso": 6001, "premios": ["8312", "10450", "22222", "31415", "40404"]}, 422),
        ({"concurso": 6001, "premios": ["83127", "83127", "22222", "31415", "40404"]}, 422),
        ({"concurso": 0, "premios": EXTRACAO["premios"]}, 422),
        ({"concurso": "seis mil", "premios": EXTRACAO["premios"]}, 400),
        ({"premios": EXTRACAO["premios"]}, 400),
    ]:
        assert_problem(
            await c.post(f"{base}/apuracao", json=body, headers={**h, "Idempotency-Key": uuid.uuid4().hex}),
            status,
        )
    assert (await c.get(f"{base}", headers=h)).json()["status"] == "recebendo_lances"

    chave = {**h, "Idempotency-Key": uuid.uuid4().hex}
    assert_problem(
        await c.post(f"{base}/apuracao", json=EXTRACAO, headers=h), 428
    )  # contemplates: key required
    r = await c.post(f"{base}/apuracao", json=EXTRACAO, headers=chave)
    assert r.status_code == 201, r.text
    assert r.headers["Idempotent-Replayed"] == "false"
    record = r.json()
    # A retried request (lost answer) gets the same record back, not a 409 nor a second apuração.
    retry = await c.post(f"{base}/apuracao", json=EXTRACAO, headers=chave)
    assert retry.status_code == 201 and retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json() == record
    outra = {"concurso": 6002, "premios": EXTRACAO["premios"]}
    assert_problem(await c.post(f"{base}/apuracao", json=outra, headers=chave), 422)  # key reused
    # 200k: sorteio (100k) to 28, then lances: 30 beats 10 (nearer 27) for 60k net; 10 would need 60k more.
    assert [(x["cota_numero"], x["modalidade"]) for x in record["contemplacoes"]] == [
        (28, "sorteio"),
        (30, "lance"),
    ]
    assert record["resultado"]["numero_sorteado"] == 27
    lance30 = record["contemplacoes"][1]
    assert Decimal(lance30["valor_lance_a_pagar"]) == Decimal("40000.00")
    assert Decimal(lance30["do_fundo_comum"]) == Decimal("60000.00")

    # The record reproduces: the hash is the SHA-256 of the stored canonical inputs.
    entrada = await c.get(f"{base}/apuracao/entrada", headers=h)
    canonical = json.dumps(entrada.json(), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    assert hashlib.sha256(canonical).hexdigest() == record["hash_entrada"]
    assert entrada.json()["extracao"] == {"concurso": 6001, "premios": EXTRACAO["premios"]}
    assert [c_["numero"] for c_ in entrada.json()["cotas_excluidas"]] == [40]
    assert 27 not in [c_["numero"] for c_ in entrada.json()["cotas_ativas"]]
    check = (await c.get(f"{base}/apuracao/verificacao", headers=h)).json()
    assert check["hash_confere"] and check["resultado_confere"]
    assert (await c.get(f"{base}", headers=h)).json()["hash_entrada"] == record["hash_entrada"]

    # After the apuração the bids are open, and it cannot run again.
    lances = (await c.get(f"{base}/lances", headers=h)).json()
    assert sorted(x["cota_numero"] for x in lances) == [5, 8, 10, 30]
    assert_problem(
        await c.post(f"{base}/apuracao", json=EXTRACAO, headers={**h, "Idempotency-Key": uuid.uuid4().hex}),
        409,
    )

    uow, engine = await unidade(tenant_a)
    session = uow.session
    try:
        contempladas = (
            await session.scalars(
                select(Cota.numero).where(Cota.grupo_id == grupo.grupo_id, Cota.contemplada)
            )
        ).all()
        assert sorted(contempladas) == [28, 30]
        grupo_row = await session.get(Grupo, grupo.grupo_id)
        assert grupo_row is not None and grupo_row.saldo_fundo_comum == Decimal("40000.00")
        assert (await reconcile(session, grupo.grupo_id))["saldo_fundo_comum"] == Decimal("40000.00")
        # Winners are told once: the task is idempotent.
        apuracao_id = await _apuracao_id(session, assembleia)
        assert await notificar_pendentes(uow, apuracao_id) == 2
        assert await notificar_pendentes(uow, apuracao_id) == 0
    finally:
        await session.close()
        await engine.dispose()  # type: ignore[attr-defined]
    again = (await c.get(f"{base}/apuracao", headers=h)).json()
    assert all(x["notificado_em"] for x in again["contemplacoes"])

    # Next month: contemplated cotas are out of the draw; the same extraction walks on.
    segunda = await assembleia_aberta(tenant_a, grupo, numero=2)
    await passar_corte(tenant_a, segunda)
    r2 = await c.post(
        f"/api/assembleias/{segunda}/apuracao",
        json=EXTRACAO,
        headers={**h, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert r2.status_code == 201, r2.text
    # 40k left does not cover a 100k credit.
    assert r2.json()["contemplacoes"] == []
    assert r2.json()["resultado"]["nao_realizados"][0]["motivo"] == "fundos_insuficientes"
    assert r2.json()["resultado"]["nao_realizados"][0]["cota"] == 26


async def _apuracao_id(session, assembleia_id: str) -> uuid.UUID:  # type: ignore[no-untyped-def]
    row = await session.scalar(
        select(ContemplacaoCota.apuracao_id).where(ContemplacaoCota.assembleia_id == uuid.UUID(assembleia_id))
    )
    assert row is not None
    return row


async def test_rules_are_validated_and_fixed_after_an_apuracao(tenant_a: Tenant) -> None:
    c, h = tenant_a.client, tenant_a.auth()
    grupo = await semear_grupo(tenant_a, numero_cotas=5)
    url = f"/api/grupos/{grupo.grupo_id}/regras-assembleia/"
    assert_problem(await c.get(url, headers=h), 404)
    bad = assert_problem(
        await c.put(
            url,
            json={"metodo_sorteio": "centena", "tipos_lance": ["fixo"], "tabela_equivalencia": {"1": 9}},
            headers=h,
        ),
        422,
    )
    assert {"lance_fixo_percentual", "tabela_equivalencia.1"} <= {e["campo"] for e in bad["errors"]}
    assert_problem(await c.put(url, json={"metodo_sorteio": "dados"}, headers=h), 400)
    # Operators cannot change contract rules.
    from tenant_app.users.roles import Role

    assert_problem(
        await c.put(url, json={"metodo_sorteio": "finais"}, headers=tenant_a.auth(Role.OPERADOR)), 403
    )
    assert (await c.put(url, json={"metodo_sorteio": "finais"}, headers=h)).status_code == 200
