"""Login, refresh rotation, lockout, guards, tenant-bound tokens."""

from __future__ import annotations

import uuid

import pytest

from tenant_app.users.roles import Role
from tests.support.tenant_app_fixtures import PASSWORD, Tenant

pytestmark = pytest.mark.integration


async def test_login_me_and_refresh_rotation(tenant: Tenant) -> None:
    c = tenant.client
    r = await c.post("/api/auth/login", json={"email": f"gestor@{tenant.slug}.example", "password": PASSWORD})
    assert r.status_code == 200
    tokens = r.json()
    me = await c.get("/api/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.json()["role"] == "gestor" and me.json()["tenant"] == tenant.slug

    r2 = await c.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert r2.status_code == 200
    new = r2.json()
    assert new["refresh_token"] != tokens["refresh_token"]
    # Reusing the spent token revokes the family: the new one dies too.
    reuse = await c.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert reuse.status_code == 401
    assert reuse.headers["content-type"].startswith("application/problem+json")
    dead = await c.post("/api/auth/refresh", json={"refresh_token": new["refresh_token"]})
    assert dead.status_code == 401


async def test_wrong_passwords_throttle_and_admin_unlock(tenant: Tenant) -> None:
    # Wrong passwords make the next attempts wait (429, progressive delay; no 423 lock a
    # stranger could set: tests/integration/tenant_app/auth/test_tenant_app_login_hardening.py).
    c = tenant.client
    email = f"lock-{uuid.uuid4().hex[:6]}@example.com"
    r = await c.post(
        "/api/usuarios/",
        json={"email": email, "nome": "Trava", "role": "operador", "password": PASSWORD},
        headers=tenant.auth(),
    )
    assert r.status_code == 201
    user_id = r.json()["id"]
    for _ in range(5):
        bad = await c.post("/api/auth/login", json={"email": email, "password": "errada-errada"})
        assert bad.status_code == 401
    locked = await c.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.json()["status"] == 429 and int(locked.headers["retry-after"]) >= 1
    unlock = await c.post(f"/api/usuarios/{user_id}/desbloqueio", headers=tenant.auth())
    assert unlock.status_code == 200
    ok = await c.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert ok.status_code == 200


async def test_unknown_email_is_401_problem(tenant: Tenant) -> None:
    r = await tenant.client.post("/api/auth/login", json={"email": "ninguem@x.com", "password": "x"})
    assert r.status_code == 401 and r.json()["title"]


async def test_routes_require_a_token(tenant: Tenant) -> None:
    r = await tenant.client.get("/api/usuarios/")
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")
    garbage = await tenant.client.get("/api/usuarios/", headers={"Authorization": "Bearer abc.def.ghi"})
    assert garbage.status_code == 401


@pytest.mark.parametrize("role", [Role.GESTOR, Role.OPERADOR, Role.FINANCEIRO, Role.AUDITOR])
async def test_only_admin_manages_users(tenant: Tenant, role: Role) -> None:
    r = await tenant.client.get("/api/usuarios/", headers=tenant.auth(role))
    assert r.status_code == 403
    assert (await tenant.client.get("/api/usuarios/", headers=tenant.auth())).status_code == 200


async def test_token_of_another_tenant_is_rejected(tenant: Tenant, other_tenant: Tenant) -> None:
    r = await other_tenant.client.get("/api/auth/me", headers=tenant.auth())
    assert r.status_code == 401
    r2 = await tenant.client.get("/api/usuarios/", headers=other_tenant.auth())
    assert r2.status_code == 401
    # Same secret would still fail on issuer/audience: forge one with B's secret but A's claims.
    from tenant_app.auth.tokens import CurrentUser, issue_access_token

    me = (await tenant.client.get("/api/auth/me", headers=tenant.auth())).json()
    import dataclasses
    import uuid

    forged_settings = dataclasses.replace(
        tenant.settings.auth, jwt_secret=other_tenant.settings.auth.jwt_secret
    )
    forged, _ = issue_access_token(forged_settings, CurrentUser(uuid.UUID(me["id"]), me["email"], Role.ADMIN))
    r3 = await other_tenant.client.get("/api/auth/me", headers={"Authorization": f"Bearer {forged}"})
    assert r3.status_code == 401


async def test_health_ready_metrics_schema(tenant: Tenant) -> None:
    c = tenant.client
    assert (await c.get("/health")).json() == {"status": "ok"}
    ready = await c.get("/ready")
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"] == {"database": "ok", "redis": "ok"}
    metrics = await c.get("/metrics")
    assert metrics.status_code == 200 and "tenant_app" in metrics.text
    schema = await c.get("/schema/openapi.json")
    assert schema.status_code == 200 and "/api/auth/login" in schema.json()["paths"]
    r = await c.get("/health", headers={"X-Request-ID": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"
