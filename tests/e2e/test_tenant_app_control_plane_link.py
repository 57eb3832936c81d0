"""The tenant app really talks to the control plane, every piece a real process.

The control plane (``python -m control_plane migrate | serve``), the operator
(``python -m tenant_operator run`` as its own ServiceAccount), a tenant the
control plane created and the operator provisioned, and that tenant's app
(``python -m tenant_app serve``) and worker (``python -m tenant_app worker``)
with exactly the environment the operator wrote into the tenant's Secret and
a TokenRequest token for the control plane's audience (kwok runs no
containers, so this is what the pod would have). Then:

* usage reaches the control plane's invoice preview, exactly (API requests,
  pagamentos registrados, the worker's active-cotas and users gauges);
* a flag flipped through the control plane's API changes the app's answer
  within 2 s (measured and printed);
* with the control plane stopped, the app keeps serving on its last snapshot,
  an app restarted meanwhile serves the flags' offline defaults, and the
  usage measured meanwhile (kept in the tenant database's spool across the
  restart) arrives once the control plane is back: nothing lost, nothing twice.
"""

from __future__ import annotations

import asyncio
import base64
import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from kubernetes import client as k8s

from consorcio_contract.feature_flags import AUDITORIA_VERIFICACAO
from consorcio_contract.identifiers import is_valid_cnpj
from consorcio_contract.names import TENANT_APP_SERVICE_ACCOUNT, tenant_namespace
from devstack.binaries import binary_path
from tests.support.operator_harness import (
    OperatorProcess,
    apply_crd,
    devstack_operator_env,
    free_port,
    running_operator,
    wait_until,
)
from tests.support.processes import Process, run_once, wait_http_ok

pytestmark = pytest.mark.e2e

RUN = uuid.uuid4().hex[:5]
SLUG = f"link{RUN}"
ADMIN = ("ops@platform.example", "s3nha-forte-link")
TENANT_ADMIN = ("admin@link.example", "s3nha-da-administradora")
FLAG_FLIP_BUDGET_SECONDS = 2.0


def valid_cnpj(seed: int) -> str:
    base = f"{seed:08d}0001"
    return next(f"{base}{d:02d}" for d in range(100) if is_valid_cnpj(f"{base}{d:02d}"))


@dataclass
class ControlPlane:
    url: str
    process: Process

    def admin(self) -> httpx.Client:
        token = httpx.post(
            f"{self.url}/api/auth/token", json={"email": ADMIN[0], "password": ADMIN[1]}, timeout=10
        ).json()["access_token"]
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {token}"}, timeout=30)

    def restart(self) -> None:
        self.process.stop()
        self.process.start()
        wait_http_ok(f"{self.url}/readyz", self.process)

    def usage(self) -> dict[str, dict[str, Any]]:
        with self.admin() as api:
            preview = api.get(f"/api/tenants/{SLUG}/invoice-preview")
        assert preview.status_code == 200, preview.text
        return {m["metric"]: m for m in preview.json()["usage"]}


class TenantApp:
    """The tenant's app process and an HTTP client that counts every /api/ request it makes."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = Process("tenant-app", ["tenant_app", "serve", "--port", str(self.port)], env, logs)
        self.api_requests = 0
        self.token = ""

    def start(self) -> None:
        self.process.start()
        wait_http_ok(f"{self.url}/ready", self.process)

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        assert path.startswith("/api/")
        self.api_requests += 1  # counted whatever the answer, as the app's meter does
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        headers |= kwargs.pop("headers", {})
        return httpx.request(method, f"{self.url}{path}", headers=headers, timeout=30, **kwargs)

    def login(self) -> None:
        self.token = ""
        response = self.call(
            "POST", "/api/auth/login", json={"email": TENANT_ADMIN[0], "password": TENANT_ADMIN[1]}
        )
        assert response.status_code == 200, response.text
        self.token = response.json()["access_token"]


@pytest.fixture(scope="module")
def logs(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("link-logs")
    print(f"\nprocess logs in {path}")
    return path


@pytest.fixture(scope="module")
def operator(
    devstack_env, kubeconfig, k8s_api_client, tmp_path_factory
) -> Iterator[tuple[OperatorProcess, int]]:  # type: ignore[no-untyped-def]
    apply_crd(kubeconfig, str(binary_path("kubectl")))
    cp_port = free_port()
    env = devstack_operator_env(devstack_env, backup_dir=tmp_path_factory.mktemp("backups")) | {
        "OPERATOR_CONTROL_PLANE_URL": f"http://127.0.0.1:{cp_port}",
        "OPERATOR_RESYNC_INTERVAL": "2",
        "OPERATOR_TIMER_WAIT_SECONDS": "2",
        "OPERATOR_WATCH_SERVER_TIMEOUT": "10",
    }
    with running_operator(k8s_api_client, kubeconfig, tmp_path_factory, env, suffix=f"link{RUN}") as op:
        yield op, cp_port


@pytest.fixture(scope="module")
def control_plane(operator, make_database, redis_url, kubeconfig, logs) -> Iterator[ControlPlane]:  # type: ignore[no-untyped-def]
    op, port = operator
    env = os.environ | {
        "CONTROL_PLANE_DATABASE_URL": make_database(),
        "CONTROL_PLANE_REDIS_URL": redis_url,
        "KUBECONFIG": str(kubeconfig),
        "CONTROL_PLANE_PORT": str(port),
        "CONTROL_PLANE_OPERATOR_INSTANCE": op.instance,
        "PYTHONUNBUFFERED": "1",
    }
    migrated = run_once(["control_plane", "migrate"], env)
    assert "platform flags created: apuracao-verificacao, auditoria-verificacao" in migrated
    run_once(["control_plane", "create-admin", "--email", ADMIN[0], "--password", ADMIN[1]], env)
    cp = ControlPlane(
        f"http://127.0.0.1:{port}", Process("control-plane", ["control_plane", "serve"], env, logs)
    )
    cp.process.start()
    wait_http_ok(f"{cp.url}/readyz", cp.process)
    yield cp
    if not cp.process.alive():
        cp.process.start()
        wait_http_ok(f"{cp.url}/readyz", cp.process)
    with cp.admin() as api:
        api.put(f"/api/tenants/{SLUG}/deletion-protection", json={"enabled": False})
        if api.delete(f"/api/tenants/{SLUG}?deletionPolicy=Delete&gracePeriodDays=0").status_code == 202:
            # The operator's finalizer must run before the operator fixture stops it.
            wait_until(
                lambda: not api.get(f"/api/tenants/{SLUG}").json()["resource"]["exists"] or None,
                timeout=180,
                what=f"tenant {SLUG} deleted",
            )
    cp.process.stop()


@pytest.fixture(scope="module")
def tenant_env(control_plane, operator, k8s_api_client, tmp_path_factory) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A starter tenant created through the control plane, Ready; its app's environment."""
    op, _ = operator
    with control_plane.admin() as api:
        created = api.post(
            "/api/tenants",
            json={
                "slug": SLUG,
                "displayName": "Administradora Link E2E",
                "cnpj": valid_cnpj(int(RUN, 16) % 10**8),
                "plan": "starter",
                "billingContact": {"name": "Financeiro", "email": "fin@link.example"},
            },
        )
        assert created.status_code == 201, created.text

        def ready() -> bool | None:
            resource = api.get(f"/api/tenants/{SLUG}").json()["resource"]
            return (resource["exists"] and resource["ready"] is True) or None

        wait_until(ready, timeout=180, what=f"tenant {SLUG} Ready\n{op.log_tail()}")
    core = k8s.CoreV1Api(k8s_api_client)
    namespace = tenant_namespace(SLUG)
    secret = core.read_namespaced_secret("tenant-app-env", namespace)
    env = {k: base64.b64decode(v).decode() for k, v in secret.data.items()}
    assert env["CONTROL_PLANE_URL"] == control_plane.url  # the operator told the app where the platform is
    token = core.create_namespaced_service_account_token(
        TENANT_APP_SERVICE_ACCOUNT,
        namespace,
        {"spec": {"audiences": ["consorcio-control-plane"], "expirationSeconds": 3600}},
    ).status.token
    token_file = tmp_path_factory.mktemp("token") / "token"
    token_file.write_text(token)
    full = (
        os.environ
        | env
        | {
            "CONTROL_PLANE_TOKEN_FILE": str(token_file),
            "CONTROL_PLANE_USAGE_FLUSH_SECONDS": "1",
            "INITIAL_ADMIN_EMAIL": TENANT_ADMIN[0],
            "INITIAL_ADMIN_PASSWORD": TENANT_ADMIN[1],
            "SEED_DEMO_MEMBERS": "12",
            "PYTHONUNBUFFERED": "1",
        }
    )
    run_once(["tenant_app", "migrate"], full)
    run_once(["tenant_app", "seed-demo"], full)
    return full


@pytest.fixture(scope="module")
def app(tenant_env, logs) -> Iterator[TenantApp]:  # type: ignore[no-untyped-def]
    tenant_app = TenantApp(tenant_env, logs)
    tenant_app.start()
    tenant_app.login()
    yield tenant_app
    tenant_app.process.stop()


async def _db_count(env: dict[str, str], sql: str) -> int:
    conn = await asyncpg.connect(env["DATABASE_URL"])
    try:
        return int(await conn.fetchval(sql))
    finally:
        await conn.close()


def db_count(env: dict[str, str], sql: str) -> int:
    return asyncio.run(_db_count(env, sql))


def wait_for_usage(cp: ControlPlane, check: Callable[[dict[str, dict[str, Any]]], bool], what: str) -> dict:
    last: dict[str, dict[str, Any]] = {}

    def arrived() -> bool | None:
        nonlocal last
        last = cp.usage()
        return check(last) or None

    try:
        wait_until(arrived, timeout=60, what=what, interval=0.5)
    except AssertionError as err:
        raise AssertionError(f"{err}\nlast usage seen: {last}") from None
    return last


def test_usage_reaches_the_invoice_preview_exactly(control_plane, app, tenant_env, logs) -> None:  # type: ignore[no-untyped-def]
    grupos = app.call("GET", "/api/grupos")
    assert grupos.status_code == 200
    grupo = grupos.json()["items"][0]["id"]
    cotas = app.call("GET", f"/api/grupos/{grupo}/cotas").json()["items"]
    payment = {"valor": "150.00"}
    key = {"Idempotency-Key": str(uuid.uuid4())}
    cota = next(c["id"] for c in cotas if c.get("status", "ativa") == "ativa")
    first = app.call("POST", f"/api/cotas/{cota}/pagamentos", json=payment, headers=key)
    assert first.status_code == 201, first.text
    replay = app.call("POST", f"/api/cotas/{cota}/pagamentos", json=payment, headers=key)
    assert replay.headers["Idempotent-Replayed"] == "true"  # one payment, counted once

    # The worker reads the gauges when it starts and sends them with its own token.
    worker = Process("tenant-worker", ["tenant_app", "worker", "--no-beat"], tenant_env, logs).start()
    try:
        active = db_count(tenant_env, "SELECT count(*) FROM cotas WHERE status = 'ativa'")
        users = db_count(tenant_env, "SELECT count(*) FROM users WHERE active")
        expected = app.api_requests
        usage = wait_for_usage(
            control_plane,
            lambda u: (
                u["api_requests"]["sum"] == expected
                and u["pagamentos_registrados"]["sum"] == 1
                and u["active_cotas"]["max"] == active
            ),
            "usage on the invoice preview",
        )
    finally:
        worker.stop()
    assert usage["users"]["max"] == users
    assert active > 0
    with control_plane.admin() as api:
        preview = api.get(f"/api/tenants/{SLUG}/invoice-preview").json()
    assert preview["plan"] == "starter" and Decimal(preview["total"]) > 0
    billable = {metric: view["billable"] for metric, view in usage.items()}
    print(f"\ninvoice preview of {SLUG}: total {preview['total']}, usage {billable}")


def _verificacao(app: TenantApp) -> int:
    return app.call("GET", "/api/auditoria/verificacao").status_code


def _flip(control_plane: ControlPlane, app: TenantApp, value: bool) -> float:
    """Set the flag for this tenant in the control plane; seconds until the app answers accordingly."""
    expected = 200 if value else 403
    with control_plane.admin() as api:
        url = f"/api/flags/{AUDITORIA_VERIFICACAO.key}"
        etag = api.get(url).headers["etag"]
        started = time.monotonic()
        changed = api.patch(url, json={"tenantValues": {SLUG: value}}, headers={"If-Match": etag})
        assert changed.status_code == 200, changed.text
        while _verificacao(app) != expected:
            assert time.monotonic() - started < 10, "the app never saw the change"
            time.sleep(0.02)
        return time.monotonic() - started


def test_a_plan_flag_flipped_in_the_control_plane_reaches_the_app_within_2_s(control_plane, app) -> None:  # type: ignore[no-untyped-def]
    # Starter does not include the audit-trail verification (the plan-dependent flag).
    refused = app.call("GET", "/api/auditoria/verificacao")
    assert refused.status_code == 403
    problem = refused.json()
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert problem["type"].endswith("/funcionalidade_desativada") and "auditoria" in problem["detail"]

    on = _flip(control_plane, app, True)
    off = _flip(control_plane, app, False)
    print(f"\nflag flip -> tenant app behaviour: on in {on * 1000:.0f} ms, off in {off * 1000:.0f} ms")
    assert on < FLAG_FLIP_BUDGET_SECONDS and off < FLAG_FLIP_BUDGET_SECONDS


def test_a_stopped_control_plane_loses_no_usage(control_plane, app, tenant_env) -> None:  # type: ignore[no-untyped-def]
    before = wait_for_usage(
        control_plane,
        lambda u: u["api_requests"]["sum"] == app.api_requests,
        "usage settled before the outage",
    )["api_requests"]["sum"]
    control_plane.process.stop()

    # Down: the app keeps serving on its last snapshot (the flag is off for this tenant).
    assert app.call("GET", "/api/grupos").status_code == 200
    assert _verificacao(app) == 403
    for _ in range(20):
        assert app.call("GET", "/api/grupos").status_code == 200

    # A restart meanwhile: what was measured is in the tenant database's spool, and the
    # new process, which never had a snapshot, answers the flag's offline default.
    app.process.stop()
    assert db_count(tenant_env, "SELECT count(*) FROM usage_spool") >= 1
    app.start()
    app.login()
    assert _verificacao(app) == (200 if AUDITORIA_VERIFICACAO.offline_default else 403)
    for _ in range(10):
        assert app.call("GET", "/api/grupos").status_code == 200
    outage = app.api_requests - before

    control_plane.restart()
    wait_for_usage(
        control_plane,
        lambda u: u["api_requests"]["sum"] == before + outage,
        f"the {outage} API requests made during the outage",
    )
    # Back online, the app follows the control plane's snapshot again (starter: off).
    wait_until(lambda: _verificacao(app) == 403 or None, timeout=30, what="the snapshot after the outage")
    wait_until(
        lambda: db_count(tenant_env, "SELECT count(*) FROM usage_spool") == 0 or None,
        timeout=30,
        what="an empty spool",
    )
    # Every request counted exactly once: nothing lost, nothing resent twice.
    wait_for_usage(control_plane, lambda u: u["api_requests"]["sum"] == app.api_requests, "every request")
