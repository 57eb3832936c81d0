"""Payments: allocation, partial payments, late charges, estorno, idempotency, concurrency, ledger."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal

import pytest

from tenant_app.users.roles import Role
from tests.integration.tenant_app.factories import make_running_grupo, pay
from tests.support.tenant_app_fixtures import Tenant

pytestmark = pytest.mark.integration


async def fundos(tenant: Tenant, grupo_id: str) -> dict:
    r = await tenant.client.get(f"/api/grupos/{grupo_id}/fundos", headers=tenant.auth(Role.AUDITOR))
    assert r.status_code == 200
    return dict(r.json())


async def test_payment_allocates_oldest_first_with_partial(tenant: Tenant) -> None:
    grupo, cotas = await make_running_grupo(tenant, cotas=1)
    cota = cotas[0]["id"]
    parcelas = (await tenant.client.get(f"/api/cotas/{cota}/parcelas", headers=tenant.auth())).json()
    first = Decimal(parcelas[0]["valor_total"])
    # On time for parcela 1 (due 2025-02-10): pays parcela 1 and part of parcela 2.
    r = await pay(tenant, cota, str(first + Decimal("100.00")), "2025-02-10")
    assert r.status_code == 201, r.text
    body = r.json()
    assert [a["parcela_numero"] for a in body["alocacoes"]] == [1, 2]
    assert all(Decimal(a["multa"]) == 0 for a in body["alocacoes"])
    # Money received in full: only a lance embutido takes part of a pagamento from the credit.
    assert body["forma"] == "pix" and Decimal(body["valor_embutido"]) == 0
    partes = ("fundo_comum", "fundo_reserva", "taxa_administracao", "seguro", "multa", "juros")
    assert sum(Decimal(a[k]) for a in body["alocacoes"] for k in partes) == Decimal(body["valor"])
    # Fundo comum is covered first within a parcela.
    assert Decimal(body["alocacoes"][1]["fundo_comum"]) == Decimal("100.00")
    parcelas = (await tenant.client.get(f"/api/cotas/{cota}/parcelas", headers=tenant.auth())).json()
    assert parcelas[0]["status"] == "paga" and parcelas[1]["status"] == "parcial"
    f = await fundos(tenant, grupo["id"])
    assert f["conciliado"] is True
    assert Decimal(f["saldo_fundo_comum"]) == Decimal("5100.00")
    assert Decimal(f["saldo_fundo_reserva"]) == Decimal("100.00")


async def test_late_payment_charges_multa_and_juros_to_fundo_comum(tenant: Tenant) -> None:
    grupo, cotas = await make_running_grupo(tenant, cotas=1)
    cota = cotas[0]["id"]
    # Parcela 1 due 2025-02-10, paid 30 days later: multa 2 % + juros 1 % (30 days).
    saldo = (
        await tenant.client.get(f"/api/cotas/{cota}/saldo?data=2025-03-12", headers=tenant.auth())
    ).json()
    assert saldo["parcelas_vencidas"] == 2
    parcela = (
        await tenant.client.get(f"/api/cotas/{cota}/parcelas?data=2025-03-12", headers=tenant.auth())
    ).json()[0]
    total = Decimal(parcela["valor_total"])
    assert Decimal(parcela["multa_devida"]) == (total * Decimal("0.02")).quantize(Decimal("0.01"))
    assert Decimal(parcela["juros_devidos"]) == (total * Decimal("0.01")).quantize(Decimal("0.01"))
    r = await pay(tenant, cota, str(total), "2025-03-12")
    assert r.status_code == 201
    a = r.json()["alocacoes"][0]
    assert Decimal(a["multa"]) > 0 and Decimal(a["juros"]) > 0
    f = await fundos(tenant, grupo["id"])
    assert f["conciliado"] is True


async def test_estorno_restores_balances(tenant: Tenant) -> None:
    grupo, cotas = await make_running_grupo(tenant, cotas=1)
    cota = cotas[0]["id"]
    r = await pay(tenant, cota, "1000.00", "2025-02-01")
    pid = r.json()["id"]
    bad = await tenant.client.post(
        f"/api/pagamentos/{pid}/estorno", json={"motivo": "x"}, headers=tenant.auth(Role.FINANCEIRO)
    )
    assert bad.status_code == 400  # reason too short
    # Money-moving: without Idempotency-Key nothing happens (428).
    sem_chave = await tenant.client.post(
        f"/api/pagamentos/{pid}/estorno",
        json={"motivo": "cheque devolvido"},
        headers=tenant.auth(Role.FINANCEIRO),
    )
    assert sem_chave.status_code == 428, sem_chave.text
    assert sem_chave.json()["type"].endswith("/idempotency_key_obrigatoria")
    assert (await tenant.client.get(f"/api/pagamentos/{pid}", headers=tenant.auth())).json()[
        "status"
    ] == "confirmado"
    headers = {**tenant.auth(Role.FINANCEIRO), "Idempotency-Key": uuid.uuid4().hex}
    r = await tenant.client.post(
        f"/api/pagamentos/{pid}/estorno", json={"motivo": "cheque devolvido"}, headers=headers
    )
    assert r.status_code == 200 and r.json()["status"] == "estornado"
    assert r.headers["Idempotent-Replayed"] == "false"
    # A retried request (same key) gets the first answer back; it is not reversed twice.
    retry = await tenant.client.post(
        f"/api/pagamentos/{pid}/estorno", json={"motivo": "cheque devolvido"}, headers=headers
    )
    assert retry.status_code == 200 and retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json() == r.json()
    again = await tenant.client.post(
        f"/api/pagamentos/{pid}/estorno",
        json={"motivo": "cheque devolvido"},
        headers={**tenant.auth(Role.FINANCEIRO), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert again.status_code == 409
    f = await fundos(tenant, grupo["id"])
    assert f["conciliado"] and Decimal(f["saldo_fundo_comum"]) == 0 and Decimal(f["saldo_fundo_reserva"]) == 0
    parcelas = (await tenant.client.get(f"/api/cotas/{cota}/parcelas", headers=tenant.auth())).json()
    assert all(p["status"] == "aberta" and Decimal(p["valor_pago"]) == 0 for p in parcelas)


async def test_overpayment_and_bad_money_are_4xx(tenant: Tenant) -> None:
    _, cotas = await make_running_grupo(tenant, cotas=1)
    cota = cotas[0]["id"]
    r = await pay(tenant, cota, "99999999.00", "2025-02-01")
    assert r.status_code == 422 and r.json()["errors"][0]["campo"] == "valor"
    for bad in ("-10.00", "0", "abc", "10.001", "NaN", "Infinity"):
        r = await pay(tenant, cota, bad, "2025-02-01")
        assert 400 <= r.status_code < 500, (bad, r.status_code, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["errors"][0]["campo"] == "valor", r.json()
    r = await tenant.client.post(
        f"/api/cotas/{cota}/pagamentos",
        json={"valor": "10.00"},
        headers=tenant.auth(Role.FINANCEIRO),  # no Idempotency-Key
    )
    assert r.status_code == 428 and r.json()["errors"][0]["campo"] == "Idempotency-Key"
    r = await pay(tenant, str(uuid.uuid4()), "10.00", "2025-02-01")
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")
    r = await pay(tenant, "nao-e-uuid", "10.00", "2025-02-01")
    assert r.status_code in (400, 404)


async def test_idempotency_replay_and_key_reuse(tenant: Tenant) -> None:
    _, cotas = await make_running_grupo(tenant, cotas=1)
    cota = cotas[0]["id"]
    key = uuid.uuid4().hex
    first = await pay(tenant, cota, "300.00", "2025-02-01", key)
    second = await pay(tenant, cota, "300.00", "2025-02-01", key)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers["idempotent-replayed"] == "true"
    other = await pay(tenant, cota, "301.00", "2025-02-01", key)
    assert other.status_code == 422


async def test_50_concurrent_identical_requests_make_one_payment(tenant: Tenant) -> None:
    grupo, cotas = await make_running_grupo(tenant, cotas=1)
    cota = cotas[0]["id"]
    key = uuid.uuid4().hex
    responses = await asyncio.gather(*(pay(tenant, cota, "123.45", "2025-02-01", key) for _ in range(50)))
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1
    listing = await tenant.client.get(f"/api/cotas/{cota}/pagamentos", headers=tenant.auth())
    assert listing.json()["total"] == 1
    f = await fundos(tenant, grupo["id"])
    assert f["conciliado"] and Decimal(f["saldo_fundo_comum"]) == Decimal("123.45")


async def test_50_different_concurrent_payments_keep_balances_exact(tenant: Tenant) -> None:
    grupo, cotas = await make_running_grupo(tenant, cotas=1)
    cota = cotas[0]["id"]
    amounts = [Decimal("10.00") + Decimal(i) / 100 for i in range(50)]  # 10.00 .. 10.49
    responses = await asyncio.gather(*(pay(tenant, cota, str(v), "2025-02-01") for v in amounts))
    assert [r.status_code for r in responses] == [201] * 50, [
        r.text for r in responses if r.status_code != 201
    ]
    total = sum(amounts)
    parcelas = (await tenant.client.get(f"/api/cotas/{cota}/parcelas", headers=tenant.auth())).json()
    assert sum(Decimal(p["valor_pago"]) for p in parcelas) == total
    f = await fundos(tenant, grupo["id"])
    assert f["conciliado"] is True
    assert (
        Decimal(f["saldo_fundo_comum"])
        + Decimal(f["saldo_fundo_reserva"])
        + Decimal(f["taxa_administracao_recebida"])
        + Decimal(f["seguro_recebido"])
        == total
    )


@pytest.mark.parametrize("role", [Role.OPERADOR, Role.GESTOR, Role.AUDITOR])
async def test_only_financeiro_and_admin_move_money(tenant: Tenant, role: Role) -> None:
    _, cotas = await make_running_grupo(tenant, cotas=1)
    cota = cotas[0]["id"]
    r = await tenant.client.post(
        f"/api/cotas/{cota}/pagamentos",
        json={"valor": "10.00", "data_pagamento": "2025-02-01"},
        headers={**tenant.auth(role), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 403
    # Everyone may read.
    assert (
        await tenant.client.get(f"/api/cotas/{cota}/pagamentos", headers=tenant.auth(role))
    ).status_code == 200
