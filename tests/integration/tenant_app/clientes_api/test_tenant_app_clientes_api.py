"""API clients (issue 13 item 9): role-scoped keys, hashed at rest, audited, rotated with overlap,
revoked at once, rate-limited per client, and bound to their tenant. Real PostgreSQL and Redis."""

from __future__ import annotations

import base64
import hashlib
import uuid
from typing import Any

import asyncpg
import pytest

from tenant_app.users.roles import Role
from tests.integration.tenant_app.factories import make_running_grupo
from tests.support.tenant_app_fixtures import Tenant

pytestmark = pytest.mark.integration


def _bearer(chave: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {chave}"}


async def _criar(t: Tenant, **corpo: Any) -> dict[str, Any]:
    corpo.setdefault("nome", f"ERP {uuid.uuid4().hex[:8]}")
    r = await t.client.post("/api/clientes-api/", json=corpo, headers=t.auth())
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_key_acts_within_its_scope_and_is_audited_as_the_client(tenant: Tenant) -> None:
    c = tenant.client
    grupo, cotas = await make_running_grupo(tenant, cotas=1)
    criado = await _criar(
        tenant, perfil="financeiro", permissoes=["pagamentos:read", "pagamentos:write", "grupos:read"]
    )
    cliente, chave = criado["cliente"], criado["chave"]["chave"]
    assert chave.startswith(f"cak.{tenant.slug}.")
    assert cliente["permissoes"] == ["grupos:read", "pagamentos:read", "pagamentos:write"]
    assert [k["valida"] for k in cliente["chaves"]] == [True]

    # Inside the scope.
    assert (await c.get(f"/api/grupos/{grupo['id']}", headers=_bearer(chave))).status_code == 200
    pago = await c.post(
        f"/api/cotas/{cotas[0]['id']}/pagamentos",
        json={"valor": "100.00", "data_pagamento": "2025-02-01", "forma": "pix"},
        headers={**_bearer(chave), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert pago.status_code == 201, pago.text
    # The role (financeiro) would allow these, the client's scope does not; admin-only routes never.
    for path in (
        "/api/consorciados/",
        "/api/cotas/" + cotas[0]["id"],
        "/api/usuarios/",
        "/api/clientes-api/",
    ):
        r = await c.get(path, headers=_bearer(chave))
        assert r.status_code == 403, (path, r.status_code)
        assert r.headers["content-type"].startswith("application/problem+json")
    me = (await c.get("/api/auth/me", headers=_bearer(chave))).json()
    assert me["id"] == cliente["id"] and me["role"] == "financeiro"

    # Every change it made is in the audit trail under the client's identity.
    trilha = await c.get(f"/api/auditoria/?autor_id={cliente['id']}", headers=tenant.auth(Role.AUDITOR))
    assert trilha.status_code == 200
    entradas = trilha.json()["items"]
    assert entradas and {e["actor_email"] for e in entradas} == {f"cliente-api:{cliente['nome']}"}
    assert any(e["entity"] == "pagamentos" for e in entradas)

    # Hashed at rest: the key appears in no column of the database, only its SHA-256.
    conn = await asyncpg.connect(tenant.settings.database.url)
    try:
        guardado = await conn.fetchval(
            "SELECT hash FROM chaves_api WHERE cliente_id = $1", uuid.UUID(cliente["id"])
        )
        assert guardado == hashlib.sha256(chave.encode()).hexdigest()
        segredo = chave.rsplit(".", 1)[1]
        for tabela in ("chaves_api", "clientes_api", "audit_log"):
            vazou = await conn.fetchval(
                f"SELECT count(*) FROM {tabela} t WHERE t::text LIKE $1", f"%{segredo}%"
            )
            assert vazou == 0, tabela
    finally:
        await conn.close()
    listed = (await c.get(f"/api/clientes-api/{cliente['id']}", headers=tenant.auth())).json()
    assert chave not in str(listed) and listed["chaves"][0]["ultimo_uso_em"] is not None


async def test_rotation_overlaps_and_revocation_is_immediate(tenant: Tenant) -> None:
    c = tenant.client
    criado = await _criar(tenant, perfil="auditor")
    cid, primeira = criado["cliente"]["id"], criado["chave"]["chave"]
    ok = "/api/grupos/"

    r = await c.post(
        f"/api/clientes-api/{cid}/rotacao", json={"sobreposicao_horas": 2}, headers=tenant.auth()
    )
    assert r.status_code == 201, r.text
    segunda = r.json()["chave"]
    assert r.json()["anteriores_expiram_em"] is not None and segunda != primeira
    for chave in (primeira, segunda):  # overlap: both work
        assert (await c.get(ok, headers=_bearer(chave))).status_code == 200

    # A rotation without overlap ends the previous keys at once.
    r = await c.post(
        f"/api/clientes-api/{cid}/rotacao", json={"sobreposicao_horas": 0}, headers=tenant.auth()
    )
    terceira = r.json()["chave"]
    for chave in (primeira, segunda):
        assert (await c.get(ok, headers=_bearer(chave))).status_code == 401
    assert (await c.get(ok, headers=_bearer(terceira))).status_code == 200

    # Revoking one key, then the client: effective on the next request.
    quarta = (
        await c.post(
            f"/api/clientes-api/{cid}/rotacao", json={"sobreposicao_horas": 1}, headers=tenant.auth()
        )
    ).json()
    assert (
        await c.delete(f"/api/clientes-api/{cid}/chaves/{quarta['chave_id']}", headers=tenant.auth())
    ).status_code == 204
    assert (await c.get(ok, headers=_bearer(quarta["chave"]))).status_code == 401
    assert (await c.get(ok, headers=_bearer(terceira))).status_code == 200
    revogado = await c.post(f"/api/clientes-api/{cid}/revogacao", headers=tenant.auth())
    assert revogado.status_code == 200 and revogado.json()["ativo"] is False
    assert not any(k["valida"] for k in revogado.json()["chaves"])
    assert (await c.get(ok, headers=_bearer(terceira))).status_code == 401
    again = await c.post(f"/api/clientes-api/{cid}/revogacao", headers=tenant.auth())
    assert again.status_code == 200  # idempotent
    late = await c.post(f"/api/clientes-api/{cid}/rotacao", json={}, headers=tenant.auth())
    assert late.status_code == 409
    # Audited: creation, rotations and revocation name the admin who did them.
    trilha = (await c.get("/api/auditoria/?entidade=clientes_api", headers=tenant.auth(Role.AUDITOR))).json()
    assert any(e["entity_id"] == cid for e in trilha["items"])


async def test_scope_rules(tenant: Tenant) -> None:
    c = tenant.client
    admin = await c.post(
        "/api/clientes-api/", json={"nome": "Tudo", "perfil": "admin"}, headers=tenant.auth()
    )
    assert admin.status_code == 400  # admin is not a client role: keys never manage people or keys
    fora = await c.post(
        "/api/clientes-api/",
        json={"nome": "Fora", "perfil": "auditor", "permissoes": ["pagamentos:write"]},
        headers=tenant.auth(),
    )
    assert fora.status_code == 422 and "pagamentos:write" in fora.json()["detail"]
    assert fora.json()["errors"][0]["campo"] == "permissoes"
    criado = await _criar(tenant, perfil="operador")
    dup = await c.post(
        "/api/clientes-api/",
        json={"nome": criado["cliente"]["nome"], "perfil": "operador"},
        headers=tenant.auth(),
    )
    assert dup.status_code == 409
    for role in (Role.GESTOR, Role.FINANCEIRO, Role.AUDITOR, Role.OPERADOR):
        r = await c.post(
            "/api/clientes-api/", json={"nome": "X1", "perfil": "auditor"}, headers=tenant.auth(role)
        )
        assert r.status_code == 403
    # Narrowing the scope applies to the next request.
    chave = criado["chave"]["chave"]
    assert (await c.get("/api/grupos/", headers=_bearer(chave))).status_code == 200
    r = await c.patch(
        f"/api/clientes-api/{criado['cliente']['id']}",
        json={"permissoes": ["cotas:read"]},
        headers=tenant.auth(),
    )
    assert r.status_code == 200 and r.json()["permissoes"] == ["cotas:read"]
    assert (await c.get("/api/grupos/", headers=_bearer(chave))).status_code == 403


async def test_each_client_has_its_own_rate_limit(tenant: Tenant) -> None:
    criado = await _criar(tenant, perfil="auditor", limite_por_minuto=3)
    chave = criado["chave"]["chave"]
    # 3 per minute: within 8 requests at least one 429 even if a minute boundary falls in between.
    statuses = [
        (await tenant.client.get("/api/grupos/", headers=_bearer(chave))).status_code for _ in range(8)
    ]
    assert 429 in statuses and set(statuses) <= {200, 429}, statuses
    assert (await tenant.client.get("/api/grupos/", headers=tenant.auth(Role.AUDITOR))).status_code == 200


async def test_a_key_works_only_on_its_own_tenant(tenant: Tenant, other_tenant: Tenant) -> None:
    a, b = tenant, other_tenant
    criado = await _criar(a, perfil="auditor")
    chave = criado["chave"]["chave"]
    assert (await a.client.get("/api/grupos/", headers=_bearer(chave))).status_code == 200
    for path in ("/api/grupos/", "/api/auth/me", "/api/auditoria/", "/api/pagamentos/"):
        r = await b.client.get(path, headers=_bearer(chave))
        assert r.status_code == 401, (path, r.status_code)
    # Relabelled with B's slug, A's key finds no row in B's database.
    _, _, prefixo, segredo = chave.split(".")
    forjada = f"cak.{b.slug}.{prefixo}.{segredo}"
    assert (await b.client.get("/api/grupos/", headers=_bearer(forjada))).status_code == 401
    # B's admin neither sees nor manages A's clients.
    cid = criado["cliente"]["id"]
    assert (await b.client.get(f"/api/clientes-api/{cid}", headers=b.auth())).status_code == 404
    assert (await b.client.post(f"/api/clientes-api/{cid}/revogacao", headers=b.auth())).status_code == 404
    nomes = {x["nome"] for x in (await b.client.get("/api/clientes-api/", headers=b.auth())).json()["items"]}
    assert criado["cliente"]["nome"] not in nomes
    # A wrong secret with a real prefix is refused too.
    assert (
        await a.client.get("/api/grupos/", headers=_bearer(f"cak.{a.slug}.{prefixo}.x{segredo}"))
    ).status_code == 401


async def test_oauth_client_credentials(tenant: Tenant, other_tenant: Tenant) -> None:
    """RFC 6749 §4.4 as an OAuth library sends it: form body or HTTP Basic; the token dies with its key."""
    c = tenant.client
    criado = await _criar(tenant, perfil="auditor", permissoes=["grupos:read"])
    cid, chave = criado["cliente"]["id"], criado["chave"]["chave"]
    r = await c.post(
        "/api/auth/token", data={"grant_type": "client_credentials", "client_id": cid, "client_secret": chave}
    )
    assert r.status_code == 200, r.text
    corpo = r.json()
    assert corpo["token_type"] == "Bearer" and corpo["expires_in"] == 900 and corpo["scope"] == "grupos:read"
    token = corpo["access_token"]
    assert token.startswith(f"cat.{tenant.slug}.") and chave not in token
    assert (await c.get("/api/grupos/", headers=_bearer(token))).status_code == 200
    assert (await c.get("/api/cotas/" + str(uuid.uuid4()), headers=_bearer(token))).status_code == 403
    me = (await c.get("/api/auth/me", headers=_bearer(token))).json()
    assert me["id"] == cid

    basic = base64.b64encode(f"{cid}:{chave}".encode()).decode()
    r2 = await c.post(
        "/api/auth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert r2.status_code == 200 and r2.json()["access_token"] != token

    for dados, status in (
        ({"grant_type": "client_credentials", "client_secret": chave + "x"}, 401),
        ({"grant_type": "client_credentials", "client_id": str(uuid.uuid4()), "client_secret": chave}, 401),
        ({"grant_type": "client_credentials"}, 401),
        ({"grant_type": "password", "client_secret": chave}, 400),
    ):
        bad = await c.post("/api/auth/token", data=dados)
        assert bad.status_code == status, (dados, bad.text)
        assert bad.headers["content-type"].startswith("application/problem+json")
    # Another tenant's app knows neither the key nor the token.
    assert (await other_tenant.client.get("/api/grupos/", headers=_bearer(token))).status_code == 401
    outro = await other_tenant.client.post(
        "/api/auth/token", data={"grant_type": "client_credentials", "client_secret": chave}
    )
    assert outro.status_code == 401

    # Revoking the key ends the tokens it obtained, on the next request.
    assert (
        await c.delete(f"/api/clientes-api/{cid}/chaves/{criado['chave']['chave_id']}", headers=tenant.auth())
    ).status_code == 204
    assert (await c.get("/api/grupos/", headers=_bearer(token))).status_code == 401
    trilha = (await c.get(f"/api/auditoria/?entidade_id={cid}", headers=tenant.auth(Role.AUDITOR))).json()
    assert "token_emitido" in {e["action"] for e in trilha["items"]}
