"""Audit trail: every change recorded, the database refuses UPDATE/DELETE, tampering is detected."""

from __future__ import annotations

import uuid

import asyncpg
import pytest

from tenant_app.users.roles import Role
from tests.integration.tenant_app.factories import make_consorciado, make_grupo
from tests.support.tenant_app_fixtures import Tenant

pytestmark = pytest.mark.integration


async def test_changes_are_recorded_with_actor_and_before_after(tenant: Tenant) -> None:
    grupo = await make_grupo(tenant)
    r = await tenant.client.patch(
        f"/api/grupos/{grupo['id']}", json={"prazo_meses": 24}, headers=tenant.auth(Role.GESTOR)
    )
    assert r.status_code == 200
    log = await tenant.client.get(
        f"/api/auditoria/?entidade=grupos&entidade_id={grupo['id']}", headers=tenant.auth(Role.AUDITOR)
    )
    assert log.status_code == 200
    entries = log.json()["items"]
    update = next(e for e in entries if e["action"] == "update")
    assert update["before"] == {"prazo_meses": 12} and update["after"] == {"prazo_meses": 24}
    assert update["actor_email"] == f"gestor@{tenant.slug}.example"
    assert any(e["action"] == "insert" for e in entries)
    # Personal data never enters the immutable trail.
    pessoa = await make_consorciado(tenant)
    log = await tenant.client.get(
        f"/api/auditoria/?entidade=consorciados&entidade_id={pessoa['id']}", headers=tenant.auth(Role.AUDITOR)
    )
    after = log.json()["items"][0]["after"]
    assert after["documento"] == "[dado pessoal omitido]" and pessoa["documento"] not in str(log.json())


@pytest.mark.parametrize("role", [Role.GESTOR, Role.OPERADOR, Role.FINANCEIRO])
async def test_only_auditor_and_admin_read_the_trail(tenant: Tenant, role: Role) -> None:
    assert (await tenant.client.get("/api/auditoria/", headers=tenant.auth(role))).status_code == 403
    assert (
        await tenant.client.get("/api/auditoria/verificacao", headers=tenant.auth(role))
    ).status_code == 403


async def test_database_refuses_update_and_delete(tenant: Tenant) -> None:
    await make_grupo(tenant)
    conn = await asyncpg.connect(tenant.env["DATABASE_URL"])
    try:
        # Even the owner/superuser is stopped by the trigger.
        with pytest.raises(asyncpg.PostgresError, match="somente inserção"):
            await conn.execute("UPDATE audit_log SET actor_email = 'x' WHERE seq = 1")
        with pytest.raises(asyncpg.PostgresError, match="somente inserção"):
            await conn.execute("DELETE FROM audit_log WHERE seq = 1")
        with pytest.raises(asyncpg.PostgresError, match="somente inserção"):
            await conn.execute("TRUNCATE audit_log")
        with pytest.raises(asyncpg.PostgresError, match="somente inserção"):
            await conn.execute("DELETE FROM lancamentos_fundo")  # the ledger is append-only too
        with pytest.raises(asyncpg.PostgresError, match="somente inserção"):
            await conn.execute("UPDATE audit_log SET actor_email = 'x' WHERE false")  # statement-level guard
        # And the privileges are revoked from the owning role itself (tests run as a
        # superuser, who bypasses privileges, so read the table's ACL).
        granted = {
            r["privilege_type"]
            for r in await conn.fetch(
                "SELECT (aclexplode(relacl)).privilege_type, (aclexplode(relacl)).grantee, relowner"
                " FROM pg_class WHERE relname = 'audit_log'"
            )
            if r["grantee"] == r["relowner"]
        }
        assert "INSERT" in granted and "SELECT" in granted
        assert not granted & {"UPDATE", "DELETE", "TRUNCATE"}
    finally:
        await conn.close()


async def test_tampering_is_detected(make_database, redis_url) -> None:  # type: ignore[no-untyped-def]
    # A tenant of its own: tampering must not break the shared tenant's chain.
    from tests.support.tenant_app_fixtures import provision_tenant

    t = await provision_tenant(make_database, redis_url, f"tamper{uuid.uuid4().hex[:6]}")
    try:
        for _ in range(3):
            await make_grupo(t)
        ok = (await t.client.get("/api/auditoria/verificacao", headers=t.auth(Role.AUDITOR))).json()
        assert ok["integra"] is True and ok["entradas_verificadas"] > 5
        conn = await asyncpg.connect(t.env["DATABASE_URL"])
        try:
            target = await conn.fetchval(
                "SELECT seq FROM audit_log WHERE entity = 'grupos' ORDER BY seq LIMIT 1"
            )
            # Only a superuser bypassing triggers can do this; the chain still tells.
            async with conn.transaction():
                await conn.execute("SET LOCAL session_replication_role = replica")
                await conn.execute(
                    "UPDATE audit_log SET after = jsonb_set(after, '{valor_credito}', '\"1.00\"')"
                    " WHERE seq = $1",
                    target,
                )
        finally:
            await conn.close()
        broken = (await t.client.get("/api/auditoria/verificacao", headers=t.auth(Role.AUDITOR))).json()
        assert broken["integra"] is False
        assert broken["primeira_quebra_seq"] == target
        assert "hash" in broken["motivo"]
    finally:
        await t.client.__aexit__(None, None, None)
