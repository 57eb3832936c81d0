"""The administradora's own wording of the event e-mails, from the API to the inbox (Mailpit).

A template that names a field the e-mail does not have, or reaches into an object
(``{valor.__class__}``), is refused at save time with the text it concerns; a saved one is
what the consorciado receives, filled with the event's values; restoring brings the app's
wording back. Templates live in the tenant's own database: another tenant keeps its own.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable

import pytest

from tenant_app.users.roles import Role
from tests.integration.tenant_app.factories import pay
from tests.integration.tenant_app.notificacoes.test_tenant_app_emails import _enviar
from tests.integration.tenant_app.notificacoes.test_tenant_app_entrega_ponta_a_ponta import cota_de
from tests.support.notificacoes_fixtures import Mailpit, email_unico
from tests.support.tenant_app_fixtures import Tenant, provision_tenant

pytestmark = pytest.mark.integration

PAGAMENTO = "pagamento.confirmado"
CAMINHO = f"/api/notificacoes/modelos/{PAGAMENTO}"


@pytest.fixture
async def proprio(make_database: Callable[[], str], redis_url: str) -> AsyncIterator[Tenant]:
    """A tenant of its own: a saved template changes every e-mail of its type."""
    t = await provision_tenant(make_database, redis_url, f"mod{uuid.uuid4().hex[:6]}")
    yield t
    await t.client.__aexit__(None, None, None)


async def test_modelo_proprio_chega_ao_consorciado(
    proprio: Tenant, other_tenant: Tenant, mailpit: Mailpit
) -> None:
    t = proprio
    lista = (await t.client.get("/api/notificacoes/modelos", headers=t.auth())).json()
    assert len(lista) == 8 and not any(m["personalizado"] for m in lista)
    padrao = next(m for m in lista if m["tipo"] == PAGAMENTO)
    assert padrao["exemplo_assunto"] == "Pagamento de R$ 1.234,50 confirmado"
    assert {"valor", "data_pagamento", "forma", "cota"} <= {c["nome"] for c in padrao["campos"]}

    # Refused, naming each text at fault; nothing saved.
    r = await t.client.put(
        CAMINHO,
        json={
            "assunto": "Recebemos {valor.__class__}",
            "paragrafos": ["Ok {valor}", "Mãe: {nome_da_mae}", "{"],
        },
        headers=t.auth(),
    )
    assert r.status_code == 422 and r.json()["type"].endswith("/modelo_email_invalido"), r.text
    assert {e["campo"] for e in r.json()["errors"]} == {"assunto", "paragrafos[1]", "paragrafos[2]"}
    assert "{valor}" in next(e["mensagem"] for e in r.json()["errors"] if e["campo"] == "paragrafos[1]")
    # Only the admin (integracoes:manage) edits them.
    r = await t.client.put(CAMINHO, json={"assunto": "x", "paragrafos": ["y"]}, headers=t.auth(Role.GESTOR))
    assert r.status_code == 403

    modelo = {
        "assunto": "Recebemos {valor}, obrigado!",
        "paragrafos": [
            "Seu pagamento de {valor} por {forma} em {data_pagamento} já está na {cota}.",
            "Dúvidas? Responda este e-mail. {{sem campo}}",
        ],
    }
    r = await t.client.put(CAMINHO, json=modelo, headers=t.auth())
    assert r.status_code == 200, r.text
    salvo = r.json()
    assert salvo["personalizado"] and salvo["exemplo_assunto"] == "Recebemos R$ 1.234,50, obrigado!"
    assert salvo["exemplo_paragrafos"][1] == "Dúvidas? Responda este e-mail. {sem campo}"

    endereco = email_unico()
    cota = await cota_de(t, endereco)
    assert (await pay(t, cota["id"], "150.00", "2025-02-10")).status_code == 201
    await _enviar(t)
    [msg] = [m for m in mailpit.esperar(endereco) if m["Subject"].startswith("Recebemos")]
    assert msg["Subject"].startswith("Recebemos R$ 150,00, obrigado!")
    texto = mailpit.mensagem(msg["ID"])["Text"]
    assert "Seu pagamento de R$ 150,00 por PIX em 10/02/2025 já está na cota 1" in texto
    assert "Olá, " in texto  # the greeting and signature stay the app's

    # Another tenant's e-mails are untouched.
    outro = (await other_tenant.client.get("/api/notificacoes/modelos", headers=other_tenant.auth())).json()
    assert not next(m for m in outro if m["tipo"] == PAGAMENTO)["personalizado"]

    # Restore: the app's wording again, for the list and for the next e-mail.
    r = await t.client.delete(CAMINHO, headers=t.auth())
    assert r.status_code == 200 and not r.json()["personalizado"], r.text
    assert (await pay(t, cota["id"], "20.00", "2025-02-11")).status_code == 201
    await _enviar(t)
    assert any(
        m["Subject"].startswith("Pagamento de R$ 20,00 confirmado") for m in mailpit.esperar(endereco, 2)
    )
    trilha = (await t.client.get("/api/auditoria?entidade=modelos_email", headers=t.auth())).json()
    assert trilha["total"] >= 2, trilha  # saved and removed, with who did it
