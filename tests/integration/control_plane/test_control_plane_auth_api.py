"""Staff authentication and the role matrix, through the HTTP API."""

from __future__ import annotations

import httpx
import pytest
from control_plane.audit.service import ActionContext
from control_plane.auth.roles import Role
from control_plane.auth.service import AdminUserService

pytestmark = pytest.mark.integration


async def test_login_and_me(cp_client: httpx.AsyncClient, auth) -> None:
    response = await cp_client.get("/api/auth/me", headers=auth[Role.BILLING])
    assert response.status_code == 200
    body = response.json()
    assert body["role"] == "billing"
    assert "billing:write" in body["permissions"] and "flags:write" not in body["permissions"]


async def test_wrong_password_and_unknown_account_look_the_same(cp_client, auth, problem) -> None:
    wrong = await cp_client.post(
        "/api/auth/token", json={"email": "billing@platform.example", "password": "x"}
    )
    unknown = await cp_client.post(
        "/api/auth/token", json={"email": "nobody@platform.example", "password": "x"}
    )
    assert problem(wrong, 401)["detail"] == problem(unknown, 401)["detail"]


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Basic dXNlcjpwYXNz", "Bearer not-a-jwt", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc"],
)
async def test_missing_or_bad_tokens_are_401(cp_client, problem, header) -> None:
    headers = {"Authorization": header} if header else {}
    response = await cp_client.get("/api/tenants", headers=headers)
    problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    ("role", "method", "path", "body", "allowed"),
    [
        (Role.SRE_READONLY, "GET", "/api/plans", None, True),
        (Role.SRE_READONLY, "GET", "/api/audit-events", None, True),
        (Role.SRE_READONLY, "GET", "/api/invoices", None, True),
        (
            Role.SRE_READONLY,
            "POST",
            "/api/flags",
            {"key": "x", "type": "boolean", "defaultValue": False},
            False,
        ),
        (Role.SRE_READONLY, "POST", "/api/billing/invoice-runs", {"period": "2025-01"}, False),
        (Role.BILLING, "POST", "/api/flags", {"key": "x", "type": "boolean", "defaultValue": False}, False),
        (Role.BILLING, "GET", "/api/audit-events", None, False),
        (Role.BILLING, "POST", "/api/tenants", {"slug": "x"}, False),
        (Role.BILLING, "DELETE", "/api/tenants/x?deletionPolicy=Retain", None, False),
        (Role.BILLING, "GET", "/api/flags", None, True),
    ],
)
async def test_role_matrix_over_http(cp_client, auth, problem, role, method, path, body, allowed) -> None:
    response = await cp_client.request(method, path, json=body, headers=auth[role])
    if allowed:
        assert response.status_code == 200, response.text
    else:
        problem(response, 403)


async def test_a_token_stops_working_when_the_role_changes(cp_client, cp_session_factory, problem) -> None:
    async with cp_session_factory() as session:
        await AdminUserService(session).upsert(
            ActionContext.system("test"), "temp@x.example", "pw", Role.PLATFORM_ADMIN
        )
    login = await cp_client.post("/api/auth/token", json={"email": "temp@x.example", "password": "pw"})
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    assert (await cp_client.get("/api/flags", headers=headers)).status_code == 200
    async with cp_session_factory() as session:
        await AdminUserService(session).upsert(
            ActionContext.system("test"), "temp@x.example", "pw", Role.SRE_READONLY
        )
    problem(await cp_client.get("/api/flags", headers=headers), 401)


async def test_tenant_app_routes_refuse_admin_tokens(cp_client, auth, problem) -> None:
    # An admin JWT is not a ServiceAccount token: the TokenReview path is the only way in
    # (Kubernetes is unreachable in this module, so the answer is 503, never a 2xx).
    response = await cp_client.get(
        "/api/tenant-app/tenants/acme/flag-snapshot", headers=auth[Role.PLATFORM_ADMIN]
    )
    assert response.status_code in (401, 403, 503)
    assert response.headers["content-type"].startswith("application/problem+json")
