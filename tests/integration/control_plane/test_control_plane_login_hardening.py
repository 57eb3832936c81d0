"""Issue 20 item 7 (control plane): staff logins against the real PostgreSQL.

Named after the findings; each failed on the old code: the staff login had no rate
limit of any kind and its failures were not audited.
"""

from __future__ import annotations

import secrets
import uuid

import httpx
import pytest
from control_plane.audit.models import AuditEvent
from control_plane.audit.service import ActionContext
from control_plane.auth.roles import Role
from control_plane.auth.service import AdminUserService
from sqlalchemy import select

from consorcio_kit.login_throttle import account_id

pytestmark = pytest.mark.integration


def _address() -> str:
    """A fresh address: the counts live in the control plane's Redis for an hour, across runs."""
    return "10." + ".".join(str(b) for b in secrets.token_bytes(3))


async def _account(cp_session_factory) -> str:  # type: ignore[no-untyped-def]
    """A new staff account (password ``pw-fresh``) whose counters start at zero."""
    email = f"fresh-{uuid.uuid4().hex[:8]}@platform.example"
    async with cp_session_factory() as session:
        await AdminUserService(session).upsert(ActionContext.system("test"), email, "pw-fresh", Role.BILLING)
    return email


def _from(cp_client: httpx.AsyncClient, address: str) -> httpx.AsyncClient:
    """A client on the same app whose requests come from ``address``."""
    app = cp_client._transport.app  # type: ignore[attr-defined]
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=(address, 40000)), base_url="http://control-plane"
    )


async def _token(c: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await c.post("/api/auth/token", json={"email": email, "password": password})


async def test_staff_login_failures_are_throttled_without_locking_out_the_owner(
    cp_client, cp_session_factory
) -> None:
    email = await _account(cp_session_factory)
    async with _from(cp_client, _address()) as attacker, _from(cp_client, _address()) as owner:
        for _ in range(5):
            assert (await _token(attacker, email, "wrong")).status_code == 401
        waited = await _token(attacker, email, "pw-fresh")
        assert waited.status_code == 429, waited.text
        assert int(waited.headers["retry-after"]) >= 1
        assert waited.json()["type"].endswith("too-many-attempts")
        assert (await _token(owner, email, "pw-fresh")).status_code == 200


async def test_staff_login_answers_the_same_for_unknown_and_known_accounts(
    cp_client, cp_session_factory
) -> None:
    answers = []
    unknown = f"nobody-{uuid.uuid4().hex[:8]}@platform.example"
    for address, email in ((_address(), await _account(cp_session_factory)), (_address(), unknown)):
        async with _from(cp_client, address) as c:
            seq = []
            for _ in range(7):
                r = await _token(c, email, "wrong")
                seq.append((r.status_code, r.json()["detail"], r.headers.get("retry-after")))
            answers.append(seq)
    assert answers[0] == answers[1]
    assert [s for s, _, _ in answers[0]] == [401] * 5 + [429] * 2


async def test_staff_failed_logins_are_audited(cp_client, cp_session_factory) -> None:
    unknown, known, address = (
        f"who-{uuid.uuid4().hex[:6]}@platform.example",
        await _account(cp_session_factory),
        _address(),
    )
    ids = [account_id(unknown), account_id(known)]
    async with _from(cp_client, address) as c:
        await _token(c, unknown, "wrong")
        await _token(c, known, "wrong")
    async with cp_session_factory() as session:
        rows = (
            await session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "admin_user.login_failed")
                .where(AuditEvent.target_id.in_(ids))
            )
        ).all()
    assert len(rows) == 2
    assert {r.details["accountExists"] for r in rows} == {True, False}
    assert all(r.details["sourceIp"] == address for r in rows)
    assert all(unknown not in str(r.details) for r in rows)
