"""Issue 20 item 7 (control plane): TOTP second factor for platform staff, on the real PostgreSQL.

Each failed on the old code: the staff login took a password alone. The module runs with
``CONTROL_PLANE_REQUIRE_TOTP_FOR_ADMINS`` on (the production setting); the other tests use
billing accounts, which it does not concern.
"""

from __future__ import annotations

import asyncio
import dataclasses
import secrets
import time
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from control_plane.audit.models import AuditEvent
from control_plane.audit.service import ActionContext
from control_plane.auth.roles import Role
from control_plane.auth.second_factor import SecondFactorService
from control_plane.auth.service import AdminUserService
from control_plane.settings import Settings
from sqlalchemy import select

from consorcio_kit import totp
from consorcio_kit.login_throttle import account_id

pytestmark = pytest.mark.integration

PASSWORD = "pw-totp-staff"


@pytest.fixture(scope="module")
def cp_settings(cp_settings: Settings) -> Settings:
    """The shared settings with the production rule: platform admins must use TOTP."""
    return dataclasses.replace(
        cp_settings, auth=dataclasses.replace(cp_settings.auth, require_totp_for_admins=True)
    )


@pytest_asyncio.fixture
async def client(cp_client: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    """The app seen from a fresh address: throttle counts live in the shared Redis across runs."""
    address = "10." + ".".join(str(b) for b in secrets.token_bytes(3))
    transport = httpx.ASGITransport(app=cp_client._transport.app, client=(address, 40000))  # type: ignore[attr-defined]
    async with httpx.AsyncClient(transport=transport, base_url="http://control-plane") as c:
        yield c


async def _staff(cp_session_factory, role: Role = Role.BILLING) -> str:  # type: ignore[no-untyped-def]
    email = f"totp-{uuid.uuid4().hex[:8]}@platform.example"
    async with cp_session_factory() as session:
        await AdminUserService(session).upsert(ActionContext.system("test"), email, PASSWORD, role)
    return email


async def _login(c: httpx.AsyncClient, email: str, code: str | None = None, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    body = {"email": email, "password": password} | ({"totp": code} if code else {})
    return await c.post("/api/auth/token", json=body)


def _bearer(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def _step_with_room() -> int:
    """The current 30 s step, waiting for the next one when fewer than 3 s are left, so the
    codes of the steps before and after it stay valid for the whole test."""
    if time.time() % totp.STEP_SECONDS > totp.STEP_SECONDS - 3:
        await asyncio.sleep(totp.STEP_SECONDS - time.time() % totp.STEP_SECONDS + 0.1)
    return int(time.time() // totp.STEP_SECONDS)


async def _enrol(c: httpx.AsyncClient, headers: dict[str, str], code_step: int) -> tuple[str, list[str]]:
    started = await c.post("/api/auth/totp", headers=headers)
    assert started.status_code == 201, started.text
    secret = started.json()["secret"]
    assert started.json()["otpauthUri"].startswith("otpauth://totp/") and "<svg" in started.json()["qrSvg"]
    confirmed = await c.post(
        "/api/auth/totp/confirm", headers=headers, json={"code": totp.code_at(secret, code_step)}
    )
    assert confirmed.status_code == 200, confirmed.text
    return secret, confirmed.json()["recoveryCodes"]


async def _failures(cp_session_factory, email: str) -> list[str]:  # type: ignore[no-untyped-def]
    async with cp_session_factory() as session:
        rows = await session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "admin_user.login_failed", AuditEvent.target_id == account_id(email))
            .order_by(AuditEvent.id)
        )
        return [r.details["reason"] for r in rows]


async def test_enrolled_staff_login_needs_a_fresh_code(client, cp_session_factory, problem) -> None:
    step = await _step_with_room()
    email = await _staff(cp_session_factory)
    headers = _bearer(await _login(client, email))
    problem(await client.post("/api/auth/totp/confirm", headers=headers, json={"code": "000000"}), 409)
    assert (await client.post("/api/auth/totp", headers=headers)).status_code == 201
    wrong = await client.post("/api/auth/totp/confirm", headers=headers, json={"code": "000000"})
    assert problem(wrong, 422)["errors"][0]["field"] == "code"
    secret, _ = await _enrol(client, headers, step - 1)  # starting again replaces the secret
    assert (await client.get("/api/auth/me", headers=headers)).json()["totpEnabled"] is True

    assert problem(await _login(client, email), 401)["type"].endswith("/totp-required")
    bad = str((int(totp.code_at(secret, step)) + 1) % 1_000_000).zfill(6)
    assert problem(await _login(client, email, bad), 401)["type"].endswith("/totp-invalid")
    used_at_enrolment = totp.code_at(secret, step - 1)
    assert problem(await _login(client, email, used_at_enrolment), 401)["type"].endswith("/totp-invalid")
    ok = await _login(client, email, totp.code_at(secret, step))
    assert ok.json()["totp_enrolment_required"] is False
    _bearer(ok)
    replay = await _login(client, email, totp.code_at(secret, step))
    assert problem(replay, 401)["type"].endswith("/totp-invalid")
    assert await _failures(cp_session_factory, email) == ["totp-missing"] + ["totp-invalid"] * 3


async def test_wrong_codes_count_in_the_login_throttle(client, cp_session_factory, problem) -> None:
    step = await _step_with_room()
    email = await _staff(cp_session_factory)
    secret, _ = await _enrol(client, _bearer(await _login(client, email)), step)
    bad = str((int(totp.code_at(secret, step + 1)) + 1) % 1_000_000).zfill(6)
    for _ in range(5):
        problem(await _login(client, email, bad), 401)
    refused = await _login(client, email, totp.code_at(secret, step + 1))
    assert problem(refused, 429)["type"].endswith("/too-many-attempts")


async def test_unknown_accounts_answer_like_a_wrong_password_with_a_code(client, cp_session_factory) -> None:
    step = await _step_with_room()
    email = await _staff(cp_session_factory)
    secret, _ = await _enrol(client, _bearer(await _login(client, email)), step)
    code = totp.code_at(secret, step + 1)
    known = await _login(client, email, code, password="wrong")
    unknown = await _login(client, f"nobody-{uuid.uuid4().hex[:6]}@platform.example", code, password="wrong")
    assert known.status_code == unknown.status_code == 401
    assert known.json() | {"instance": ""} == unknown.json() | {"instance": ""}
    _bearer(await _login(client, email, code))  # a wrong password did not spend the code


async def test_recovery_codes_work_once_and_disable_needs_a_code(client, cp_session_factory, problem) -> None:
    step = await _step_with_room()
    email = await _staff(cp_session_factory)
    secret, recovery = await _enrol(client, _bearer(await _login(client, email)), step - 1)
    assert len(recovery) == 10
    headers = _bearer(await _login(client, email, recovery[0].upper()))
    assert problem(await _login(client, email, recovery[0]), 401)["type"].endswith("/totp-invalid")

    wrong = await client.post("/api/auth/totp/disable", headers=headers, json={"code": recovery[0]})
    problem(wrong, 422)
    done = await client.post(
        "/api/auth/totp/disable", headers=headers, json={"code": totp.code_at(secret, step)}
    )
    assert done.status_code == 204, done.text
    _bearer(await _login(client, email))  # the password alone again
    again = await client.post("/api/auth/totp/disable", headers=headers, json={"code": "123456"})
    problem(again, 409)


async def test_admins_must_enrol_and_keep_totp_unless_reset(client, cp_session_factory, problem) -> None:
    step = await _step_with_room()
    email = await _staff(cp_session_factory, Role.PLATFORM_ADMIN)
    pending = await _login(client, email)
    assert pending.json()["totp_enrolment_required"] is True
    limited = _bearer(pending)
    problem(await client.get("/api/audit-events?limit=1", headers=limited), 403)
    secret, _ = await _enrol(client, limited, step - 1)
    problem(
        await client.get("/api/audit-events?limit=1", headers=limited), 403
    )  # the limited token stays limited

    full = await _login(client, email, totp.code_at(secret, step))
    assert full.json()["totp_enrolment_required"] is False
    assert (await client.get("/api/audit-events?limit=1", headers=_bearer(full))).status_code == 200
    keep = await client.post(
        "/api/auth/totp/disable", headers=_bearer(full), json={"code": totp.code_at(secret, step + 1)}
    )
    problem(keep, 409)

    async with cp_session_factory() as session:
        await SecondFactorService(session).reset(ActionContext.system("test"), email)
        reset = await session.scalar(
            select(AuditEvent).where(
                AuditEvent.action == "admin_user.totp_reset", AuditEvent.target_id == email
            )
        )
    assert reset is not None and reset.details == {"wasActive": True}
    assert (await _login(client, email)).json()["totp_enrolment_required"] is True
