"""Every admin action leaves an audit event: each mutating admin route is listed
here and exercised (tenant routes need Kubernetes: tests/k8s checks their trail)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from control_plane.app import create_app
from control_plane.auth.roles import Role
from control_plane.billing.periods import BillingPeriod, local_date
from control_plane.settings import Settings
from kubernetes import client as k8s
from litestar.handlers import HTTPRouteHandler

pytestmark = pytest.mark.integration

AUDITED_IN_K8S_TESTS = {
    "tenants:create",
    "tenants:update",
    "tenants:plan",
    "tenants:suspend",
    "tenants:resume",
    "tenants:delete",
    "tenants:deletion-protection",
    "tenants:restore",
    "tenants:restore-backup",
    "tenants:purge",
}
AUDITED_HERE = {
    "flags:create",
    "flags:update",
    "flags:delete",
    "billing:invoice-run",
    "billing:dunning-run",
    "invoices:finalize",
    "invoices:void",
    "invoices:uncollectible",
    "invoices:pay",
}


@pytest.fixture(scope="module")
def cp_settings(make_database, redis_url) -> Settings:
    # Drafts stay drafts, so finalize can be exercised too.
    return Settings.from_env(
        {
            "CONTROL_PLANE_DATABASE_URL": make_database(),
            "CONTROL_PLANE_REDIS_URL": redis_url,
            "CONTROL_PLANE_AUTO_FINALIZE_INVOICES": "false",
        }
    )


def test_the_list_of_mutating_admin_routes_is_complete(cp_settings) -> None:
    app = create_app(
        cp_settings, kube_api_client=k8s.ApiClient(k8s.Configuration(host="https://127.0.0.1:9"))
    )
    mutating = set()
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if not isinstance(handler, HTTPRouteHandler) or not route.path.startswith("/api/"):
                continue
            if route.path.startswith(("/api/tenant-app/", "/api/auth/")):
                continue
            if set(handler.http_methods) - {"GET", "HEAD", "OPTIONS"}:
                mutating.add(handler.name)
    assert mutating == AUDITED_IN_K8S_TESTS | AUDITED_HERE


async def test_each_admin_action_is_recorded(cp_client, auth, seed_tenant) -> None:
    headers = auth[Role.PLATFORM_ADMIN]
    seen: list[str] = []

    async def newest_action() -> dict:
        events = (await cp_client.get("/api/audit-events?limit=1", headers=headers)).json()
        return events[0]

    async def audited(name: str, method: str, path: str, **kwargs) -> dict:
        before = (await newest_action())["id"]
        response = await cp_client.request(
            method, path, headers=headers | kwargs.pop("headers", {}), **kwargs
        )
        assert response.status_code < 300, (name, response.text)
        latest = await newest_action()
        assert latest["id"] > before, f"{name} left no audit event"
        assert latest["actor"] == "platform-admin@platform.example"
        seen.append(name)
        return response.json() if response.content else {}

    await audited(
        "flags:create", "POST", "/api/flags", json={"key": "aud", "type": "boolean", "defaultValue": True}
    )
    await audited(
        "flags:update", "PATCH", "/api/flags/aud", json={"enabled": False}, headers={"If-Match": '"1"'}
    )
    await audited("flags:delete", "DELETE", "/api/flags/aud")

    period = BillingPeriod.containing(local_date(datetime.now(UTC))).previous()
    await seed_tenant(contract_start=period.start - timedelta(days=10))
    await seed_tenant(contract_start=period.start - timedelta(days=10))
    await audited("billing:invoice-run", "POST", "/api/billing/invoice-runs", json={"period": period.label})
    await audited("billing:dunning-run", "POST", "/api/billing/dunning-runs")
    drafts = (
        await cp_client.get(f"/api/invoices?period={period.label}&status=draft", headers=headers)
    ).json()
    assert len(drafts) == 2
    first, second = drafts
    opened = await audited("invoices:finalize", "POST", f"/api/invoices/{first['id']}/finalize")
    assert opened["status"] == "open" and opened["dueDate"]
    await audited("invoices:void", "POST", f"/api/invoices/{second['id']}/void", json={"reason": "duplicada"})
    await audited(
        "invoices:pay",
        "POST",
        f"/api/invoices/{first['id']}/payments",
        json={"amount": "10.00", "method": "pix"},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    await audited("invoices:uncollectible", "POST", f"/api/invoices/{first['id']}/mark-uncollectible")
    assert set(seen) == AUDITED_HERE
