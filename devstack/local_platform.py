"""Run the platform itself on top of the local stack (`make up`, second half).

Order: the CRD, the operator, the control plane (API, worker, beat), a demo
tenant created through the control plane's API, and — because kwok pods run
no containers — the demo tenant's app as a local process with exactly the
environment the operator wrote into the tenant's Secret.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from devstack import (
    dados_pessoais,
    demo_data_key,
    mail_server,
    postgres,
    procs,
    redis_server,
    webhook_receiver,
)
from devstack.binaries import binary_path
from devstack.config import HOST, REPO_ROOT, StackConfig

DEMO_TENANT = "demo"
DEMO_CNPJ = "11.222.333/0001-81"
CONTROL_PLANE_PORT = int(os.environ.get("DEVSTACK_CONTROL_PLANE_PORT", 8100))
TENANT_APP_PORT = int(os.environ.get("DEVSTACK_TENANT_APP_PORT", 8000))
OPERATOR_HEALTH_PORT = int(os.environ.get("DEVSTACK_OPERATOR_HEALTH_PORT", 18080))
OPERATOR_METRICS_PORT = int(os.environ.get("DEVSTACK_OPERATOR_METRICS_PORT", 19090))
BASE_DOMAIN = "consorcio.localhost"
PLATFORM_ADMIN_EMAIL = "admin@platform.local"
PLATFORM_ADMIN_PASSWORD = "devstack-admin"  # local only; printed by `make up`
TENANT_ADMIN_EMAIL = "admin@demo.local"
TENANT_ADMIN_PASSWORD = "devstack-demo"

# (process name, argv tail after `python -m`) — the long-running pieces.
PROCESSES = (
    ("operator", ["tenant_operator", "run"]),
    ("control-plane-api", ["control_plane", "serve", "--host", HOST, "--port", str(CONTROL_PLANE_PORT)]),
    ("control-plane-worker", ["control_plane", "worker"]),
    ("control-plane-beat", ["control_plane", "beat"]),
    ("tenant-demo-app", ["tenant_app", "serve", "--host", HOST, "--port", str(TENANT_APP_PORT)]),
    ("tenant-demo-worker", ["tenant_app", "worker"]),
    # The demo tenant's webhook endpoint points here (GET / lists what arrived).
    ("webhook-receiver", ["devstack.webhook_receiver", "--port", str(webhook_receiver.PORT)]),
)
_PROGRAM = {name: f"-m {argv[0]} {argv[1]}" for name, argv in PROCESSES}


def _python() -> str:
    return sys.executable


def _kubectl(cfg: StackConfig, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [str(binary_path("kubectl")), f"--kubeconfig={cfg.kubeconfig}", *args],
        input=stdin,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise procs.StartError(f"kubectl {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout


def _run_once(what: str, argv: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(
        [_python(), "-m", *argv], env={**os.environ, **env}, cwd=REPO_ROOT, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise procs.StartError(f"{what} failed (exit {result.returncode}):\n{result.stdout}\n{result.stderr}")


def _start(cfg: StackConfig, name: str, env: dict[str, str]) -> None:
    if procs.running_pid(cfg, name, _PROGRAM[name]) is not None:
        return
    argv = dict(PROCESSES)[name]
    procs.spawn(cfg, name, [_python(), "-m", *argv], env=env, cwd=REPO_ROOT)


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return 200 <= resp.status < 300
    except (urllib.error.URLError, OSError):
        return False


def operator_env(cfg: StackConfig) -> dict[str, str]:
    return {
        "OPERATOR_PG_ADMIN_DSN": cfg.database_url,
        "OPERATOR_PG_TENANT_HOST": HOST,
        "OPERATOR_PG_TENANT_PORT": str(cfg.ports.postgres),
        # devstack's PostgreSQL has no TLS (production: verify-full, the operator's default).
        "OPERATOR_PG_TENANT_SSLMODE": "disable",
        # Its own least-privilege user (ACL management, tenant:* key cleanup), not ``default``.
        "OPERATOR_REDIS_ADMIN_URL": redis_server.user_url(cfg, redis_server.OPERATOR_USER),
        "OPERATOR_VAULT_ADDR": cfg.vault_addr,
        "OPERATOR_VAULT_TOKEN": cfg.vault_root_token,
        "OPERATOR_S3_ENDPOINT": cfg.s3_endpoint,
        "OPERATOR_S3_ADMIN_ACCESS_KEY_ID": cfg.s3_access_key,
        "OPERATOR_S3_ADMIN_SECRET_ACCESS_KEY": cfg.s3_secret_key,
        "OPERATOR_S3_REGION": cfg.s3_region,
        "OPERATOR_IMAGE_REPOSITORY": "registry.local/consorcio/tenant-app",
        "OPERATOR_DEFAULT_APP_VERSION": "0.1.0",
        "OPERATOR_BASE_DOMAIN": BASE_DOMAIN,
        "OPERATOR_BACKUP_DIR": str(cfg.root / "backups"),
        "OPERATOR_CONTROL_PLANE_URL": f"http://{HOST}:{CONTROL_PLANE_PORT}",
        "OPERATOR_LIVENESS_ENDPOINT": f"http://{HOST}:{OPERATOR_HEALTH_PORT}/healthz",
        "OPERATOR_METRICS_PORT": str(OPERATOR_METRICS_PORT),
        "OPERATOR_METRICS_ADDR": HOST,
        # A cancelled deletion (make up restoring the demo tenant) is released within 5 s.
        "OPERATOR_DELETION_CHECK_SECONDS": "5",
        # The demo tenant's first scheduled backup a minute after it is Ready (then the plan's interval).
        "OPERATOR_BACKUP_CHECK_SECONDS": "60",
        "KUBECONFIG": str(cfg.kubeconfig),
        # Invoices and dunning notices by e-mail through the devstack Mailpit.
        **mail_server.smtp_env(),
        "BILLING_EMAIL_FROM": "Cobrança Consórcio <cobranca@plataforma.local>",
    }


def control_plane_env(cfg: StackConfig) -> dict[str, str]:
    base = cfg.database_url.rsplit("/", 1)[0]
    return {
        "CONTROL_PLANE_DATABASE_URL": f"{base}/control_plane",
        # Its own user, confined to db 1 (tenants live in db 0) and without administration.
        "CONTROL_PLANE_REDIS_URL": redis_server.user_url(cfg, redis_server.CONTROL_PLANE_USER, db=1),
        "KUBECONFIG": str(cfg.kubeconfig),
    }


def _ensure_database(cfg: StackConfig, name: str) -> None:
    psql = Path("/usr/bin/psql")
    exists = procs.run_tool(
        [str(psql), cfg.database_url, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        f"looking up database {name}",
    ).stdout.strip()
    if exists != "1":
        procs.run_tool(
            [str(psql), cfg.database_url, "-c", f'CREATE DATABASE "{name}"'], f"creating database {name}"
        )
    # No tenant role may open a platform database (docs/deployment.md).
    postgres.revoke_public_connect(cfg, (name,))


def _api(method: str, url: str, body: dict | None = None, token: str | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            raw = resp.read()
            return resp.status, json.loads(raw) if raw else {}
    except urllib.error.HTTPError as err:
        raw = err.read()
        try:
            return err.code, json.loads(raw)
        except ValueError:
            return err.code, {"detail": raw.decode(errors="replace")}


def _create_demo_tenant(cfg: StackConfig, log) -> bool:
    """Create the demo tenant, or bring it back from whatever state it was left in.

    True when it had to be restored (its app processes must start again).
    """
    cp = f"http://{HOST}:{CONTROL_PLANE_PORT}"
    status, body = _api(
        "POST", f"{cp}/api/auth/token", {"email": PLATFORM_ADMIN_EMAIL, "password": PLATFORM_ADMIN_PASSWORD}
    )
    if status != 200 or "access_token" not in body:
        raise procs.StartError(f"control plane login failed ({status}): {body}")
    token = body["access_token"]
    status, body = _api("GET", f"{cp}/api/tenants/{DEMO_TENANT}", token=token)
    if status == 404:
        log(f"creating tenant {DEMO_TENANT!r} through the control plane")
        status, body = _api(
            "POST",
            f"{cp}/api/tenants",
            {
                "slug": DEMO_TENANT,
                "displayName": "Demo Administradora de Consórcios Ltda",
                "cnpj": DEMO_CNPJ,
                "plan": "starter",
                "billingContact": {"name": "Financeiro Demo", "email": "financeiro@demo.local"},
            },
            token=token,
        )
        if status not in (200, 201):
            raise procs.StartError(f"creating the demo tenant failed ({status}): {body}")
        return False
    if status != 200:
        raise procs.StartError(f"reading the demo tenant failed ({status}): {body}")
    return _recover_demo_tenant(cp, token, body, log)


def _recover_demo_tenant(cp: str, token: str, view: dict, log) -> bool:
    """Undo a deletion (pending or done), a suspension or switched-off protection, saying so."""
    url = f"{cp}/api/tenants/{DEMO_TENANT}"
    resource = view.get("resource") or {}
    restored = False
    if view.get("state") == "deleted" or not resource.get("exists") or resource.get("deleting"):
        if resource.get("deletionScheduledAt"):
            what = (
                f"pending deletion (deletionPolicy {view.get('deletionPolicy')}, data to be destroyed at "
                f"{resource['deletionScheduledAt']})"
            )
        elif view.get("state") == "deleted":
            what = f"deleted at {view.get('deletedAt')} (deletionPolicy {view.get('deletionPolicy')})"
        else:
            what = "missing from the cluster"
        log(
            f"tenant {DEMO_TENANT!r} was {what}: restoring it under the same slug "
            "(POST /api/tenants/demo/restore; data kept by Retain is adopted, destroyed data is re-seeded)"
        )
        deadline = time.monotonic() + 180
        while True:
            status, body = _api("POST", f"{url}/restore", token=token)
            if status == 200:
                break
            if status != 202:
                raise procs.StartError(f"restoring the demo tenant failed ({status}): {body}")
            if time.monotonic() > deadline:
                raise procs.StartError(
                    "the demo tenant's deletion was cancelled but the operator never released it: "
                    "see the operator log and `kubectl describe ctn demo`"
                )
            time.sleep(2)
        restored = True
        view = body
    if view.get("suspended"):
        log(f"tenant {DEMO_TENANT!r} was suspended ({view.get('suspensionReason')}): resuming it")
        status, body = _api("POST", f"{url}/resume", token=token)
        if status != 200:
            raise procs.StartError(f"resuming the demo tenant failed ({status}): {body}")
    if (view.get("resource") or {}).get("deletionProtection") is False:
        log(f"tenant {DEMO_TENANT!r} had its deletion protection off: switching it on again")
        status, body = _api("PUT", f"{url}/deletion-protection", {"enabled": True}, token=token)
        if status != 200:
            raise procs.StartError(f"protecting the demo tenant failed ({status}): {body}")
    return restored


def _tenant_ready(cfg: StackConfig) -> bool:
    out = _kubectl(cfg, "get", "consorciotenants", DEMO_TENANT, "-o", "json")
    conditions = json.loads(out).get("status", {}).get("conditions", [])
    return any(c["type"] == "Ready" and c["status"] == "True" for c in conditions)


def tenant_env(cfg: StackConfig) -> dict[str, str]:
    """The environment the operator wrote for the demo tenant's app."""
    secret = json.loads(
        _kubectl(cfg, "-n", f"tenant-{DEMO_TENANT}", "get", "secret", "tenant-app-env", "-o", "json")
    )
    env = {k: base64.b64decode(v).decode() for k, v in secret["data"].items()}
    # The ServiceAccount token a pod would have mounted, so the app can talk to
    # the control plane as itself.
    token = _kubectl(
        cfg,
        "-n",
        f"tenant-{DEMO_TENANT}",
        "create",
        "token",
        "tenant-app",
        "--duration=24h",
        "--audience=consorcio-control-plane",
    ).strip()
    token_file = cfg.run / "tenant-demo-sa.token"
    token_file.write_text(token)
    token_file.chmod(0o600)
    env["CONTROL_PLANE_TOKEN_FILE"] = str(token_file)
    # The demo tenant's personal data is under its Transit key, like a real tenant's; the tests'
    # local key (set in their process, which may run platform-up) must not reach its processes.
    env[dados_pessoais.VARIAVEL] = ""
    # What a pod gets for Vault (the app's own secrets, e.g. PSP credentials): a token for
    # Vault's audience and where to use it (operator/tenant_operator/specs/pod.py).
    vault_token = _kubectl(
        cfg,
        "-n",
        f"tenant-{DEMO_TENANT}",
        "create",
        "token",
        "tenant-app",
        "--duration=24h",
        "--audience=vault",
    ).strip()
    vault_token_file = cfg.run / "tenant-demo-vault.token"
    vault_token_file.write_text(vault_token)
    vault_token_file.chmod(0o600)
    env |= {
        "VAULT_ADDR": cfg.vault_addr,
        "VAULT_ROLE": f"tenant-{DEMO_TENANT}",
        "VAULT_TOKEN_FILE": str(vault_token_file),
        "VAULT_KV_MOUNT": "secret",
    }
    # With CONTROL_PLANE_URL from the Secret and this token, the app and its worker read
    # their flags from the control plane and report usage to it; sent every 2 s (10 s in
    # a pod) so the invoice preview in the closing summary moves while you watch.
    env["CONTROL_PLANE_USAGE_FLUSH_SECONDS"] = "2"
    env["INITIAL_ADMIN_EMAIL"] = TENANT_ADMIN_EMAIL
    env["INITIAL_ADMIN_PASSWORD"] = TENANT_ADMIN_PASSWORD
    env["APP_BASE_URL"] = f"http://{HOST}:{TENANT_APP_PORT}"
    # E-mail through the devstack Mailpit, webhooks to the local receiver (http + loopback allowed).
    env.update(mail_server.smtp_env())
    env["WEBHOOK_MODO"] = "devstack"
    env["DEMO_WEBHOOK_URL"] = webhook_receiver.url()
    return env


def up(cfg: StackConfig, log=print) -> None:
    crds = REPO_ROOT / "charts" / "consorcio-operator" / "crds"
    _kubectl(cfg, "apply", "--server-side", "--force-conflicts", "-f", str(crds))
    _kubectl(cfg, "wait", "--for=condition=Established", "crd/consorciotenants.consorcio.io", "--timeout=30s")
    # The deletion-protection admission policy the chart installs with the CRD.
    policy = REPO_ROOT / "charts" / "consorcio-operator" / "files" / "deletion-protection.yaml"
    _kubectl(cfg, "apply", "--server-side", "--force-conflicts", "-f", str(policy))

    redis_server.ensure_platform_users(cfg)  # a stack started before they existed
    op_env = operator_env(cfg)
    (cfg.root / "backups").mkdir(parents=True, exist_ok=True)
    _start(cfg, "operator", op_env)
    procs.wait_until(
        lambda: _http_ok(f"http://{HOST}:{OPERATOR_HEALTH_PORT}/healthz"),
        "operator",
        60,
        procs.log_file(cfg, "operator"),
    )

    cp_env = control_plane_env(cfg)
    cp_processes = ("control-plane-api", "control-plane-worker", "control-plane-beat")
    # A second `make up` finds everything running and does no one-shot work again.
    if not _all_running(cfg, cp_processes):
        _prepare_control_plane(cfg, cp_env)
    for name in cp_processes:
        _start(cfg, name, cp_env)
    procs.wait_until(
        lambda: _http_ok(f"http://{HOST}:{CONTROL_PLANE_PORT}/healthz"),
        "control plane API",
        60,
        procs.log_file(cfg, "control-plane-api"),
    )

    restored = _create_demo_tenant(cfg, log)
    procs.wait_until(
        lambda: _tenant_ready(cfg), f"tenant {DEMO_TENANT} Ready", 120, procs.log_file(cfg, "operator")
    )

    _start(cfg, "webhook-receiver", {})
    app_processes = ("tenant-demo-app", "tenant-demo-worker")
    if restored:
        # Their environment may be stale (a tenant whose data was destroyed has new credentials).
        for name in app_processes:
            procs.stop(cfg, name, _PROGRAM[name])
    if _all_running(cfg, app_processes):
        return
    env = tenant_env(cfg)
    log("kwok pods run no containers: running the demo tenant's app locally with its Secret's environment")
    reason = demo_data_key.lost(cfg, env["DATABASE_URL"], DEMO_TENANT)
    if reason is not None:
        log(
            f"the demo tenant's personal data can never be decrypted again ({reason}): Vault's data was"
            " reset while PostgreSQL kept the tenant's; emptying its database and seeding it again"
        )
        demo_data_key.empty(cfg, env["DATABASE_URL"])
    _run_once("tenant migrations", ["tenant_app", "migrate"], env)
    _run_once("demo data", ["tenant_app", "seed-demo"], env)
    # The web UI's pinned npm assets (htmx), into ~/.cache/consorcio once.
    _run_once("web UI assets", ["tenant_app.ui.assets", "fetch", "--served-only"], env)
    for name in app_processes:
        _start(cfg, name, env)
    procs.wait_until(
        lambda: _http_ok(f"http://{HOST}:{TENANT_APP_PORT}/ready"),
        "demo tenant app",
        60,
        procs.log_file(cfg, "tenant-demo-app"),
    )


def _all_running(cfg: StackConfig, names: tuple[str, ...]) -> bool:
    return all(procs.running_pid(cfg, name, _PROGRAM[name]) is not None for name in names)


def _prepare_control_plane(cfg: StackConfig, cp_env: dict[str, str]) -> None:
    """Database, schema and the first platform admin (each idempotent)."""
    _ensure_database(cfg, "control_plane")
    _run_once("control plane migrations", ["control_plane", "migrate"], cp_env)
    _run_once(
        "control plane admin",
        [
            "control_plane",
            "create-admin",
            "--email",
            PLATFORM_ADMIN_EMAIL,
            "--password",
            PLATFORM_ADMIN_PASSWORD,
        ],
        cp_env,
    )


def down(cfg: StackConfig) -> list[str]:
    return [name for name, _ in reversed(PROCESSES) if procs.stop(cfg, name, _PROGRAM[name])]


def status(cfg: StackConfig) -> list[tuple[str, bool, str]]:
    addresses = {
        "operator": f"http://{HOST}:{OPERATOR_HEALTH_PORT}/healthz",
        "control-plane-api": f"http://{HOST}:{CONTROL_PLANE_PORT}/api/schema",
        "tenant-demo-app": f"http://{HOST}:{TENANT_APP_PORT}/schema",
    }
    return [
        (name, procs.running_pid(cfg, name, _PROGRAM[name]) is not None, addresses.get(name, ""))
        for name, _ in PROCESSES
    ]


def _cpf(digitos: str) -> str:
    return f"{digitos[:3]}.{digitos[3:6]}.{digitos[6:9]}-{digitos[9:]}"


def summary(cfg: StackConfig) -> str:
    # Imported here: the rest of devstack (also loaded by every test's fixtures) needs none of the app.
    from tenant_app.demo.seed import EMAIL_CONSORCIADO_DEMO, cpf_consorciado_demo

    cp = f"http://{HOST}:{CONTROL_PLANE_PORT}"
    return "\n".join(
        [
            "",
            "The platform is running:",
            f"  control plane API   http://{HOST}:{CONTROL_PLANE_PORT}/api/schema   "
            f"(login {PLATFORM_ADMIN_EMAIL} / {PLATFORM_ADMIN_PASSWORD})",
            f"  demo tenant app     http://{HOST}:{TENANT_APP_PORT}/schema   "
            f"(login {TENANT_ADMIN_EMAIL} / {TENANT_ADMIN_PASSWORD}; local process, not a pod)",
            f"  demo tenant web UI  http://{HOST}:{TENANT_APP_PORT}/app/   "
            f"(login {TENANT_ADMIN_EMAIL} / {TENANT_ADMIN_PASSWORD}; the first login enrols the "
            "TOTP second factor: scan the QR code with any authenticator app)",
            f"  área do consorciado http://{HOST}:{TENANT_APP_PORT}/cliente/   "
            f"(CPF {_cpf(cpf_consorciado_demo())}; the access code goes to {EMAIL_CONSORCIADO_DEMO}: "
            "read it in Mailpit, the e-mails line below)",
            f"  tenant resource     kubectl get consorciotenants {DEMO_TENANT} -o wide",
            f"  demo backups        kubectl get consorciotenant {DEMO_TENANT} "
            "-o jsonpath='{.status.lastBackup}'   "
            f"(the first a minute after Ready, then daily; dumps in {cfg.root / 'backups'})",
            f"  demo tenant bucket  s3://tenant-{DEMO_TENANT} at {cfg.s3_endpoint}   "
            "(its key: S3_* in the tenant-app-env Secret)",
            "  demo usage/invoice  the app's usage and flags go through the control plane; see them with",
            f"    TOKEN=$(curl -s {cp}/api/auth/token -H 'Content-Type: application/json' "
            f"""-d '{{"email":"{PLATFORM_ADMIN_EMAIL}","password":"{PLATFORM_ADMIN_PASSWORD}"}}' """
            "| python3 -c 'import json,sys; print(json.load(sys.stdin)[\"access_token\"])')",
            f'    curl -s -H "Authorization: Bearer $TOKEN" {cp}/api/tenants/{DEMO_TENANT}/invoice-preview',
            f'    curl -s -H "Authorization: Bearer $TOKEN" {cp}/api/flags',
            f"  e-mails (Mailpit)   {mail_server.ui_url()}   (the demo tenant's e-mails)",
            f"  webhooks received   http://{HOST}:{webhook_receiver.PORT}/   (demo endpoint)",
            f"  operator metrics    http://{HOST}:{OPERATOR_METRICS_PORT}/metrics",
            f"  logs                {cfg.logs}/",
            '  shell variables     eval "$(make -s env)"',
        ]
    )
