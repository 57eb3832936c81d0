"""`make up`'s second half, for real: the CRD, the operator, the control plane,
a demo tenant created through the control plane and provisioned by the
operator, and the tenant's app serving seeded data with the environment the
operator wrote into its Secret."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
from tenant_operator import names

from devstack import local_platform
from devstack.binaries import binary_path
from devstack.config import HOST, StackConfig

pytestmark = [pytest.mark.e2e, pytest.mark.runs_last]


def _devstack(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "devstack", *args], capture_output=True, text=True, timeout=timeout
    )


def _json(method: str, url: str, body: dict | None = None, token: str | None = None) -> dict:
    req = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body else None)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


@pytest.fixture(scope="module")
def platform(devstack_env, devstack_cfg: StackConfig):
    already_running = all(running for _, running, _ in local_platform.status(devstack_cfg))
    started = time.monotonic()
    first = _devstack("platform-up")
    assert first.returncode == 0, f"platform-up failed:\n{first.stdout}\n{first.stderr}"
    yield {"cold_seconds": time.monotonic() - started, "output": first.stdout}
    if not already_running:  # never stop a developer's own `make up`
        _devstack("platform-down", timeout=120)


def test_demo_tenant_is_ready_through_the_control_plane(platform) -> None:
    cp = f"http://{HOST}:{local_platform.CONTROL_PLANE_PORT}"
    token = _json(
        "POST",
        f"{cp}/api/auth/token",
        {"email": local_platform.PLATFORM_ADMIN_EMAIL, "password": local_platform.PLATFORM_ADMIN_PASSWORD},
    )["access_token"]
    tenant = _json("GET", f"{cp}/api/tenants/{local_platform.DEMO_TENANT}", token=token)
    assert tenant["resource"]["ready"] is True
    assert tenant["resource"]["namespace"] == f"tenant-{local_platform.DEMO_TENANT}"
    assert tenant["plan"] == "starter"


def test_demo_tenant_app_serves_seeded_data_as_the_tenant(platform) -> None:
    app = f"http://{HOST}:{local_platform.TENANT_APP_PORT}"
    login = _json(
        "POST",
        f"{app}/api/auth/login",
        {"email": local_platform.TENANT_ADMIN_EMAIL, "password": local_platform.TENANT_ADMIN_PASSWORD},
    )
    grupos = _json("GET", f"{app}/api/grupos", token=login["access_token"])
    assert grupos["total"] >= 1
    # The app reached its database with the role the operator created for it.
    secret_env = local_platform.tenant_env(StackConfig.from_env())
    role = names.pg_identifier(local_platform.DEMO_TENANT)
    assert secret_env["DATABASE_URL"].startswith(f"postgresql://{role}:")
    # The operator adds the TLS mode (verify-full in a cluster, disable for the devstack's PostgreSQL).
    assert urlsplit(secret_env["DATABASE_URL"]).path == f"/{role}"


def test_demo_tenant_is_storage_ready_and_its_app_env_reaches_its_bucket(platform) -> None:
    import boto3
    from kubernetes import client, config
    from tenant_operator.provisioners.object_store import client_config

    from consorcio_contract import crd_identity

    cfg = StackConfig.from_env()
    api = client.CustomObjectsApi(config.new_client_from_config(str(cfg.kubeconfig)))
    tenant = api.get_cluster_custom_object(
        crd_identity.GROUP, crd_identity.VERSION, crd_identity.PLURAL, local_platform.DEMO_TENANT
    )
    storage = {c["type"]: c for c in tenant["status"]["conditions"]}["StorageReady"]
    assert (storage["status"], storage["reason"]) == ("True", "StorageReady")
    env = local_platform.tenant_env(cfg)  # what the local stand-in app runs with
    assert env["S3_BUCKET"] == f"tenant-{local_platform.DEMO_TENANT}"
    s3 = boto3.session.Session().client(
        "s3",
        endpoint_url=env["S3_ENDPOINT"],
        aws_access_key_id=env["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=env["S3_SECRET_ACCESS_KEY"],
        region_name=env["S3_REGION"],
        config=client_config(),
    )
    s3.put_object(Bucket=env["S3_BUCKET"], Key="e2e/platform-up.txt", Body=b"ok")
    assert s3.get_object(Bucket=env["S3_BUCKET"], Key="e2e/platform-up.txt")["Body"].read() == b"ok"
    s3.delete_object(Bucket=env["S3_BUCKET"], Key="e2e/platform-up.txt")
    assert [b["Name"] for b in s3.list_buckets().get("Buckets", [])] == [env["S3_BUCKET"]]


def test_demo_tenant_usage_reaches_its_invoice_preview(platform) -> None:
    """The demo app reports to the control plane: API calls made here show up on the preview."""
    cp = f"http://{HOST}:{local_platform.CONTROL_PLANE_PORT}"
    admin = _json(
        "POST",
        f"{cp}/api/auth/token",
        {"email": local_platform.PLATFORM_ADMIN_EMAIL, "password": local_platform.PLATFORM_ADMIN_PASSWORD},
    )["access_token"]
    preview_url = f"{cp}/api/tenants/{local_platform.DEMO_TENANT}/invoice-preview"

    def api_requests() -> int:
        usage = {m["metric"]: m for m in _json("GET", preview_url, token=admin)["usage"]}
        return int(usage["api_requests"]["sum"])

    before = api_requests()
    app = f"http://{HOST}:{local_platform.TENANT_APP_PORT}"
    login = _json(
        "POST",
        f"{app}/api/auth/login",
        {"email": local_platform.TENANT_ADMIN_EMAIL, "password": local_platform.TENANT_ADMIN_PASSWORD},
    )
    for _ in range(5):
        _json("GET", f"{app}/api/grupos", token=login["access_token"])
    deadline = time.monotonic() + 60
    while api_requests() < before + 6:  # the login and five listings (others may add more)
        assert time.monotonic() < deadline, f"usage stuck at {api_requests()} (was {before})"
        time.sleep(0.5)


def test_platform_up_again_is_a_quick_no_op(platform) -> None:
    again = _devstack("platform-up")
    assert again.returncode == 0, again.stderr
    assert "creating tenant" not in again.stdout
    assert "running the demo tenant's app locally" not in again.stdout


def _admin_token() -> str:
    return _json(
        "POST",
        f"http://{HOST}:{local_platform.CONTROL_PLANE_PORT}/api/auth/token",
        {"email": local_platform.PLATFORM_ADMIN_EMAIL, "password": local_platform.PLATFORM_ADMIN_PASSWORD},
    )["access_token"]


def _request(method: str, path: str, token: str, body: dict | None = None) -> tuple[int, dict]:
    url = f"http://{HOST}:{local_platform.CONTROL_PLANE_PORT}{path}"
    try:
        return 200, _json(method, url, body, token)
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")


def test_the_demo_tenant_cannot_be_deleted_by_one_call(platform, devstack_cfg: StackConfig) -> None:
    token = _admin_token()
    status, problem = _request("DELETE", "/api/tenants/demo?deletionPolicy=Delete", token)
    assert status == 409 and "protected against deletion" in problem["detail"]
    kubectl = subprocess.run(
        [
            str(binary_path("kubectl")),
            f"--kubeconfig={devstack_cfg.kubeconfig}",
            "delete",
            "ctn",
            local_platform.DEMO_TENANT,
            "--wait=false",
        ],
        capture_output=True,
        text=True,
    )
    assert kubectl.returncode != 0 and "is protected" in kubectl.stderr


def test_make_up_recovers_a_demo_tenant_left_pending_deletion_suspended_and_unprotected(platform) -> None:
    token = _admin_token()
    assert _request("POST", "/api/tenants/demo/suspend", token)[0] == 200
    assert _request("PUT", "/api/tenants/demo/deletion-protection", token, {"enabled": False})[0] == 200
    status, deleted = _request("DELETE", "/api/tenants/demo?deletionPolicy=Delete", token)
    assert status == 200 and deleted["state"] == "deleted", deleted
    # Stopped at once, data kept for the grace period (7 days by default).
    deadline = time.monotonic() + 60
    while not _request("GET", "/api/tenants/demo", token)[1]["resource"].get("deletionScheduledAt"):
        assert time.monotonic() < deadline, "the operator never scheduled the deletion"
        time.sleep(0.5)

    again = _devstack("platform-up")
    assert again.returncode == 0, f"{again.stdout}\n{again.stderr}"
    expected = "tenant 'demo' was pending deletion (deletionPolicy Delete, data to be destroyed at"
    assert expected in again.stdout
    assert "restoring it under the same slug" in again.stdout
    assert "tenant 'demo' was suspended (manual): resuming it" in again.stdout
    view = _request("GET", "/api/tenants/demo", token)[1]
    assert view["state"] == "active" and view["resource"]["ready"] is True
    assert view["resource"]["deletionProtection"] is True and view["resource"]["deletionScheduledAt"] is None
    # The data was kept: the app serves the seeded data again.
    test_demo_tenant_app_serves_seeded_data_as_the_tenant(platform)


def test_make_up_reseeds_a_demo_whose_data_key_vault_forgot(platform, devstack_cfg: StackConfig) -> None:
    """What removing `.devstack/vault` (devstack's advice when the unseal key is lost) does to the
    demo: PostgreSQL keeps its data key, wrapped by a Transit key the new Vault never had. make up
    says so, empties the database and seeds it again, instead of failing on every run."""
    from tenant_operator.provisioners import transit
    from tenant_operator.specs.transit_key import DEFAULT_ROTATION_HOURS

    from consorcio_contract.names import VAULT_TRANSIT_MOUNT, transit_key_name
    from devstack import procs
    from devstack import vault as devstack_vault

    for name in ("tenant-demo-app", "tenant-demo-worker"):
        procs.stop(devstack_cfg, name, local_platform._PROGRAM[name])
    root = devstack_vault.client(devstack_cfg)
    key = transit_key_name(local_platform.DEMO_TENANT)
    root.secrets.transit.update_key_configuration(key, deletion_allowed=True, mount_point=VAULT_TRANSIT_MOUNT)
    root.secrets.transit.delete_key(key, mount_point=VAULT_TRANSIT_MOUNT)
    # A new key under the same name, as the operator makes it for the tenant of a reset Vault.
    transit.ensure_key(root, VAULT_TRANSIT_MOUNT, key, DEFAULT_ROTATION_HOURS)

    again = _devstack("platform-up")
    assert again.returncode == 0, f"{again.stdout}\n{again.stderr}"
    assert "personal data can never be decrypted again" in again.stdout
    assert "message authentication failed" in again.stdout
    # Seeded again under the new key: the app started (it refuses without its key) and serves it.
    test_demo_tenant_app_serves_seeded_data_as_the_tenant(platform)
