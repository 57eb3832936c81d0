"""Chaos on the platform side (issue 21 item 1): Vault, the kube-apiserver, the operator and the
control plane, killed with SIGKILL and restarted one at a time on a schedule, bounded, loopback only.

benchmarks/chaos.py does the same for one tenant's data plane (PostgreSQL, Redis, the tenant app,
its worker). This is a separate script because nothing is shared but the idea: the servers, the
workload and the invariants are the control plane's and the operator's.

What runs, and whose it is:

* a Kubernetes control plane of its own (etcd, kube-apiserver, kube-controller-manager,
  kube-scheduler, kwok; devstack/kubernetes.py started with a private StackConfig: its own data
  directory and ports), so killing *its* kube-apiserver never touches devstack's;
* a Vault of its own, **not** in dev mode (file storage, one unseal key): a dev server forgets
  everything when killed, a real one comes back sealed and is unsealed, as an operator of the
  platform would (or auto-unseal) do; KV v2 at ``secret/`` and the Kubernetes auth method
  configured against the private API server, as devstack does;
* the operator (``python -m tenant_operator run``, as its ServiceAccount with the chart's RBAC)
  and the control plane (``python -m control_plane serve``) as processes;
* devstack's PostgreSQL and Redis are *shared*: only databases, roles and ACL users of this run
  (unique slugs ``cx<run>...``, database names ``chaos_*``) are created, and they are removed at the
  end. They are never killed here. No S3 (the operator's object-store step is off).

Workload while the faults happen:

* a platform admin (through the control plane's API, retrying a failed call as a client would,
  the same body, until a final answer) creates tenants, changes plans, suspends and resumes them
  and deletes some (deletionPolicy Delete);
* a tenant app's usage delivery, the real ``UsageSender`` over a real ``PostgresSpool`` (in a
  database of this run), with a TokenRequest token of the tenant's ``tenant-app`` ServiceAccount
  for the control plane's audience (what the pod would have), sends usage events every second;
* the same tenant app reads its flag snapshot every second.

A fault: SIGKILL, a pause (``--pause``), restart (Vault: unseal). Time to recover: from the kill
until the control plane answers a tenant-app flag read, a platform-admin change of the probe
tenant's display name is accepted and the operator reconciled it (observedGeneration, Ready=True).
Per fault it also prints what ``kubectl get consorciotenants`` showed meanwhile (Ready status and
reason of every tenant, sampled every second).

Invariants afterwards:

* every tenant of this run is Ready (``True``, reasons Ready or Suspended) at its current generation
  within ``--settle`` seconds, and every tenant deleted is gone;
* no orphan: the PostgreSQL databases and roles, Redis ACL users, Vault KV paths, policies and
  Kubernetes-auth roles of this run are exactly those of the live ConsorcioTenants (nothing left by
  a deletion, nothing missing);
* the control plane's tenants (not deleted) and the ConsorcioTenants are the same set;
* every usage event sent is stored exactly once in the control plane (no loss, no double count),
  and the spool is empty;
* every admin action the control plane acknowledged has its domain event (the audit event
  ``tenant.create``/``change_plan``/``suspend``/``resume``/``delete``) — none lost;
* the probe tenant's credentials (``DATABASE_URL``, ``REDIS_URL`` in its Secret) are the ones it
  had before the faults: no fault made the operator rotate them.

Then every tenant is deleted, and the same orphan check must find nothing at all.

    .venv/bin/python benchmarks/chaos_plataforma.py [--seconds 300] [--interval 20] [--rounds 2] [--tenants 5]

The short version (tests/e2e/test_platform_chaos.py, about 1.5 min) runs it with ``--seconds 30
--interval 8 --pause 1 --rounds 1 --tenants 3``: each component killed once. The long one above
kills each at least twice (``--rounds 2``) and keeps going for five minutes. A failed run keeps its
process logs (the folder is printed first) and still deletes its tenants.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import collections
import contextlib
import json
import os
import random
import shutil
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import hvac
import redis

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kubernetes import client as k8s
from kubernetes import config as k8s_config
from sqlalchemy.ext.asyncio import create_async_engine
from tenant_operator import names

from consorcio_contract import crd_identity
from consorcio_contract.names import CONTROL_PLANE_TOKEN_AUDIENCE, TENANT_APP_SERVICE_ACCOUNT
from consorcio_contract.usage import Metric, UsageEvent
from devstack import kubernetes, procs
from devstack import vault as devstack_vault
from devstack.binaries import binary_path
from devstack.config import Ports, StackConfig
from tenant_app.platform_client.models import UsageSpoolEntry
from tenant_app.platform_client.token import ServiceAccountToken
from tenant_app.platform_client.usage_reporter import UsageSender
from tenant_app.platform_client.usage_spool import PostgresSpool
from tests.support.operator_harness import (
    OperatorProcess,
    apply_crd,
    cnpj_for,
    create_operator_identity,
    devstack_operator_env,
    free_port,
)
from tests.support.processes import Process, run_once

FAULTS = ("vault", "kube-apiserver", "operator", "control-plane")
ADMIN = ("chaos@platform.example", "s3nha-forte-do-caos")
GVP = (crd_identity.GROUP, crd_identity.VERSION, crd_identity.PLURAL)
PLANS = ("starter", "professional")
OK = "sem falha"


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# --- the private servers ---------------------------------------------------------------------


class Privados:
    """A Kubernetes control plane and a Vault of this run only (own ports and data directories)."""

    def __init__(self, folder: Path) -> None:
        ports = Ports(
            postgres=0,
            redis=0,
            etcd_client=free_port(),
            etcd_peer=free_port(),
            apiserver=free_port(),
            controller_manager=free_port(),
            scheduler=free_port(),
            kwok=free_port(),
            vault=free_port(),
            s3=0,
        )
        self.cfg = StackConfig(root=folder / "stack", ports=ports)

    @property
    def kubeconfig(self) -> Path:
        return self.cfg.kubeconfig

    def start_kubernetes(self) -> None:
        kubernetes.start(self.cfg, log=lambda m: _log(f"private kube: {m}"))

    def pid(self, name: str) -> int | None:
        program = "vault" if name == "vault" else name
        return procs.running_pid(self.cfg, name, program)

    def kill(self, name: str) -> None:
        pid = self.pid(name)
        if pid is not None:
            os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + 10
            while self.pid(name) is not None and time.monotonic() < deadline:
                time.sleep(0.05)

    def start_apiserver(self) -> None:
        kubernetes._apiserver(self.cfg)

    def start_vault(self) -> None:
        """Start (or restart) Vault as devstack starts its own (file storage under this run's folder,
        initialised once with the configured root token, unsealed at every start); the first start
        also mounts Transit (each tenant's personal-data key) and the Kubernetes auth method."""
        first = not (self.cfg.root / "vault" / "init.json").exists()
        devstack_vault.start(self.cfg, log=lambda m: _log(f"private Vault: {m}"))
        if first:
            devstack_vault.enable_transit(self.cfg)
            devstack_vault.configure_kubernetes_auth(self.cfg)

    def stop_all(self) -> None:
        procs.stop(self.cfg, "vault", "vault", timeout=5)
        kubernetes.stop(self.cfg)


# --- counting what clients see -------------------------------------------------------------


class Registro:
    """Errors seen by each client, by the phase (fault or not) they happened in."""

    def __init__(self) -> None:
        self.fase = OK
        self.erros: dict[str, dict[str, collections.Counter[str]]] = collections.defaultdict(
            lambda: collections.defaultdict(collections.Counter)
        )
        self.chamadas: collections.Counter[str] = collections.Counter()

    def erro(self, cliente: str, chave: str) -> None:
        self.erros[self.fase][cliente][chave] += 1


class CountingTransport(httpx.AsyncHTTPTransport):
    """Counts every answer >= 400 and every transport error of one client."""

    def __init__(self, registro: Registro, cliente: str) -> None:
        super().__init__()
        self.registro = registro
        self.cliente = cliente

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.registro.chamadas[self.cliente] += 1
        try:
            response = await super().handle_async_request(request)
        except httpx.TransportError as err:
            self.registro.erro(self.cliente, type(err).__name__)
            raise
        if response.status_code >= 400:
            self.registro.erro(self.cliente, str(response.status_code))
        return response


# --- the platform admin ----------------------------------------------------------------------


class Admin:
    """The control plane's API as a platform admin; every call retried until a final answer."""

    def __init__(self, url: str, registro: Registro) -> None:
        self.http = httpx.AsyncClient(
            base_url=url, timeout=15, transport=CountingTransport(registro, "admin API")
        )
        self.recusados: list[tuple[str, int, str]] = []
        #: (audit action, slug) of every call acknowledged: each must have its audit event.
        self.acks: collections.Counter[tuple[str, str]] = collections.Counter()

    def ack(self, r: httpx.Response, action: str, slug: str, ok: tuple[int, ...]) -> httpx.Response:
        if r.status_code in ok:
            self.acks[(action, slug)] += 1
        return r

    async def login(self) -> None:
        async def call() -> httpx.Response:
            return await self.http.post("/api/auth/token", json={"email": ADMIN[0], "password": ADMIN[1]})

        r = await self.call(call, done=(200,))
        self.http.headers["Authorization"] = f"Bearer {r.json()['access_token']}"

    async def call(
        self,
        send: Callable[[], Awaitable[httpx.Response]],
        *,
        done: tuple[int, ...],
        also_done: tuple[int, ...] = (),
        budget: float = 120,
    ) -> httpx.Response:
        """``done``: success; ``also_done``: success when it follows a failed attempt (the
        earlier attempt went through, e.g. 404 for a DELETE retried)."""
        deadline = time.monotonic() + budget
        retried = False
        while True:
            try:
                r = await send()
            except httpx.TransportError:
                r = None
            if r is not None:
                if r.status_code in done or (retried and r.status_code in also_done):
                    return r
                if r.status_code < 500 and r.status_code not in (409, 429):
                    self.recusados.append((str(r.request.url), r.status_code, r.text[:300]))
                    return r
            if time.monotonic() > deadline:
                raise TimeoutError(f"no final answer in {budget:.0f}s: last {r and r.status_code}")
            retried = True
            await asyncio.sleep(0.5)

    async def create(self, slug: str) -> httpx.Response:
        body = {
            "slug": slug,
            "displayName": f"Administradora Caos {slug}",
            "cnpj": cnpj_for(slug),
            "plan": "starter",
            "billingContact": {"name": "Financeiro", "email": f"fin@{slug}.example"},
        }
        r = await self.call(lambda: self.http.post("/api/tenants", json=body), done=(200, 201))
        return self.ack(r, "tenant.create", slug, (200, 201))

    async def plan(self, slug: str, plan: str) -> httpx.Response:
        r = await self.call(
            lambda: self.http.put(f"/api/tenants/{slug}/plan", json={"plan": plan}), done=(200,)
        )
        return self.ack(r, "tenant.change_plan", slug, (200,))

    async def suspend(self, slug: str) -> httpx.Response:
        r = await self.call(
            lambda: self.http.post(f"/api/tenants/{slug}/suspend", json={"note": "chaos"}), done=(200,)
        )
        return self.ack(r, "tenant.suspend", slug, (200,))

    async def resume(self, slug: str) -> httpx.Response:
        r = await self.call(lambda: self.http.post(f"/api/tenants/{slug}/resume"), done=(200,))
        return self.ack(r, "tenant.resume", slug, (200,))

    async def rename(self, slug: str, display: str) -> httpx.Response:
        return await self.call(
            lambda: self.http.patch(f"/api/tenants/{slug}", json={"displayName": display}), done=(200,)
        )

    async def delete(self, slug: str) -> httpx.Response:
        await self.call(
            lambda: self.http.put(f"/api/tenants/{slug}/deletion-protection", json={"enabled": False}),
            done=(200,),
        )
        r = await self.call(
            lambda: self.http.delete(f"/api/tenants/{slug}?deletionPolicy=Delete&gracePeriodDays=0"),
            done=(202,),
            also_done=(404,),
        )
        return self.ack(r, "tenant.delete", slug, (202, 404))

    async def view(self, slug: str) -> dict[str, Any] | None:
        try:
            r = await self.http.get(f"/api/tenants/{slug}")
        except httpx.TransportError:
            return None
        return r.json() if r.status_code == 200 else None


def reconciled(view: dict[str, Any] | None) -> bool:
    """Ready=True (Ready or Suspended) at the resource's current generation."""
    if not view:
        return False
    resource = view.get("resource") or {}
    return bool(resource.get("exists") and resource.get("ready") is True and resource.get("upToDate"))


# --- the tenant app's side: usage and flags ----------------------------------------------------


class TenantAppLado:
    """What one tenant app does against the control plane: usage delivery and flag reads."""

    def __init__(self, slug: str, cp_url: str, token_file: Path, spool_url: str, registro: Registro):
        self.slug = slug
        self.token = ServiceAccountToken(token_file)
        self.engine = create_async_engine(spool_url, pool_pre_ping=True)
        self.spool = PostgresSpool(self.engine)
        self.usage_http = httpx.AsyncClient(
            base_url=cp_url, timeout=5, transport=CountingTransport(registro, "usage")
        )
        self.flags_http = httpx.AsyncClient(
            base_url=cp_url, timeout=5, transport=CountingTransport(registro, "flags")
        )
        self.sender = UsageSender(self.usage_http, slug, self.token.bearer, self.spool, batch_size=50)
        self.enviados: dict[str, int] = {}

    async def create_spool(self) -> None:
        async with self.engine.begin() as conn:
            await conn.run_sync(UsageSpoolEntry.__table__.create, checkfirst=True)

    async def flag_read(self) -> bool:
        try:
            r = await self.flags_http.get(
                f"/api/tenant-app/tenants/{self.slug}/flag-snapshot", headers=self.token.bearer()
            )
        except httpx.TransportError:
            return False
        return r.status_code == 200

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            events = [
                UsageEvent(
                    id=str(uuid.uuid4()),
                    metric=Metric.API_REQUESTS,
                    value=random.randint(1, 5),
                    occurred_at=datetime.now(UTC),
                )
                for _ in range(random.randint(1, 3))
            ]
            await self.spool.put(events)
            self.enviados.update({e.id: e.value for e in events})
            await self.sender.send_pending()
            await self.flag_read()
            await asyncio.sleep(1)

    async def drain(self, budget: float) -> int:
        deadline = time.monotonic() + budget
        while await self.spool.pending() and time.monotonic() < deadline:
            await self.sender.send_pending()
            await asyncio.sleep(0.5)
        return await self.spool.pending()

    async def close(self) -> None:
        await self.usage_http.aclose()
        await self.flags_http.aclose()
        await self.engine.dispose()


# --- what exists for the tenants of this run ---------------------------------------------------


async def inventario(prefix: str, pg_dsn: str, redis_url: str, vault: hvac.Client) -> dict[str, set[str]]:
    """Slugs owning each kind of resource, among the names of this run (``prefix``)."""
    pg_prefix = names.pg_identifier(prefix)
    db = await asyncpg.connect(pg_dsn)
    try:
        dbs = {r[0] for r in await db.fetch("SELECT datname FROM pg_database")}
        roles = {r[0] for r in await db.fetch("SELECT rolname FROM pg_roles")}
    finally:
        await db.close()

    def slug_of_pg(ident: str) -> str:
        return ident.removeprefix("tenant_").replace("_", "-")

    r = redis.Redis.from_url(redis_url)
    try:
        users = {u.decode() if isinstance(u, bytes) else u for u in r.acl_users()}
    finally:
        r.close()

    def listed(fn: Callable[[], Any]) -> list[str]:
        try:
            answer = fn() or {}
        except hvac.exceptions.InvalidPath:
            return []
        return list((answer.get("data") or answer).get("keys") or [])

    # Tenants' KV folders are keyed on their namespace (namespaces/tenant-<slug>/); no tenant has a
    # policy of its own any more (the shared consorcio-tenant), so there is none to count.
    kv = [
        k.rstrip("/").removeprefix("tenant-")
        for k in listed(
            lambda: vault.secrets.kv.v2.list_secrets(names.VAULT_NAMESPACES_FOLDER, mount_point="secret")
        )
    ]
    roles_k8s = listed(lambda: vault.auth.kubernetes.list_roles(mount_point="kubernetes"))
    red = names.redis_user(prefix)
    vrole = names.vault_role(prefix)
    return {
        "postgres database": {slug_of_pg(d) for d in dbs if d.startswith(pg_prefix)},
        "postgres role": {slug_of_pg(d) for d in roles if d.startswith(pg_prefix)},
        "redis user": {u.removeprefix("tenant-") for u in users if u.startswith(red)},
        "vault kv": {k for k in kv if k.startswith(prefix)},
        "vault k8s role": {x.removeprefix("tenant-") for x in roles_k8s if x.startswith(vrole)},
    }


def crs_of(custom: k8s.CustomObjectsApi, instance: str) -> dict[str, dict[str, Any]]:
    items = custom.list_cluster_custom_object(*GVP, label_selector=f"{names.INSTANCE_LABEL}={instance}")[
        "items"
    ]
    return {o["metadata"]["name"]: o for o in items}


def orphan_report(inv: dict[str, set[str]], live: set[str]) -> list[str]:
    problems = []
    for kind, slugs in inv.items():
        if extra := slugs - live:
            problems.append(f"orphaned {kind}: {sorted(extra)}")
        if missing := live - slugs:
            problems.append(f"missing {kind}: {sorted(missing)}")
    return problems


# --- the run -----------------------------------------------------------------------------------


class Corrida:
    def __init__(self, args: argparse.Namespace, folder: Path) -> None:
        self.args = args
        self.folder = folder
        self.logs = folder / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.run = uuid.uuid4().hex[:4]
        self.prefix = f"cx{self.run}"
        self.shared = StackConfig.from_env()
        self.priv = Privados(folder)
        self.registro = Registro()
        self.operator: OperatorProcess | None = None
        self.cp: Process | None = None
        self.cp_port = free_port()
        self.cp_url = f"http://127.0.0.1:{self.cp_port}"
        self.databases: list[str] = []
        self.created: list[str] = []
        self.deleted: list[str] = []
        self.suspended: set[str] = set()
        self.plans: dict[str, str] = {}
        self.recuperacao: dict[str, list[float]] = collections.defaultdict(list)
        self.admin: Admin | None = None
        self.app: TenantAppLado | None = None
        self.probe = f"{self.prefix}p"
        self.counter = 0
        self.cleaned = False
        self.problems: list[str] = []
        self.seen: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)

    # setup
    async def database(self, label: str) -> str:
        name = f"chaos_{label}_{self.run}"
        conn = await asyncpg.connect(self.shared.database_url)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        self.databases.append(name)
        return self.shared.database_url.rsplit("/", 1)[0] + f"/{name}"

    def start_operator(self) -> None:
        assert self.operator is not None
        self.operator.start(wait=120)

    def start_cp(self) -> None:
        assert self.cp is not None
        self.cp.start()
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{self.cp_url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if not self.cp.alive() or time.monotonic() > deadline:
                raise RuntimeError(f"control plane did not start:\n{self.cp.tail()}")
            time.sleep(0.2)

    async def setup(self) -> None:
        t0 = time.monotonic()
        await asyncio.to_thread(self.priv.start_kubernetes)
        _log(f"private Kubernetes up in {time.monotonic() - t0:.0f} s")
        t = time.monotonic()
        await asyncio.to_thread(self.priv.start_vault)
        _log(f"private Vault (file storage, unsealed) up in {time.monotonic() - t:.0f} s")
        kc = self.priv.kubeconfig
        self.api = k8s_config.new_client_from_config(str(kc))
        self.custom = k8s.CustomObjectsApi(self.api)
        await asyncio.to_thread(apply_crd, kc, str(binary_path("kubectl")))
        identity = await asyncio.to_thread(
            create_operator_identity, self.api, kc, self.folder, suffix=f"cx{self.run}"
        )
        shared_env = {k: v for k, v in self.shared.connection_env().items() if not k.startswith("AWS_")} | {
            "VAULT_ADDR": self.priv.cfg.vault_addr,
            "VAULT_TOKEN": self.priv.cfg.vault_root_token,
        }
        env = devstack_operator_env(shared_env, backup_dir=self.folder / "backups") | {
            "OPERATOR_CONTROL_PLANE_URL": self.cp_url,
            "OPERATOR_RESYNC_INTERVAL": "2",
            "OPERATOR_TIMER_WAIT_SECONDS": "2",
            "OPERATOR_WATCH_SERVER_TIMEOUT": "10",
        }
        self.operator = OperatorProcess(identity.kubeconfig, env, self.logs / "operator.log")
        await asyncio.to_thread(self.start_operator)
        cp_env = os.environ | {
            "CONTROL_PLANE_DATABASE_URL": await self.database("cp"),
            "CONTROL_PLANE_REDIS_URL": self.shared.redis_url,
            "KUBECONFIG": str(kc),
            "CONTROL_PLANE_PORT": str(self.cp_port),
            "CONTROL_PLANE_OPERATOR_INSTANCE": self.operator.instance,
            "PYTHONUNBUFFERED": "1",
        }
        self.cp_db_url = cp_env["CONTROL_PLANE_DATABASE_URL"]
        self.cp_env = cp_env
        await asyncio.to_thread(run_once, ["control_plane", "migrate"], cp_env)
        await asyncio.to_thread(
            run_once, ["control_plane", "create-admin", "--email", ADMIN[0], "--password", ADMIN[1]], cp_env
        )
        self.cp = Process("control-plane", ["control_plane", "serve"], cp_env, self.logs)
        await asyncio.to_thread(self.start_cp)
        self.admin = Admin(self.cp_url, self.registro)
        await self.admin.login()
        _log(f"operator {self.operator.instance} and control plane up; setup {time.monotonic() - t0:.0f} s")

        # The probe tenant (never deleted or suspended) whose app reports usage and reads flags.
        await self.admin.create(self.probe)
        self.created.append(self.probe)
        self.plans[self.probe] = "starter"
        await self.wait_reconciled(self.probe, 180)
        _log(f"probe tenant {self.probe} Ready {time.monotonic() - t0:.0f} s after start")
        core = k8s.CoreV1Api(self.api)
        token = core.create_namespaced_service_account_token(
            TENANT_APP_SERVICE_ACCOUNT,
            names.namespace(self.probe),
            {"spec": {"audiences": [CONTROL_PLANE_TOKEN_AUDIENCE], "expirationSeconds": 7200}},
        ).status.token
        token_file = self.folder / "token"
        token_file.write_text(token)
        self.probe_env = await asyncio.to_thread(self.app_env, self.probe)
        spool_url = (await self.database("spool")).replace("postgresql://", "postgresql+asyncpg://")
        self.app = TenantAppLado(self.probe, self.cp_url, token_file, spool_url, self.registro)
        await self.app.create_spool()

    def app_env(self, slug: str) -> dict[str, str]:
        """The tenant app's environment the operator wrote (credentials included)."""
        secret = k8s.CoreV1Api(self.api).read_namespaced_secret("tenant-app-env", names.namespace(slug))
        return {k: base64.b64decode(v).decode() for k, v in (secret.data or {}).items()}

    async def wait_reconciled(self, slug: str, budget: float) -> dict[str, Any]:
        assert self.admin is not None
        deadline = time.monotonic() + budget
        while True:
            view = await self.admin.view(slug)
            if reconciled(view):
                assert view is not None
                return view
            if time.monotonic() > deadline:
                raise TimeoutError(f"{slug} not reconciled in {budget:.0f}s: {json.dumps(view)[:1500]}")
            await asyncio.sleep(0.3)

    # workload
    def new_slug(self) -> str:
        self.counter += 1
        return f"{self.prefix}t{self.counter}"

    def live(self) -> list[str]:
        return [s for s in self.created if s not in self.deleted]

    async def workload(self, stop: asyncio.Event) -> None:
        assert self.admin is not None
        admin = self.admin
        while not stop.is_set():
            try:
                others = [s for s in self.live() if s != self.probe]
                choice = random.random()
                if len(others) < self.args.tenants - 1 or (not others):
                    slug = self.new_slug()
                    self.created.append(slug)  # before the call: a retried create may have gone through
                    self.plans[slug] = "starter"
                    await admin.create(slug)
                elif choice < 0.35:
                    slug = random.choice([*others, self.probe])
                    plan = PLANS[(PLANS.index(self.plans[slug]) + 1) % len(PLANS)]
                    if (await admin.plan(slug, plan)).status_code == 200:
                        self.plans[slug] = plan
                elif choice < 0.7:
                    slug = random.choice(others)
                    if slug in self.suspended:
                        if (await admin.resume(slug)).status_code == 200:
                            self.suspended.discard(slug)
                    elif (await admin.suspend(slug)).status_code == 200:
                        self.suspended.add(slug)
                else:
                    slug = random.choice(others)
                    self.deleted.append(slug)
                    await admin.delete(slug)
            except TimeoutError as err:  # no final answer in the budget: an invariant failure
                self.problems.append(f"admin call without a final answer: {err}")
            await asyncio.sleep(self.args.action_pause)

    async def observe(self, stop: asyncio.Event) -> None:
        """What ``kubectl get consorciotenants`` shows (Ready status/reason), by phase."""
        while not stop.is_set():
            fase = self.registro.fase
            try:
                crs = await asyncio.to_thread(crs_of, self.custom, self.operator.instance)  # type: ignore[union-attr]
            except Exception as err:  # the API server is down: kubectl fails the same way
                self.seen[fase][f"kubectl fails ({type(err).__name__})"] += 1
            else:
                for cr in crs.values():
                    ready = next(
                        (c for c in (cr.get("status") or {}).get("conditions") or [] if c["type"] == "Ready"),
                        None,
                    )
                    key = f"Ready={ready['status']}/{ready.get('reason')}" if ready else "no Ready yet"
                    self.seen[fase][key] += 1
            await asyncio.sleep(1)

    # faults
    def kill(self, name: str) -> None:
        if name == "vault" or name == "kube-apiserver":
            self.priv.kill(name)
        elif name == "operator":
            assert self.operator is not None
            self.operator.kill()
        elif name == "control-plane":
            assert self.cp is not None and self.cp.proc is not None
            if self.cp.alive():
                os.kill(self.cp.proc.pid, signal.SIGKILL)
                self.cp.proc.wait(10)

    def restart(self, name: str) -> None:
        if name == "vault":
            self.priv.start_vault()
        elif name == "kube-apiserver":
            self.priv.start_apiserver()
        elif name == "operator":
            self.start_operator()
        elif name == "control-plane":
            self.start_cp()

    async def recovered(self, inicio: float) -> float:
        """Seconds from ``inicio`` until flags answer, a rename is accepted and reconciled."""
        assert self.admin is not None and self.app is not None
        while True:
            if await self.app.flag_read():
                break
            await asyncio.sleep(0.2)
        display = f"Administradora Caos sonda {uuid.uuid4().hex[:6]}"
        await self.admin.rename(self.probe, display)
        await self.wait_reconciled(self.probe, self.args.settle)
        return time.monotonic() - inicio

    async def faults(self, fim: float) -> None:
        """One fault at a time, in turn, every ``--interval`` s: at least ``--rounds`` of each,
        and more while ``--seconds`` last."""
        i = 0
        await asyncio.sleep(self.args.interval / 2)
        while i < self.args.rounds * len(FAULTS) or time.monotonic() + self.args.interval / 2 < fim:
            name = FAULTS[i % len(FAULTS)]
            i += 1
            if name == "control-plane":
                # Outside the measured window and a no-op with unchanged code: keeps the schema at
                # the head of the checkout the restarted process will import (a shared working tree
                # may have gained a migration since the run started).
                try:
                    await asyncio.to_thread(run_once, ["control_plane", "migrate"], self.cp_env)
                except AssertionError as err:
                    _log(f"control plane migrate failed before the kill: {str(err)[-500:]}")
            inicio = time.monotonic()
            _log(f"fault: SIGKILL {name} (load {_load()})")
            self.registro.fase = name
            await asyncio.to_thread(self.kill, name)
            await asyncio.sleep(self.args.pause)
            await asyncio.to_thread(self.restart, name)
            try:
                took = await self.recovered(inicio)
            except TimeoutError as err:
                self.problems.append(f"no recovery after killing {name}: {err}")
                took = time.monotonic() - inicio
            self.recuperacao[name].append(took)
            _log(f"  {name} recovered in {took:.1f} s")
            self.registro.fase = OK
            await asyncio.sleep(max(0.0, self.args.interval - (time.monotonic() - inicio)))

    # invariants
    async def invariants(self) -> list[str]:
        assert self.admin is not None and self.app is not None
        problems: list[str] = list(self.problems)
        live = set(self.live())
        deadline = time.monotonic() + self.args.settle
        pending: set[str] = set(live)
        while pending and time.monotonic() < deadline:
            for slug in sorted(pending):
                if reconciled(await self.admin.view(slug)):
                    pending.discard(slug)
            await asyncio.sleep(0.5)
        problems += [
            f"{slug} not Ready at its generation in {self.args.settle:.0f}s" for slug in sorted(pending)
        ]

        def gone() -> set[str]:
            return set(crs_of(self.custom, self.operator.instance)) & set(self.deleted)  # type: ignore[union-attr]

        while True:
            left = await asyncio.to_thread(gone)
            if not left or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.5)
        if left:
            problems.append(f"deleted tenants still present: {sorted(left)}")
        crs = set(await asyncio.to_thread(crs_of, self.custom, self.operator.instance))  # type: ignore[union-attr]
        if crs != live:
            problems.append(f"ConsorcioTenants {sorted(crs)} != tenants expected {sorted(live)}")
        cp_live = {t["slug"] for t in (await self.admin.http.get("/api/tenants")).json()}
        cp_live = {s for s in cp_live if s.startswith(self.prefix)}
        if cp_live != crs:
            problems.append(f"control plane tenants {sorted(cp_live)} != ConsorcioTenants {sorted(crs)}")
        inv = await self.inventory()
        problems += orphan_report(inv, live)
        now = await asyncio.to_thread(self.app_env, self.probe)
        rotated = sorted(k for k in ("DATABASE_URL", "REDIS_URL") if now.get(k) != self.probe_env.get(k))
        if rotated:
            problems.append(f"the probe tenant's credentials changed during the faults: {rotated}")

        left_in_spool = await self.app.drain(60)
        if left_in_spool:
            problems.append(f"{left_in_spool} usage events still in the spool")
        db = await asyncpg.connect(self.cp_db_url)
        try:
            rows = await db.fetch(
                "SELECT e.event_id, e.value FROM usage_events e JOIN tenants t ON t.id = e.tenant_id"
                " WHERE t.slug = $1",
                self.probe,
            )
            audit_rows = await db.fetch(
                "SELECT action, target_id FROM audit_events WHERE target_type = 'tenant'"
            )
        finally:
            await db.close()
        audit = collections.Counter(
            (r["action"], r["target_id"]) for r in audit_rows if r["target_id"].startswith(self.prefix)
        )
        missing = {k: (n, audit.get(k, 0)) for k, n in self.admin.acks.items() if audit.get(k, 0) < n}
        print(
            f"admin actions acknowledged: {sum(self.admin.acks.values())};"
            f" audit events of the run: {sum(audit.values())}; acknowledged without their audit event:"
            f" {len(missing)}"
        )
        if missing:
            problems.append(f"domain (audit) events lost: {dict(list(missing.items())[:10])}")
        stored = collections.Counter(r["event_id"] for r in rows)
        sent = self.app.enviados
        lost = set(sent) - set(stored)
        twice = [k for k, n in stored.items() if n > 1]
        extra = set(stored) - set(sent)
        total_sent = sum(sent.values())
        total_stored = sum(r["value"] for r in rows)
        print(
            f"usage events sent: {len(sent)} (sum {total_sent}); stored: {len(stored)} (sum {total_stored});"
            f" lost: {len(lost)}; stored twice: {len(twice)}; unknown: {len(extra)}"
        )
        if lost or twice or extra or total_sent != total_stored:
            problems.append("usage events lost or counted twice")
        return problems

    async def inventory(self) -> dict[str, set[str]]:
        vault = hvac.Client(url=self.priv.cfg.vault_addr, token=self.priv.cfg.vault_root_token, timeout=10)
        return await inventario(self.prefix, self.shared.database_url, self.shared.redis_url, vault)

    async def delete_everything(self) -> list[str]:
        """Every tenant of the run deleted (Delete); then nothing of it may remain anywhere."""
        assert self.admin is not None
        for slug in self.live():
            self.deleted.append(slug)
            await self.admin.delete(slug)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            crs = await asyncio.to_thread(crs_of, self.custom, self.operator.instance)  # type: ignore[union-attr]
            if not crs:
                break
            await asyncio.sleep(1)
        inv = await self.inventory()
        self.cleaned = True
        return orphan_report(inv, set())

    def report(self) -> None:
        print(f"tenants created: {len(self.created)}; deleted during the run: {len(self.deleted)}")
        clients = ("admin API", "usage", "flags")
        print(
            "fault          | kills | recovery p50 / max | client errors seen during the fault"
            " (by status or exception)"
        )
        for name in FAULTS:
            rec = self.recuperacao.get(name, [])
            if not rec:
                continue
            erros = self.registro.erros.get(name, {})
            seen = "; ".join(f"{c}: {dict(erros[c])}" for c in clients if erros.get(c)) or "none"
            print(f"{name:14} | {len(rec):5} | {statistics.median(rec):5.1f} s / {max(rec):5.1f} s | {seen}")
        print("what `kubectl get consorciotenants` showed (tenant-samples per Ready status/reason):")
        for fase in (*FAULTS, OK):
            if self.seen.get(fase):
                print(f"  {fase:14} {dict(self.seen[fase])}")
        if self.operator is not None:
            with contextlib.suppress(Exception):
                errors = {
                    k.split("{", 1)[1].rstrip("}"): v
                    for k, v in self.operator.metrics().items()
                    if k.startswith("consorcio_operator_step_errors_total{") and v
                }
                print(
                    "operator step errors since its last restart"
                    f" (consorcio_operator_step_errors_total): {errors or 'none'}"
                )
        outside = self.registro.erros.get(OK, {})
        print(
            "outside faults: "
            + ("; ".join(f"{c}: {dict(outside[c])}" for c in clients if outside.get(c)) or "none")
        )
        print(f"calls made: {dict(self.registro.chamadas)}")
        if self.admin and self.admin.recusados:
            for r in self.admin.recusados[:5]:
                print("refused:", r)

    async def teardown(self) -> None:
        if not self.cleaned and self.admin is not None and self.operator is not None:
            # A failed run still removes its tenants from the shared PostgreSQL and Redis.
            with contextlib.suppress(Exception):
                if self.cp is not None and not self.cp.alive():
                    await asyncio.to_thread(self.start_cp)
                if self.operator.proc is None or self.operator.proc.poll() is not None:
                    await asyncio.to_thread(self.start_operator)
                await asyncio.wait_for(self.delete_everything(), 240)
        if self.app is not None:
            await self.app.close()
        if self.admin is not None:
            await self.admin.http.aclose()
        if self.operator is not None:
            await asyncio.to_thread(self.operator.stop)
        if self.cp is not None:
            await asyncio.to_thread(self.cp.stop)
        await asyncio.to_thread(self.priv.stop_all)
        conn = await asyncpg.connect(self.shared.database_url)
        try:
            for name in self.databases:
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()


async def main_async(args: argparse.Namespace) -> int:
    folder = Path(tempfile.mkdtemp(prefix="chaos-plataforma-"))
    _log(f"logs in {folder}; load average {_load()} ({os.cpu_count()} CPUs)")
    c = Corrida(args, folder)
    ok = False
    try:
        await c.setup()
        assert c.app is not None
        fim = time.monotonic() + args.seconds
        c.registro.fase = OK
        stop = asyncio.Event()
        tasks = [
            asyncio.create_task(c.workload(stop)),
            asyncio.create_task(c.app.run(stop)),
            asyncio.create_task(c.observe(stop)),
        ]
        await c.faults(fim)
        stop.set()
        await asyncio.gather(*tasks)
        _log("workload over; checking invariants")
        problems = await c.invariants()
        c.report()
        _log("deleting every tenant of the run")
        leftovers = await c.delete_everything()
        problems += [f"after deleting every tenant: {p}" for p in leftovers]
        ok = not problems
        for p in problems:
            print("INVARIANT VIOLATED:", p)
        print("INVARIANTS HOLD" if ok else f"INVARIANTS VIOLATED (logs kept in {folder})")
        print(f"load average after: {_load()}")
        return 0 if ok else 1
    finally:
        with contextlib.suppress(Exception):
            if not ok and c.operator is not None:
                print("operator log tail:\n" + c.operator.log_tail(30))
        await c.teardown()
        if ok and not args.keep_logs:
            shutil.rmtree(folder, ignore_errors=True)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seconds", type=float, default=300, help="length of the workload with faults")
    p.add_argument("--interval", type=float, default=20, help="seconds between faults")
    p.add_argument("--rounds", type=int, default=1, help="at least this many kills of each component")
    p.add_argument("--pause", type=float, default=2, help="seconds a killed component stays down")
    p.add_argument("--tenants", type=int, default=5, help="tenants alive at a time (with the probe)")
    p.add_argument("--action-pause", type=float, default=1.5, help="seconds between admin actions")
    p.add_argument("--settle", type=float, default=150, help="bound for Ready after a fault / at the end")
    p.add_argument("--keep-logs", action="store_true")
    return p


def main() -> None:
    sys.exit(asyncio.run(main_async(parser().parse_args())))


if __name__ == "__main__":
    main()
