"""Issue 20 item 7 (tenant app): logins against the real PostgreSQL and Redis ACL user.

Each test is named after a finding and failed on the old code: unauthenticated requests
spent the tenant-wide rate-limit bucket, wrong passwords locked the account (423) for
everyone, 423 vs 401 told which e-mails exist, failures were not audited, a deactivated
user kept access until his token expired, and the API login ignored an enrolled TOTP.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pyotp
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tenant_app.settings import asyncpg_url
from tenant_app.users.roles import Role
from tests.support.tenant_app_fixtures import PASSWORD, Tenant, provision_tenant

pytestmark = pytest.mark.integration


@pytest.fixture
async def acme(make_database: Callable[[], str], redis_url: str) -> AsyncIterator[Tenant]:
    """A tenant of its own (its login counters must not meet other tests'), small tenant budget.

    The test client always reports the address ``testclient``; an ASGI shim in front of the
    app takes the client's address from ``x-test-address`` instead (the server's view of
    the peer, which uvicorn fills from the TCP connection or the trusted X-Forwarded-For).
    """
    t = await provision_tenant(
        make_database, redis_url, f"lg{uuid.uuid4().hex[:6]}", roles=(Role.OPERADOR,), per_tenant=40
    )
    real = t.client.app

    async def shim(scope: Any, receive: Any, send: Any) -> None:
        headers = dict(scope.get("headers") or [])
        if scope["type"] == "http" and b"x-test-address" in headers:
            scope = {**scope, "client": (headers[b"x-test-address"].decode(), 40000)}
        await real(scope, receive, send)

    t.client.app = shim  # type: ignore[assignment]
    yield t
    t.client.app = real
    await t.client.__aexit__(None, None, None)


class _From:
    """Requests to the tenant app that it sees coming from ``address``."""

    def __init__(self, t: Tenant, address: str) -> None:
        self.t, self.address = t, address

    async def __aenter__(self) -> _From:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def post(self, path: str, **kw: Any) -> httpx.Response:
        return await self.t.client.post(path, headers={"x-test-address": self.address}, **kw)


def _from(t: Tenant, address: str) -> _From:
    return _From(t, address)


async def _login(c: Any, email: str, password: str, **extra: str) -> httpx.Response:
    return await c.post("/api/auth/login", json={"email": email, "password": password, **extra})


async def _sql(tenant_: Tenant, sql: str, **params: object) -> list[tuple[object, ...]]:
    engine = create_async_engine(asyncpg_url(tenant_.env["DATABASE_URL"]))
    try:
        async with engine.begin() as conn:
            result = await conn.execute(text(sql), params)
            return [tuple(r) for r in result] if result.returns_rows else []
    finally:
        await engine.dispose()


async def test_unauthenticated_requests_from_one_address_do_not_spend_the_tenant_budget(acme: Tenant) -> None:
    # per_tenant=40 a minute: 45 unauthenticated requests from one address used to spend the
    # tenant's bucket (then every user got 429). 25 failed logins (below the address's free 30)...
    async with _from(acme, "203.0.113.7") as attacker:
        for i in range(25):
            r = await _login(attacker, f"nobody{i}@x.example", "wrong-wrong")
            assert r.status_code == 401, r.text
        # ...and 20 refreshes with garbage tokens.
        for _ in range(20):
            r = await attacker.post("/api/auth/refresh", json={"refresh_token": "x" * 40})
            assert r.status_code == 401, r.text
    me = await acme.client.get("/api/auth/me", headers=acme.auth(Role.OPERADOR))
    assert me.status_code == 200, me.text


async def test_failed_logins_from_one_address_cannot_lock_the_account_for_its_owner(acme: Tenant) -> None:
    email = f"operador@{acme.slug}.example"
    async with _from(acme, "203.0.113.8") as attacker, _from(acme, "198.51.100.20") as owner:
        for _ in range(8):
            r = await _login(attacker, email, "wrong-wrong")
            assert r.status_code in (401, 429)
        # The attacker's own address now waits, even with the right password...
        blocked = await _login(attacker, email, PASSWORD)
        assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) >= 1
        # ...while the owner, elsewhere, logs in at once (the old code: 423 for everyone).
        ok = await _login(owner, email, PASSWORD)
        assert ok.status_code == 200, ok.text


async def test_wrong_passwords_delay_the_next_attempt_progressively_and_admin_unlock_lifts_it(
    acme: Tenant,
) -> None:
    email = f"operador@{acme.slug}.example"
    async with _from(acme, "203.0.113.9") as c:
        for _ in range(5):
            assert (await _login(c, email, "wrong-wrong")).status_code == 401
        waited = await _login(c, email, PASSWORD)
        assert waited.status_code == 429
        assert waited.headers["content-type"].startswith("application/problem+json")
        assert waited.json()["type"].endswith("/muitas_tentativas")
        first_wait = int(waited.headers["retry-after"])
        await asyncio.sleep(first_wait + 0.2)
        # One more failure doubles the wait.
        assert (await _login(c, email, "wrong-wrong")).status_code == 401
        longer = await _login(c, email, PASSWORD)
        assert longer.status_code == 429 and int(longer.headers["retry-after"]) >= 2 * first_wait
        user_id = (await _sql(acme, "SELECT id FROM users WHERE email = :e", e=email))[0][0]
        unlock = await acme.client.post(f"/api/usuarios/{user_id}/desbloqueio", headers=acme.auth())
        assert unlock.status_code == 200
        assert (await _login(c, email, PASSWORD)).status_code == 200


async def test_unknown_and_known_accounts_get_identical_answers(acme: Tenant) -> None:
    known, unknown = f"operador@{acme.slug}.example", f"ghost-{uuid.uuid4().hex[:6]}@{acme.slug}.example"
    answers: dict[str, list[tuple[int, str, str | None]]] = {}
    for address, email in (("192.0.2.1", known), ("192.0.2.2", unknown)):
        async with _from(acme, address) as c:
            seq = []
            for _ in range(7):
                r = await _login(c, email, "wrong-wrong")
                body = r.json()
                seq.append((r.status_code, body["type"] + body["detail"], r.headers.get("retry-after")))
            answers[email] = seq
    assert answers[known] == answers[unknown]
    assert [s for s, _, _ in answers[known]] == [401] * 5 + [429] * 2


async def test_failed_logins_are_audited(acme: Tenant) -> None:
    known, unknown = f"operador@{acme.slug}.example", f"who-{uuid.uuid4().hex[:6]}@x.example"
    async with _from(acme, "192.0.2.55") as c:
        await _login(c, known, "wrong-wrong")
        await _login(c, unknown, "wrong-wrong")
    rows = await _sql(
        acme,
        "SELECT entity_id, after FROM audit_log WHERE action = 'login_falhou' AND after->>'origem' = :o"
        " ORDER BY seq",
        o="192.0.2.55",
    )
    assert len(rows) == 2
    (known_id, known_after), (unknown_id, unknown_after) = rows
    assert known_id is not None and known_after["conta_existe"] is True  # type: ignore[index]
    assert unknown_id is None and unknown_after["conta_existe"] is False  # type: ignore[index]
    assert unknown not in str(unknown_after)  # only a hash of what was typed


async def test_deactivated_user_loses_access_before_the_token_expires(acme: Tenant) -> None:
    email = f"curto-{uuid.uuid4().hex[:6]}@{acme.slug}.example"
    created = await acme.client.post(
        "/api/usuarios/",
        json={"email": email, "nome": "Temporária", "role": "gestor", "password": PASSWORD},
        headers=acme.auth(),
    )
    user_id = created.json()["id"]
    token = (await _login(acme.client, email, PASSWORD)).json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert (await acme.client.get("/api/grupos/", headers=bearer)).status_code == 200
    # Demoted to auditor: the token still says gestor, the database decides.
    r = await acme.client.patch(f"/api/usuarios/{user_id}", json={"role": "auditor"}, headers=acme.auth())
    assert r.status_code == 200
    assert (await acme.client.get("/api/auth/me", headers=bearer)).json()["role"] == "auditor"
    r = await acme.client.patch(f"/api/usuarios/{user_id}", json={"active": False}, headers=acme.auth())
    assert r.status_code == 200
    assert (await acme.client.get("/api/grupos/", headers=bearer)).status_code == 401


async def test_deactivation_in_the_database_reaches_another_replica_within_seconds(acme: Tenant) -> None:
    # The cache's other side: a change this replica did not make (another replica, SQL) is
    # seen after USER_CHECK_SECONDS (5 s by default), not after the token's 15 minutes.
    email = f"outro-{uuid.uuid4().hex[:6]}@{acme.slug}.example"
    await acme.client.post(
        "/api/usuarios/",
        json={"email": email, "nome": "Réplica", "role": "operador", "password": PASSWORD},
        headers=acme.auth(),
    )
    bearer = {
        "Authorization": f"Bearer {(await _login(acme.client, email, PASSWORD)).json()['access_token']}"
    }
    assert (await acme.client.get("/api/auth/me", headers=bearer)).status_code == 200
    await _sql(acme, "UPDATE users SET active = false WHERE email = :e", e=email)
    await asyncio.sleep(acme.settings.auth.user_check_seconds + 0.5)
    assert (await acme.client.get("/api/auth/me", headers=bearer)).status_code == 401


async def test_api_login_requires_the_totp_code_when_2fa_is_enrolled(acme: Tenant) -> None:
    email = f"financeiro-{uuid.uuid4().hex[:6]}@{acme.slug}.example"
    await acme.client.post(
        "/api/usuarios/",
        json={"email": email, "nome": "Fin", "role": "financeiro", "password": PASSWORD},
        headers=acme.auth(),
    )
    secret = pyotp.random_base32()
    await _sql(
        acme,
        "UPDATE users SET totp_secret = :s, totp_ativado_em = :t WHERE email = :e",
        s=secret,
        t=datetime.now(UTC),
        e=email,
    )
    async with _from(acme, "192.0.2.77") as c:
        missing = await _login(c, email, PASSWORD)
        assert missing.status_code == 401, missing.text  # the old code issued tokens here
        assert missing.json()["type"].endswith("/segundo_fator_necessario")
        wrong_code = str((int(pyotp.TOTP(secret).now()) + 500_000) % 1_000_000).zfill(6)
        wrong = await _login(c, email, PASSWORD, codigo=wrong_code)
        assert wrong.status_code == 400 and wrong.json()["type"].endswith("/codigo_invalido")
        ok = await _login(c, email, PASSWORD, codigo=pyotp.TOTP(secret).now())
        assert ok.status_code == 200, ok.text
        assert ok.json()["access_token"]
        # Wrong password with a right code is still just a wrong password.
        bad = await _login(c, email, "wrong-wrong", codigo=pyotp.TOTP(secret).now())
        assert bad.status_code == 401 and bad.json()["type"].endswith("/credenciais_invalidas")
