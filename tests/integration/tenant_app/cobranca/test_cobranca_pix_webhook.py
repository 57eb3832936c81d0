"""PIX webhook (the BCB Pix API's callback contract: POST <webhookUrl>/pix with {"pix": [...]}) on real
PostgreSQL, Redis and a real Celery worker: stored at once, settled by the worker, idempotent on
endToEndId, authenticated by the secret in the path; unknown txid and underpayment are queued."""

from __future__ import annotations

import asyncio
import subprocess
import time
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from tenant_app.users.roles import Role
from tests.integration.tenant_app.cobranca.apoio import (
    conta,
    emitir,
    grupo_com_parcelas,
    parcelas,
    worker_celery,
)
from tests.support.tenant_app_fixtures import Tenant

pytestmark = pytest.mark.integration


def _e2e() -> str:
    return ("E12345678" + uuid.uuid4().hex + uuid.uuid4().hex)[:32]


@pytest.fixture
def worker(tenant: Tenant) -> Iterator[subprocess.Popen[bytes]]:
    with worker_celery(tenant) as processo:
        yield processo


async def _esperar(tenant: Tenant, url: str, campo: str, valor: str, segundos: float = 90) -> dict[str, Any]:
    limite = time.monotonic() + segundos
    while True:
        corpo = (await tenant.client.get(url, headers=tenant.auth())).json()
        if corpo[campo] == valor or time.monotonic() > limite:
            return dict(corpo)
        await asyncio.sleep(0.5)


async def test_pix_webhook_settles_through_celery(tenant: Tenant, worker: subprocess.Popen[bytes]) -> None:
    c = await conta(tenant)
    r = await tenant.client.post(f"/api/cobranca/contas/{c['id']}/webhook-pix", headers=tenant.auth())
    assert r.status_code == 201, r.text
    url = r.json()["webhook_url"].split("testserver.local", 1)[-1] + "/pix"
    _, cotas = await grupo_com_parcelas(tenant, cotas=2)
    t1 = (await emitir(tenant, (await parcelas(tenant, cotas[0]["id"]))[0]["id"])).json()
    t2 = (await emitir(tenant, (await parcelas(tenant, cotas[1]["id"]))[0]["id"])).json()
    assert t1["txid"] and t1["brcode"]
    pago = {"endToEndId": _e2e(), "txid": t1["txid"], "valor": t1["valor"], "horario": "2026-12-08T01:30:00Z"}
    menor = {
        "endToEndId": _e2e(),
        "txid": t2["txid"],
        "valor": f"{Decimal(t2['valor']) - Decimal('1.00'):.2f}",
        "horario": "2026-12-08T12:00:00-03:00",
    }
    estranho = {
        "endToEndId": _e2e(),
        "txid": "NAOEXISTE123",
        "valor": "42.00",
        "horario": "2026-12-08T12:00:00Z",
    }
    corpo = {"pix": [pago, menor, estranho]}

    # Wrong secret or account: 404, nothing stored. No bearer token is needed (public route).
    errado = url.rsplit("/", 2)[0] + "/segredo-errado/pix"
    assert (await tenant.client.post(errado, json=corpo)).status_code == 404
    outra_conta = url.replace(c["id"], str(uuid.uuid4()))
    assert (await tenant.client.post(outra_conta, json=corpo)).status_code == 404
    malformado = await tenant.client.post(url, json={"pix": [{**pago, "endToEndId": "curto"}]})
    assert malformado.status_code == 400

    r = await tenant.client.post(url, json=corpo)
    assert r.status_code == 200 and r.json() == {"recebidos": 3, "novos": 3}, r.text
    # The PSP retries: the same notification again changes nothing.
    r = await tenant.client.post(url, json=corpo)
    assert r.status_code == 200 and r.json() == {"recebidos": 3, "novos": 0}

    liquidado = await _esperar(tenant, f"/api/cobranca/titulos/{t1['id']}", "status", "liquidado")
    assert liquidado["status"] == "liquidado", liquidado
    pags = (await tenant.client.get(f"/api/cotas/{cotas[0]['id']}/pagamentos", headers=tenant.auth())).json()[
        "items"
    ]
    (pag,) = pags
    # forma pix; the date of the PIX in Brasília (01:30 UTC on the 8th is the evening of the 7th).
    assert pag["forma"] == "pix" and pag["data_pagamento"] == "2026-12-07"
    assert Decimal(pag["valor"]) == Decimal(t1["valor"]) and liquidado["pagamento_id"] == pag["id"]

    limite = time.monotonic() + 60
    fila: list[dict[str, Any]] = []
    while time.monotonic() < limite:
        fila = (
            await tenant.client.get(
                "/api/cobranca/valores-a-identificar/?status=pendente&limit=200",
                headers=tenant.auth(Role.AUDITOR),
            )
        ).json()["items"]
        if {menor["txid"], estranho["txid"]} <= {i["referencia"] for i in fila}:
            break
        await asyncio.sleep(0.5)
    por_ref = {i["referencia"]: i for i in fila if i["origem"] == "pix"}
    assert (
        por_ref[menor["txid"]]["motivo"] == "insuficiente"
        and por_ref[menor["txid"]]["cota_id"] == cotas[1]["id"]
    )
    assert (
        por_ref[estranho["txid"]]["motivo"] == "desconhecido"
        and Decimal(por_ref[estranho["txid"]]["valor"]) == 42
    )
    t2_depois = (await tenant.client.get(f"/api/cobranca/titulos/{t2['id']}", headers=tenant.auth())).json()
    assert t2_depois["status"] == "emitido"
    assert worker.poll() is None
