"""Two tenants, two databases, two Redis users: nothing of A is reachable from B."""

from __future__ import annotations

import pytest
import redis

from tenant_app.users.roles import Role
from tests.support.tenant_app_fixtures import Tenant

from .factories import make_consorciado, make_running_grupo, pay

pytestmark = pytest.mark.integration


async def test_tenant_a_cannot_reach_tenant_b(tenant: Tenant, other_tenant: Tenant) -> None:
    a, b = tenant, other_tenant
    grupo, cotas = await make_running_grupo(a, cotas=1)
    pessoa = await make_consorciado(a)
    paid = await pay(a, cotas[0]["id"], "100.00", "2025-02-01")
    assert paid.status_code == 201

    # A's token is refused by B's app on every family of endpoints.
    for path in (
        "/api/grupos/",
        f"/api/grupos/{grupo['id']}",
        f"/api/cotas/{cotas[0]['id']}/parcelas",
        f"/api/consorciados/{pessoa['id']}",
        "/api/auditoria/",
        "/api/inadimplencia/",
        "/api/usuarios/",
        f"/api/pagamentos/{paid.json()['id']}",
    ):
        assert (await b.client.get(path, headers=a.auth())).status_code == 401, path

    # With B's own admin token, A's ids do not exist in B's database.
    for path in (
        f"/api/grupos/{grupo['id']}",
        f"/api/cotas/{cotas[0]['id']}",
        f"/api/consorciados/{pessoa['id']}",
        f"/api/pagamentos/{paid.json()['id']}",
        f"/api/grupos/{grupo['id']}/cotas",
    ):
        r = await b.client.get(path, headers=b.auth())
        assert r.status_code == 404, (path, r.status_code)
    listing = (await b.client.get("/api/grupos/", headers=b.auth(Role.AUDITOR))).json()
    assert grupo["id"] not in {g["id"] for g in listing["items"]}
    r = await pay(b, cotas[0]["id"], "100.00", "2025-02-01")
    assert r.status_code in (401, 404)

    # B's Redis user cannot read or write A's keys.
    b_redis = redis.Redis.from_url(b.settings.redis.url)
    try:
        with pytest.raises(redis.exceptions.NoPermissionError):
            b_redis.get(a.settings.redis.key("ratelimit", "tenant", a.slug, "0"))
        with pytest.raises(redis.exceptions.NoPermissionError):
            b_redis.set(a.settings.redis.key("lock", "x"), "1")
    finally:
        b_redis.close()
