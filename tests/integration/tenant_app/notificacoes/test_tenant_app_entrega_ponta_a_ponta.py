"""A payment, end to end: outbox → real Celery worker → signed webhook on a local receiver and a
pt-BR e-mail read back from Mailpit; the delivery log over the API."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from tenant_app.eventos.tipos import PAGAMENTO_CONFIRMADO
from tenant_app.notificacoes.webhooks import assinatura
from tenant_app.users.roles import Role
from tests.integration.tenant_app.factories import make_consorciado, make_grupo, pay
from tests.support.notificacoes_fixtures import Mailpit, Receptor, email_unico
from tests.support.tenant_app_fixtures import Tenant

pytestmark = pytest.mark.integration


async def criar_endpoint(t: Tenant, url: str, tipos: list[str] | None = None) -> dict:  # type: ignore[type-arg]
    r = await t.client.post(
        "/api/webhooks/endpoints", json={"url": url, "tipos": tipos or []}, headers=t.auth(Role.ADMIN)
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


async def cota_de(t: Tenant, endereco: str) -> dict:  # type: ignore[type-arg]
    """A started group whose one cota belongs to a consorciado with this e-mail."""
    pessoa = await make_consorciado(t, email=endereco)
    grupo = await make_grupo(t)
    r = await t.client.post(
        f"/api/grupos/{grupo['id']}/cotas",
        json={"consorciado_id": pessoa["id"], "data_adesao": "2025-01-05"},
        headers=t.auth(Role.OPERADOR),
    )
    assert r.status_code == 201, r.text
    cota = dict(r.json())
    r = await t.client.post(
        f"/api/grupos/{grupo['id']}/inicio", json={"data_inicio": "2025-01-15"}, headers=t.auth(Role.GESTOR)
    )
    assert r.status_code == 200, r.text
    return cota


async def test_pagamento_vira_webhook_assinado_e_email(
    tenant: Tenant,
    mailpit: Mailpit,
    receptor: Receptor,
    iniciar_worker,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setenv("WEBHOOK_MODO", "devstack")
    endpoint = await criar_endpoint(tenant, receptor.url("/ok"), [PAGAMENTO_CONFIRMADO])
    assert endpoint["segredo"].startswith("whsec_") and endpoint["ativo"]
    r = await tenant.client.put(
        "/api/notificacoes/configuracao",
        json={
            "nome_administradora": "Consórcio Aurora",
            "remetente_nome": "Aurora Consórcios",
            "remetente_email": "avisos@aurora.example",
            "responder_para": "atendimento@aurora.example",
        },
        headers=tenant.auth(),
    )
    assert r.status_code == 200, r.text
    endereco = email_unico()
    cota = await cota_de(tenant, endereco)
    iniciar_worker(tenant.env)
    inicio = time.time()
    paid = await pay(tenant, cota["id"], "150.00", "2025-02-01")
    assert paid.status_code == 201, paid.text

    [chegou] = receptor.esperar("/ok", 1, timeout=60)
    corpo = json.loads(chegou.corpo)
    assert corpo["type"] == PAGAMENTO_CONFIRMADO
    assert corpo["data"]["pagamento_id"] == paid.json()["id"] and corpo["data"]["valor"] == "150.00"
    # Standard Webhooks: id/timestamp/signature over id.timestamp.body with the endpoint's secret.
    assert assinatura.verificar(endpoint["segredo"], chegou.headers, chegou.corpo, int(time.time()))
    assert not assinatura.verificar(assinatura.novo_segredo(), chegou.headers, chegou.corpo, int(time.time()))
    assert abs(int(chegou.headers["webhook-timestamp"]) - inicio) < 120

    msgs = mailpit.esperar(endereco, 2, timeout=60)  # the adesão's welcome, then the receipt
    assert any(m["Subject"].startswith("Bem-vindo ao consórcio") for m in msgs)
    [msg] = [m for m in msgs if m["Subject"].startswith("Pagamento")]
    assert "Pagamento de R$ 150,00 confirmado" in msg["Subject"] and "Consórcio Aurora" in msg["Subject"]
    assert msg["From"]["Address"] == "avisos@aurora.example" and msg["From"]["Name"] == "Aurora Consórcios"
    completo = mailpit.mensagem(msg["ID"])
    assert "R$ 150,00" in completo["Text"] and "01/02/2025" in completo["Text"]
    assert "R$ 150,00" in completo["HTML"] and 'lang="pt-BR"' in completo["HTML"]
    assert "descadastr" not in completo["Text"].lower()  # transactional: no unsubscribe link
    cab = mailpit.cabecalhos(msg["ID"])
    assert cab["Reply-To"] == ["atendimento@aurora.example"]

    # The delivery log over the API: delivered, 200, one attempt.
    entregas = (
        await tenant.client.get(f"/api/webhooks/entregas?endpoint_id={endpoint['id']}", headers=tenant.auth())
    ).json()
    [entrega] = [e for e in entregas["items"] if e["evento_id"] == chegou.headers["webhook-id"]]
    for _ in range(50):  # the row is settled right after the receiver answered
        detalhe = (
            await tenant.client.get(f"/api/webhooks/entregas/{entrega['id']}", headers=tenant.auth())
        ).json()
        if detalhe["status"] == "entregue":
            break
        await asyncio.sleep(0.1)
    assert detalhe["status"] == "entregue" and detalhe["ultimo_status_http"] == 200
    assert [t["status_http"] for t in detalhe["log"]] == [200]
    # Only admins manage webhooks.
    assert (
        await tenant.client.get("/api/webhooks/endpoints", headers=tenant.auth(Role.OPERADOR))
    ).status_code == 403
