"""Control plane + the real operator: a tenant created through the API is
provisioned and its status shows up in the API; non-payment suspends it
(scaled to zero) and payment brings it back; deletion goes through the
operator's finalizer.

The operator runs as a subprocess with its own ServiceAccount (the chart's
ClusterRole) and an instance id; the control plane labels the tenants it
creates with that id, so no other operator (e.g. one left by `make up`)
touches them. Waits poll conditions, never fixed sleeps.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
import uvicorn
from control_plane.app import create_app
from control_plane.audit.service import ActionContext
from control_plane.auth.roles import Role
from control_plane.auth.service import AdminUserService
from control_plane.billing import tasks as billing_tasks
from control_plane.billing.periods import BillingPeriod, local_date
from control_plane.database.engine import make_engine, make_session_factory
from control_plane.migrations.runner import upgrade
from control_plane.settings import Settings
from kubernetes import client as k8s
from tenant_operator import names

from consorcio_contract.identifiers import is_valid_cnpj
from consorcio_contract.plans import CATALOG, PlanName
from devstack.binaries import binary_path
from tests.support.operator_harness import (
    OperatorProcess,
    apply_crd,
    devstack_operator_env,
    running_operator,
    wait_until,
)

pytestmark = pytest.mark.e2e

RUN = uuid.uuid4().hex[:5]
TIMEOUT = 120
LAST_MONTH = BillingPeriod.containing(local_date(datetime.now(UTC))).previous()


def valid_cnpj(seed: int) -> str:
    base = f"{seed:08d}0001"
    return next(f"{base}{d:02d}" for d in range(100) if is_valid_cnpj(f"{base}{d:02d}"))


@pytest.fixture(scope="module")
def operator(devstack_env, kubeconfig, k8s_api_client, tmp_path_factory) -> Iterator[OperatorProcess]:
    apply_crd(kubeconfig, str(binary_path("kubectl")))
    env = devstack_operator_env(devstack_env, backup_dir=tmp_path_factory.mktemp("backups")) | {
        "OPERATOR_RESYNC_INTERVAL": "2",
        "OPERATOR_TIMER_WAIT_SECONDS": "2",
        "OPERATOR_WATCH_SERVER_TIMEOUT": "10",
    }
    with running_operator(k8s_api_client, kubeconfig, tmp_path_factory, env, suffix=f"cp{RUN}") as op:
        yield op


@pytest.fixture(scope="module")
def settings(operator, make_database, redis_url, kubeconfig) -> Settings:
    return Settings.from_env(
        {
            "CONTROL_PLANE_DATABASE_URL": make_database(),
            "CONTROL_PLANE_REDIS_URL": redis_url,
            "KUBECONFIG": str(kubeconfig),
            "CONTROL_PLANE_OPERATOR_INSTANCE": operator.instance,
        }
    )


@pytest.fixture(scope="module")
async def api(settings, k8s_api_client) -> Iterator[httpx.AsyncClient]:
    await upgrade(settings.database.url)
    engine = make_engine(settings.database, pooled=False)
    async with make_session_factory(engine)() as session:
        await AdminUserService(session).upsert(
            ActionContext.system("test"), "admin@platform.example", "pw", Role.PLATFORM_ADMIN
        )
    await engine.dispose()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, kube_api_client=k8s_api_client), port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started or None, timeout=30, what="control plane API")
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        login = await client.post(
            "/api/auth/token", json={"email": "admin@platform.example", "password": "pw"}
        )
        client.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        yield client
    server.should_exit = True
    thread.join(timeout=30)


@pytest.fixture(scope="module")
async def tenants(api) -> Iterator[list[str]]:
    """Slugs created here; deleted through the API (Delete policy) at the end."""
    created: list[str] = []
    yield created
    for slug in created:
        await api.put(f"/api/tenants/{slug}/deletion-protection", json={"enabled": False})
        await api.delete(f"/api/tenants/{slug}?deletionPolicy=Delete&gracePeriodDays=0")


async def wait_for(
    api: httpx.AsyncClient,
    slug: str,
    check: Callable[[dict[str, Any]], bool],
    what: str,
    operator: OperatorProcess,
) -> dict[str, Any]:
    deadline = time.monotonic() + TIMEOUT
    while True:
        view = (await api.get(f"/api/tenants/{slug}")).json()
        if check(view):
            return view
        if time.monotonic() > deadline:
            raise AssertionError(f"{slug}: {what} not reached\n{view}\n{operator.log_tail()}")
        await asyncio.sleep(0.5)


def ready(view: dict[str, Any]) -> bool:
    resource = view["resource"]
    return resource["exists"] and resource["ready"] is True and resource["upToDate"]


def condition(view: dict[str, Any], type_: str) -> dict[str, Any] | None:
    return next((c for c in view["resource"]["conditions"] if c["type"] == type_), None)


async def test_tenant_created_through_the_api_is_provisioned_and_its_status_shown(
    api, operator, tenants, k8s_api_client
) -> None:
    slug = f"cpop{RUN}a"
    body = {
        "slug": slug,
        "displayName": "Administradora Operador E2E",
        "cnpj": valid_cnpj(int(RUN, 16) % 10**8),
        "plan": "professional",
        "billingContact": {"name": "Financeiro", "email": "fin@e2e.example"},
        "contractStart": (LAST_MONTH.start - timedelta(days=31)).isoformat(),
    }
    response = await api.post("/api/tenants", json=body)
    assert response.status_code == 201, response.text
    tenants.append(slug)
    view = await wait_for(api, slug, ready, "Ready", operator)
    resource = view["resource"]
    assert resource["namespace"] == names.namespace(slug)
    assert resource["url"] == f"https://{slug}.tenants.test"
    assert resource["appVersion"] and resource["schemaRevision"]
    assert {"NamespaceReady", "DatabaseReady", "AppAvailable", "Ready"} <= {
        c["type"] for c in resource["conditions"]
    }

    # A plan change through the API resizes the namespace.
    changed = await api.put(f"/api/tenants/{slug}/plan", json={"plan": "enterprise"})
    assert changed.status_code == 200
    await wait_for(api, slug, ready, "Ready after the plan change", operator)
    quota = k8s.CoreV1Api(k8s_api_client).read_namespaced_resource_quota(
        names.RESOURCE_QUOTA, names.namespace(slug)
    )
    assert quota.spec.hard["requests.cpu"] == CATALOG[PlanName.ENTERPRISE].sizing.quota_cpu


async def test_non_payment_scales_the_tenant_to_zero_and_payment_restores_it(
    api, operator, settings, tenants, k8s_api_client
) -> None:
    slug = tenants[0]
    apps = k8s.AppsV1Api(k8s_api_client)
    namespace = names.namespace(slug)
    run = await api.post("/api/billing/invoice-runs", json={"period": LAST_MONTH.label})
    assert run.status_code == 200 and run.json()["created"] == 1
    invoice = (await api.get(f"/api/invoices?tenant={slug}")).json()[0]
    past_grace = date.fromisoformat(invoice["dueDate"]) + timedelta(days=settings.billing.grace_days + 1)

    result = await billing_tasks.run_dunning(settings, past_grace.isoformat())
    assert slug in result["suspended"]

    def suspended(view: dict[str, Any]) -> bool:
        cond = condition(view, "Ready")
        return bool(
            view["resource"]["upToDate"]
            and cond
            and cond["status"] == "True"
            and cond["reason"] == "Suspended"
        )

    view = await wait_for(api, slug, suspended, "Ready=True/Suspended", operator)
    assert view["state"] == "suspended" and view["suspensionReason"] == "dunning"
    for deployment in (names.APP_DEPLOYMENT, names.WORKER_DEPLOYMENT):
        assert apps.read_namespaced_deployment(deployment, namespace).spec.replicas == 0

    paid = await api.post(
        f"/api/invoices/{invoice['id']}/payments",
        json={"amount": invoice["total"], "method": "pix"},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert paid.status_code == 201, paid.text
    view = await wait_for(api, slug, ready, "Ready again after payment", operator)
    assert view["state"] == "active"
    assert apps.read_namespaced_deployment(names.APP_DEPLOYMENT, namespace).spec.replicas >= 1


async def test_deletion_goes_through_the_operator(api, operator, tenants, k8s_api_client) -> None:
    slug = tenants.pop(0)
    refused = await api.delete(f"/api/tenants/{slug}?deletionPolicy=Delete")
    assert refused.status_code == 409  # protected: switching it off is a separate call
    unprotected = await api.put(f"/api/tenants/{slug}/deletion-protection", json={"enabled": False})
    assert unprotected.status_code == 200, unprotected.text
    deleted = await api.delete(f"/api/tenants/{slug}?deletionPolicy=Delete&gracePeriodDays=0")
    assert deleted.status_code == 202
    core = k8s.CoreV1Api(k8s_api_client)

    def namespace_gone() -> bool | None:
        try:
            core.read_namespace(names.namespace(slug))
        except k8s.ApiException as err:
            return True if err.status == 404 else None
        return None

    async def resource_gone() -> bool:
        return not (await api.get(f"/api/tenants/{slug}")).json()["resource"]["exists"]

    deadline = time.monotonic() + TIMEOUT
    while not await resource_gone():
        assert time.monotonic() < deadline, operator.log_tail()
        await asyncio.sleep(0.5)
    wait_until(namespace_gone, timeout=TIMEOUT, what=f"namespace of {slug} deleted")
    view = (await api.get(f"/api/tenants/{slug}")).json()
    assert view["state"] == "deleted" and view["deletionPolicy"] == "Delete"


async def test_retain_keeps_the_data_until_an_explicit_purge_frees_the_slug(
    api, operator, tenants, devstack_env
) -> None:
    """Retain stops and keeps; the slug is blocked; purge has the operator drop the data and frees it."""
    slug = f"cpop{RUN}p"
    body = {
        "slug": slug,
        "displayName": "Administradora Purga",
        "cnpj": valid_cnpj(int(RUN, 16) % 10**8 + 7),
        "plan": "starter",
        "billingContact": {"name": "Financeiro", "email": "fin@e2e.example"},
        "deletionProtection": False,
    }
    assert (await api.post("/api/tenants", json=body)).status_code == 201
    await wait_for(api, slug, ready, "Ready", operator)
    assert (await api.delete(f"/api/tenants/{slug}?deletionPolicy=Retain")).status_code == 202
    await wait_for(api, slug, lambda v: not v["resource"]["exists"], "resource gone (Retain)", operator)
    assert await database_exists(devstack_env, slug)  # kept
    other = body | {"cnpj": valid_cnpj(int(RUN, 16) % 10**8 + 11), "displayName": "Outra Administradora"}
    assert (await api.post("/api/tenants", json=other)).status_code == 409  # the slug is blocked

    purged = await api.post(f"/api/tenants/{slug}/purge")
    assert purged.status_code == 200, purged.text
    assert purged.json()["slug"].startswith("purged-") and purged.json()["state"] == "deleted"
    deadline = time.monotonic() + TIMEOUT
    while await database_exists(devstack_env, slug):
        assert time.monotonic() < deadline, operator.log_tail()
        await asyncio.sleep(0.5)

    # The slug is free again, for another administradora, which gets a new, empty tenant.
    async def onboarded() -> bool:
        response = await api.post("/api/tenants", json=other)
        return response.status_code in (200, 201)

    while not await onboarded():  # the purge's resource may still be finishing
        assert time.monotonic() < deadline, operator.log_tail()
        await asyncio.sleep(0.5)
    tenants.append(slug)
    view = await wait_for(api, slug, ready, "the new tenant Ready", operator)
    assert view["displayName"] == "Outra Administradora"
    audit = (await api.get(f"/api/audit-events?targetType=tenant&targetId={slug}")).json()
    assert "tenant.purge" in [e["action"] for e in audit]


async def database_exists(devstack_env, slug: str) -> bool:
    import asyncpg

    conn = await asyncpg.connect(devstack_env["DATABASE_URL"], timeout=10)
    try:
        return bool(
            await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", names.pg_identifier(slug))
        )
    finally:
        await conn.close()
