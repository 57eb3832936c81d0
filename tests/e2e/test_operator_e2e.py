"""The operator end to end: real API server (+ controllers, kwok), PostgreSQL,
Redis and Vault from devstack; the operator as a subprocess running as a
ServiceAccount bound to exactly charts/consorcio-operator/files/clusterrole-rules.yaml.

Tests run in file order and share one operator process (module scope);
they wait on conditions and log lines, never on fixed sleeps.
"""

from __future__ import annotations

import asyncio
import base64
import os
import subprocess
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import hvac
import hvac.exceptions
import pytest
import redis
from kubernetes import client
from tenant_operator import names

from consorcio_contract import crd_identity
from devstack.binaries import binary_path
from tests.support.operator_harness import (
    OperatorProcess,
    apply_crd,
    condition,
    create_operator_identity,
    devstack_operator_env,
    tenant_body,
    wait_until,
)

pytestmark = pytest.mark.e2e

RUN = uuid.uuid4().hex[:5]
READY_TIMEOUT = 90


def tname(label: str) -> str:
    return f"e{RUN}-{label}"


@pytest.fixture(scope="module")
def stack(devstack_env, kubeconfig, k8s_api_client) -> dict[str, str]:
    apply_crd(kubeconfig, str(binary_path("kubectl")))
    return devstack_env


@pytest.fixture(scope="module")
def operator_identity(stack, k8s_api_client, kubeconfig, tmp_path_factory):
    identity = create_operator_identity(
        k8s_api_client, kubeconfig, tmp_path_factory.mktemp("rbac"), suffix=RUN
    )
    yield identity
    identity.delete(k8s_api_client)


@pytest.fixture(scope="module")
def backup_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("backups")


@pytest.fixture(scope="module")
def operator(stack, operator_identity, backup_dir, tmp_path_factory) -> Iterator[OperatorProcess]:
    env = devstack_operator_env(stack, backup_dir=backup_dir) | {
        "OPERATOR_RESYNC_INTERVAL": "2",
        "OPERATOR_TIMER_WAIT_SECONDS": "2",
        "OPERATOR_WATCH_SERVER_TIMEOUT": "10",
        # A cancelled (or due) grace period is acted on within a second.
        "OPERATOR_DELETION_CHECK_SECONDS": "1",
    }
    op = OperatorProcess(operator_identity.kubeconfig, env, tmp_path_factory.mktemp("logs") / "operator.log")
    op.start()
    yield op
    op.stop()


class Tenants:
    """ConsorcioTenants of this test run, through the admin's API client."""

    def __init__(self, api_client, operator: OperatorProcess) -> None:
        self.api = client.CustomObjectsApi(api_client)
        self.core = client.CoreV1Api(api_client)
        self.operator = operator
        self.created: list[str] = []

    def create(self, label: str, **spec) -> str:
        name = tname(label)
        self.api.create_cluster_custom_object(
            crd_identity.GROUP,
            crd_identity.VERSION,
            crd_identity.PLURAL,
            tenant_body(name, self.operator.instance, **spec),
        )
        self.created.append(name)
        return name

    def get(self, name: str) -> dict | None:
        try:
            return self.api.get_cluster_custom_object(
                crd_identity.GROUP, crd_identity.VERSION, crd_identity.PLURAL, name
            )
        except client.ApiException as err:
            if err.status == 404:
                return None
            raise

    def patch(self, name: str, patch: dict) -> dict:
        return self.api.patch_cluster_custom_object(
            crd_identity.GROUP, crd_identity.VERSION, crd_identity.PLURAL, name, patch
        )

    def delete(self, name: str) -> None:
        self.api.delete_cluster_custom_object(
            crd_identity.GROUP, crd_identity.VERSION, crd_identity.PLURAL, name
        )

    def wait_condition(
        self, name: str, type_: str, status: str, *, reason: str | None = None, generation=None
    ):
        def check():
            obj = self.get(name)
            cond = condition(obj, type_)
            if cond is None or cond["status"] != status or (reason and cond["reason"] != reason):
                return None
            if generation is not None and obj["status"].get("observedGeneration") != generation:
                return None
            return obj

        try:
            return wait_until(check, timeout=READY_TIMEOUT, what=f"{name} {type_}={status} {reason or ''}")
        except AssertionError as err:
            raise AssertionError(
                f"{err}\nstatus: {(self.get(name) or {}).get('status')}\n{self.operator.log_tail()}"
            ) from None

    def wait_ready(self, name: str, generation=None) -> dict:
        return self.wait_condition(name, "Ready", "True", generation=generation)

    def wait_gone(self, name: str) -> None:
        wait_until(lambda: self.get(name) is None, timeout=READY_TIMEOUT, what=f"{name} deleted")

    def secret_env(self, name: str) -> dict[str, str]:
        secret = self.core.read_namespaced_secret(names.APP_SECRET, names.namespace(name))
        return {k: base64.b64decode(v).decode() for k, v in secret.data.items()}

    def events(self, name: str) -> list:
        selector = f"involvedObject.name={name},involvedObject.kind={crd_identity.KIND}"
        return self.core.list_namespaced_event("default", field_selector=selector).items


@pytest.fixture(scope="module")
def tenants(operator, k8s_api_client) -> Iterator[Tenants]:
    t = Tenants(k8s_api_client, operator)
    yield t
    # Leave nothing behind: every remaining tenant is deleted with the Delete policy.
    for name in t.created:
        if t.get(name) is not None:
            t.patch(name, {"spec": {"deletionPolicy": "Delete"}})
            t.delete(name)
    for name in t.created:
        t.wait_gone(name)


def run(coro):
    return asyncio.run(coro)


async def db_login(dsn: str) -> str:
    conn = await asyncpg.connect(dsn, timeout=10)
    try:
        return await conn.fetchval("SELECT current_database()")
    finally:
        await conn.close()


def vault_login(vault, name: str, namespace: str, core: client.CoreV1Api) -> hvac.Client:
    """Log in to Vault as the tenant's ServiceAccount with a TokenRequest token for Vault's
    audience (what the pods' projected vault-token volume holds)."""
    token = core.create_namespaced_service_account_token(
        names.SERVICE_ACCOUNT, namespace, {"spec": {"expirationSeconds": 600, "audiences": ["vault"]}}
    ).status.token
    vc = hvac.Client(url=vault.addr)
    vc.auth.kubernetes.login(role=names.vault_role(name), jwt=token, mount_point="kubernetes")
    return vc


# --- apply -> Ready -------------------------------------------------------------------


def test_apply_becomes_ready_with_every_object_and_working_credentials(tenants, k8s_api_client, vault):
    name = tenants.create("ready", plan="professional")
    obj = tenants.wait_ready(name)
    ns = names.namespace(name)
    status = obj["status"]
    assert status["namespace"] == ns and status["url"] == f"https://{name}.tenants.test"
    assert status["appVersion"] == "1.0.0" and status["observedGeneration"] == 1 and status["schemaRevision"]
    assert {c["type"] for c in status["conditions"]} == {
        "NamespaceReady",
        "SecretsReady",
        "DatabaseReady",
        "RedisReady",
        "StorageReady",
        "MigrationsComplete",
        "AppAvailable",
        "Ready",
        "DriftDetected",
        "Suspended",
    }
    assert (status["plan"], status["suspended"]) == ("professional", False)

    core = client.CoreV1Api(k8s_api_client)
    apps = client.AppsV1Api(k8s_api_client)
    namespace = core.read_namespace(ns)
    assert namespace.metadata.labels[names.TENANT_LABEL] == name
    assert namespace.metadata.labels[names.PLAN_LABEL] == "professional"
    assert not namespace.metadata.owner_references  # the GC can never delete tenant data
    assert core.read_namespaced_resource_quota(names.RESOURCE_QUOTA, ns).spec.hard["pods"] == "50"
    assert core.read_namespaced_limit_range(names.LIMIT_RANGE, ns)
    policies = {
        p.metadata.name
        for p in client.NetworkingV1Api(k8s_api_client).list_namespaced_network_policy(ns).items
    }
    assert policies == {
        "default-deny",
        "allow-from-ingress-controller",
        "allow-egress-dns",
        "allow-egress-platform-services",
    }
    assert core.read_namespaced_service_account(names.SERVICE_ACCOUNT, ns)
    assert core.read_namespaced_service(names.APP_SERVICE, ns).spec.ports[0].port == 80
    app = apps.read_namespaced_deployment(names.APP_DEPLOYMENT, ns)
    assert app.status.available_replicas == 2
    assert app.spec.template.spec.containers[0].image == "registry.local/consorcio/tenant-app:1.0.0"
    assert apps.read_namespaced_deployment(names.WORKER_DEPLOYMENT, ns).status.ready_replicas == 2
    ingress = client.NetworkingV1Api(k8s_api_client).read_namespaced_ingress(names.APP_INGRESS, ns)
    assert ingress.spec.rules[0].host == f"{name}.tenants.test"
    hpa = client.AutoscalingV2Api(k8s_api_client).read_namespaced_horizontal_pod_autoscaler(names.APP_HPA, ns)
    assert (hpa.spec.min_replicas, hpa.spec.max_replicas) == (2, 6)
    assert client.PolicyV1Api(k8s_api_client).read_namespaced_pod_disruption_budget(names.APP_PDB, ns)
    jobs = client.BatchV1Api(k8s_api_client).list_namespaced_job(ns).items
    assert len(jobs) == 1 and jobs[0].status.succeeded == 1
    assert jobs[0].spec.template.spec.containers[0].command == ["python", "-m", "tenant_app", "migrate"]

    env = tenants.secret_env(name)
    assert set(env) == {
        "TENANT_SLUG",
        "DATABASE_URL",
        "REDIS_URL",
        "REDIS_KEY_PREFIX",
        "JWT_SECRET",
        "APP_BASE_URL",
        "CONTROL_PLANE_URL",
        "S3_ENDPOINT",
        "S3_REGION",
        "S3_BUCKET",
        "S3_ACCESS_KEY_ID",
        "S3_SECRET_ACCESS_KEY",
    }
    assert env["REDIS_KEY_PREFIX"] == f"tenant:{name}:"
    # The tenant's own credentials work: database, Redis, Vault (Kubernetes auth, real SA token).
    assert run(db_login(env["DATABASE_URL"])) == names.pg_identifier(name)
    r = redis.Redis.from_url(env["REDIS_URL"], decode_responses=True)
    try:
        r.set(f"tenant:{name}:hello", "world")
        assert r.get(f"tenant:{name}:hello") == "world"
    finally:
        r.close()
    vc = vault_login(vault, name, ns, core)
    stored = vc.secrets.kv.v2.read_secret_version(
        path=names.vault_secret_path(name), mount_point="secret", raise_on_deleted_version=True
    )
    assert stored["data"]["data"] == env
    # kubectl describe finds the Events (cluster-scoped involvedObject, no namespace).
    reasons = {e.reason for e in tenants.events(name)}
    assert {"Created", "Ready"} <= reasons and "DriftRepaired" not in reasons  # a first creation is no repair
    assert all(not e.involved_object.namespace for e in tenants.events(name))


def test_kubectl_shows_printer_columns(tenants, kubeconfig):
    name = tname("ready")
    out = subprocess.run(
        [str(binary_path("kubectl")), f"--kubeconfig={kubeconfig}", "get", "ctn", name],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    header, row = out.splitlines()[:2]
    # SUSPENDED: suspension is its own condition, so Ready alone no longer says it.
    # DELETION: the date a pending Snapshot/Delete deletion destroys the data (blank otherwise).
    assert header.split() == ["NAME", "PLAN", "READY", "REASON", "SUSPENDED", "URL", "DELETION", "AGE"]
    assert row.split()[:6] == [name, "professional", "True", "Ready", "False", f"https://{name}.tenants.test"]
    assert row[header.index("DELETION") : header.index("AGE")].strip() == ""


def test_idle_resync_makes_no_api_writes(tenants, operator):
    name = tname("ready")
    before = tenants.get(name)["metadata"]["resourceVersion"]
    writes = operator.writes()
    timer_passes = operator.metric("consorcio_operator_reconciles_total", trigger="timer")
    wait_until(
        lambda: operator.metric("consorcio_operator_reconciles_total", trigger="timer") >= timer_passes + 3,
        timeout=60,
        what="three drift-timer passes",
    )
    assert operator.writes() == writes
    assert tenants.get(name)["metadata"]["resourceVersion"] == before  # no status or annotation write


# --- isolation --------------------------------------------------------------------------


def test_tenants_cannot_reach_each_other(tenants, k8s_api_client, vault):
    a, b = tname("ready"), tenants.create("other")
    tenants.wait_ready(b)
    env_a, env_b = tenants.secret_env(a), tenants.secret_env(b)
    # PostgreSQL: A's role against B's database.
    parts = urlsplit(env_a["DATABASE_URL"])
    a_on_b = parts._replace(path="/" + names.pg_identifier(b)).geturl()
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        run(db_login(a_on_b))
    # Redis: A's user cannot read B's keys.
    rb = redis.Redis.from_url(env_b["REDIS_URL"], decode_responses=True)
    ra = redis.Redis.from_url(env_a["REDIS_URL"], decode_responses=True)
    try:
        rb.set(f"tenant:{b}:secret", "b-only")
        with pytest.raises(redis.exceptions.NoPermissionError):
            ra.get(f"tenant:{b}:secret")
    finally:
        ra.close()
        rb.close()
    # Vault: A's role cannot read B's secrets (and B's role does not accept A's ServiceAccount).
    core = client.CoreV1Api(k8s_api_client)
    vc = vault_login(vault, a, names.namespace(a), core)
    with pytest.raises(hvac.exceptions.Forbidden):
        vc.secrets.kv.v2.read_secret_version(
            path=names.vault_secret_path(b), mount_point="secret", raise_on_deleted_version=True
        )
    token_a = core.create_namespaced_service_account_token(
        names.SERVICE_ACCOUNT,
        names.namespace(a),
        {"spec": {"expirationSeconds": 600, "audiences": ["vault"]}},
    ).status.token
    with pytest.raises(hvac.exceptions.VaultError):
        hvac.Client(url=vault.addr).auth.kubernetes.login(role=names.vault_role(b), jwt=token_a)
    # A token for the API server's own audience (a pod's default token) is refused by the role.
    api_token = core.create_namespaced_service_account_token(
        names.SERVICE_ACCOUNT, names.namespace(a), {"spec": {"expirationSeconds": 600}}
    ).status.token
    with pytest.raises(hvac.exceptions.VaultError):
        hvac.Client(url=vault.addr).auth.kubernetes.login(role=names.vault_role(a), jwt=api_token)


def test_two_tenants_never_get_the_same_ingress_host(tenants, operator, k8s_api_client):
    host = f"shared-{RUN}.tenants.test"
    first = tenants.create("hostfirst", host=host)
    tenants.wait_ready(first)
    second = tenants.create("hostsecond", host=host)
    obj = tenants.wait_condition(second, "Ready", "False", reason="HostConflict")
    message = condition(obj, "AppAvailable")["message"]
    assert f"ConsorcioTenant {first}" in message and host in message
    networking = client.NetworkingV1Api(k8s_api_client)
    with pytest.raises(client.ApiException) as err:
        networking.read_namespaced_ingress(names.APP_INGRESS, names.namespace(second))
    assert err.value.status == 404
    owned = networking.read_namespaced_ingress(names.APP_INGRESS, names.namespace(first))
    assert owned.spec.rules[0].host == host
    # No retry storm: timer passes keep checking, nothing is rewritten.
    rv = tenants.get(second)["metadata"]["resourceVersion"]
    passes = operator.metric("consorcio_operator_reconciles_total", trigger="timer", outcome="retry")
    wait_until(
        lambda: (
            operator.metric("consorcio_operator_reconciles_total", trigger="timer", outcome="retry")
            >= passes + 3
        ),
        timeout=60,
        what="timer passes over the conflicting tenant",
    )
    assert tenants.get(second)["metadata"]["resourceVersion"] == rv
    # The owner moves to another host: the second tenant gets its Ingress and becomes Ready.
    tenants.patch(first, {"spec": {"host": f"moved-{RUN}.tenants.test"}})
    tenants.wait_ready(second)
    served = networking.read_namespaced_ingress(names.APP_INGRESS, names.namespace(second))
    assert served.spec.rules[0].host == host
    tenants.wait_ready(first, generation=2)
    moved = networking.read_namespaced_ingress(names.APP_INGRESS, names.namespace(first))
    assert moved.spec.rules[0].host == f"moved-{RUN}.tenants.test"


def test_the_later_of_two_tenants_with_one_cnpj_gets_cnpj_conflict_and_nothing(tenants, operator):
    first = tenants.create("cnpjfirst")
    tenants.wait_ready(first)
    shared = tenants.get(first)["spec"]["cnpj"]
    # Same administradora applied again under another name (unpunctuated this time).
    second = tenants.create("cnpjsecond", cnpj=shared.replace(".", "").replace("/", "").replace("-", ""))
    obj = tenants.wait_condition(second, "Ready", "False", reason="CnpjConflict")
    message = condition(obj, "Ready")["message"]
    assert f"ConsorcioTenant {first}" in message and shared in message
    assert [c["type"] for c in obj["status"]["conditions"]] == ["Ready"]  # no step ran
    with pytest.raises(client.ApiException) as err:
        tenants.core.read_namespace(names.namespace(second))
    assert err.value.status == 404
    # No retry storm: timer passes keep checking, nothing is rewritten.
    rv = tenants.get(second)["metadata"]["resourceVersion"]
    passes = operator.metric("consorcio_operator_reconciles_total", trigger="timer", outcome="conflict")
    wait_until(
        lambda: (
            operator.metric("consorcio_operator_reconciles_total", trigger="timer", outcome="conflict")
            >= passes + 2
        ),
        timeout=60,
        what="timer passes over the conflicting tenant",
    )
    assert tenants.get(second)["metadata"]["resourceVersion"] == rv
    assert condition(tenants.get(first), "Ready")["status"] == "True"  # the holder is untouched


# --- changes ------------------------------------------------------------------------------


def test_plan_change_resizes_quota_hpa_and_pdb(tenants, k8s_api_client):
    name = tname("other")
    tenants.patch(name, {"spec": {"plan": "enterprise"}})
    tenants.wait_ready(name, generation=2)
    ns = names.namespace(name)
    assert (
        client.CoreV1Api(k8s_api_client)
        .read_namespaced_resource_quota(names.RESOURCE_QUOTA, ns)
        .spec.hard["pods"]
        == "200"
    )
    hpa = client.AutoscalingV2Api(k8s_api_client).read_namespaced_horizontal_pod_autoscaler(names.APP_HPA, ns)
    assert (hpa.spec.min_replicas, hpa.spec.max_replicas) == (3, 20)
    pdb = client.PolicyV1Api(k8s_api_client).read_namespaced_pod_disruption_budget(names.APP_PDB, ns)
    assert pdb.spec.min_available == 2
    assert (
        client.AppsV1Api(k8s_api_client).read_namespaced_deployment(names.APP_DEPLOYMENT, ns).spec.replicas
        == 3
    )


def test_suspend_scales_to_zero_and_resume_restores(tenants, k8s_api_client):
    name = tname("other")
    apps = client.AppsV1Api(k8s_api_client)
    ns = names.namespace(name)
    tenants.patch(name, {"spec": {"suspended": True}})
    # Stopped on purpose: Ready stays True (an alert on Ready=False never pages), Suspended says so.
    obj = tenants.wait_condition(name, "Ready", "True", reason="Suspended")
    assert condition(obj, "AppAvailable")["reason"] == "Suspended"
    assert (condition(obj, "Suspended")["status"], condition(obj, "Suspended")["reason"]) == (
        "True",
        "Suspended",
    )
    assert obj["status"]["suspended"] is True
    for dep in (names.APP_DEPLOYMENT, names.WORKER_DEPLOYMENT):
        assert apps.read_namespaced_deployment(dep, ns).spec.replicas == 0
    tenants.patch(name, {"spec": {"suspended": False}})
    obj = tenants.wait_condition(name, "Ready", "True", reason="Ready")
    assert condition(obj, "Suspended")["status"] == "False" and obj["status"]["suspended"] is False
    assert apps.read_namespaced_deployment(names.APP_DEPLOYMENT, ns).status.available_replicas == 3
    assert apps.read_namespaced_deployment(names.WORKER_DEPLOYMENT, ns).spec.replicas == 4


def test_app_version_change_runs_its_migration_before_the_rollout(tenants, k8s_api_client):
    name = tname("other")
    ns = names.namespace(name)
    tenants.patch(name, {"spec": {"appVersion": "1.1.0"}})

    def rolled():
        obj = tenants.get(name)
        return (
            obj
            if (obj.get("status") or {}).get("appVersion") == "1.1.0"
            and condition(obj, "Ready")["status"] == "True"
            else None
        )

    obj = wait_until(rolled, timeout=READY_TIMEOUT, what="app version 1.1.0 rolled out")
    assert obj["status"]["schemaRevision"] == "app-1.1.0"
    jobs = client.BatchV1Api(k8s_api_client).list_namespaced_job(ns).items
    assert [j.metadata.annotations[names.APP_VERSION_ANNOTATION] for j in jobs] == ["1.1.0"]
    assert jobs[0].status.succeeded == 1
    # The Deployment's new ReplicaSet was created after the Job completed.
    dep = client.AppsV1Api(k8s_api_client).read_namespaced_deployment(names.APP_DEPLOYMENT, ns)
    assert dep.spec.template.spec.containers[0].image.endswith(":1.1.0")
    rs = [
        r
        for r in client.AppsV1Api(k8s_api_client).list_namespaced_replica_set(ns).items
        if r.spec.template.spec.containers[0].image.endswith(":1.1.0")
        and r.metadata.labels.get("app.kubernetes.io/component") == "web"
    ]
    assert rs and rs[0].metadata.creation_timestamp >= jobs[0].status.completion_time


def test_credential_rotation_is_explicit(tenants):
    name = tname("other")
    old = tenants.secret_env(name)
    tenants.patch(name, {"metadata": {"annotations": {names.ROTATE_ANNOTATION: "rotation-1"}}})
    wait_until(
        lambda: (
            (tenants.get(name).get("status") or {}).get("credentialsRotation") == "rotation-1"
            and condition(tenants.get(name), "Ready")["status"] == "True"
        ),
        timeout=READY_TIMEOUT,
        what="credentials rotated",
    )
    new = tenants.secret_env(name)
    assert new["DATABASE_URL"] != old["DATABASE_URL"] and new["JWT_SECRET"] != old["JWT_SECRET"]
    assert run(db_login(new["DATABASE_URL"]))
    with pytest.raises(asyncpg.InvalidPasswordError):
        run(db_login(old["DATABASE_URL"]))


# --- drift ----------------------------------------------------------------------------------


def test_drift_is_repaired_and_reported(tenants, k8s_api_client, stack):
    name = tname("ready")
    ns = names.namespace(name)
    core = client.CoreV1Api(k8s_api_client)
    apps = client.AppsV1Api(k8s_api_client)
    net = client.NetworkingV1Api(k8s_api_client)
    password_before = tenants.secret_env(name)["DATABASE_URL"]
    seen = {e.metadata.uid for e in tenants.events(name)}
    apps.delete_namespaced_deployment(names.APP_DEPLOYMENT, ns)
    core.delete_namespaced_secret(names.APP_SECRET, ns)
    net.delete_namespaced_network_policy("default-deny", ns)
    admin = redis.Redis.from_url(stack["REDIS_URL"])
    try:
        admin.execute_command("ACL", "DELUSER", names.redis_user(name))
        wait_until(
            lambda: admin.execute_command("ACL", "GETUSER", names.redis_user(name)),
            timeout=60,
            what="Redis user recreated",
        )
    finally:
        admin.close()

    def repaired():
        try:
            apps.read_namespaced_deployment(names.APP_DEPLOYMENT, ns)
            core.read_namespaced_secret(names.APP_SECRET, ns)
            net.read_namespaced_network_policy("default-deny", ns)
        except client.ApiException:
            return False
        return True

    wait_until(repaired, timeout=60, what="deleted objects recreated")
    tenants.wait_ready(name)
    # Credentials came back from Vault: the same password, no silent rotation.
    assert tenants.secret_env(name)["DATABASE_URL"] == password_before
    assert run(db_login(password_before))

    def reported() -> str | None:
        repairs = [
            e for e in tenants.events(name) if e.metadata.uid not in seen and e.reason == "DriftRepaired"
        ]
        text = " ".join(e.message for e in repairs)
        return (
            text if all(w in text for w in ("Deployment", "Secret", "NetworkPolicy", "Redis user")) else None
        )

    wait_until(reported, timeout=60, what="a DriftRepaired Event naming every repaired object")


# --- failures -------------------------------------------------------------------------------


def test_bad_check_digits_are_refused_by_the_api_server_before_any_provisioning(tenants, operator):
    # The CRD's CEL rules check the mod-11 digits: the resource never exists, so nothing is
    # provisioned. (The operator's own check, for resources admitted by an older CRD, is
    # test_invalid_cnpj_is_a_permanent_condition_without_side_effects in the unit tests.)
    bad = tname("baddigits")
    body = tenant_body(bad, operator.instance)
    body["spec"]["cnpj"] = "11.222.333/0001-82"
    with pytest.raises(client.ApiException) as err:
        tenants.api.create_cluster_custom_object(
            crd_identity.GROUP, crd_identity.VERSION, crd_identity.PLURAL, body
        )
    assert err.value.status == 422 and "cnpj check digits do not match" in err.value.body
    with pytest.raises(client.ApiException):
        client.CoreV1Api(tenants.core.api_client).read_namespace(names.namespace(bad))


def test_vault_failure_is_a_condition_without_fallback(
    stack, operator_identity, tmp_path_factory, k8s_api_client
):
    env = devstack_operator_env(stack, backup_dir=tmp_path_factory.mktemp("bk2")) | {
        "OPERATOR_VAULT_TOKEN": "not-a-valid-token",
        "OPERATOR_WATCH_SERVER_TIMEOUT": "10",
        # A cancelled (or due) grace period is acted on within a second.
        "OPERATOR_DELETION_CHECK_SECONDS": "1",
    }
    op = OperatorProcess(operator_identity.kubeconfig, env, tmp_path_factory.mktemp("logs2") / "op.log")
    op.start()
    t = Tenants(k8s_api_client, op)
    name = t.create("vaultdown")
    try:
        obj = t.wait_condition(name, "SecretsReady", "False", reason="VaultForbidden")
        assert condition(obj, "Ready")["reason"] == "VaultForbidden"
        assert condition(obj, "DatabaseReady") is None  # later steps did not run
        with pytest.raises(client.ApiException) as err:
            t.core.read_namespaced_secret(names.APP_SECRET, names.namespace(name))
        assert err.value.status == 404  # no Kubernetes-only fallback
        op.wait_for_log(r"Handler 'provision' failed temporarily: VaultForbidden")
    finally:
        op.stop()
        # Only the namespace exists; drop it and release the finalizer by hand.
        t.patch(name, {"metadata": {"finalizers": None}})
        t.delete(name)
        t.core.delete_namespace(names.namespace(name))


def test_operator_restart_mid_provisioning_converges_without_duplicates(
    tenants, operator, k8s_api_client, stack
):
    core = client.CoreV1Api(k8s_api_client)
    for attempt in range(3):
        name = tenants.create(f"restart{attempt}")
        wait_until(
            lambda n=name: core.read_namespace(names.namespace(n)),
            timeout=60,
            what="provisioning started",
            interval=0.02,
        )
        operator.kill()
        if (
            condition(tenants.get(name), "Ready") is None
            or condition(tenants.get(name), "Ready")["status"] != "True"
        ):
            break
        operator.start()
    else:
        pytest.fail("provisioning finished before the operator could be killed, three times")
    operator.start()
    obj = tenants.wait_ready(name)
    ns = names.namespace(name)
    assert len(client.BatchV1Api(k8s_api_client).list_namespaced_job(ns).items) == 1
    replica_sets = client.AppsV1Api(k8s_api_client).list_namespaced_replica_set(ns).items
    assert len(replica_sets) == 2  # one per Deployment: no duplicate rollouts
    env = tenants.secret_env(name)
    assert run(db_login(env["DATABASE_URL"]))  # the stored password is the role's password
    r = redis.Redis.from_url(env["REDIS_URL"])
    try:
        assert r.ping()
    finally:
        r.close()

    async def roles() -> int:
        conn = await asyncpg.connect(stack["DATABASE_URL"])
        try:
            return await conn.fetchval(
                "SELECT count(*) FROM pg_roles WHERE rolname = $1", names.pg_identifier(name)
            ) + await conn.fetchval(
                "SELECT count(*) FROM pg_database WHERE datname = $1", names.pg_identifier(name)
            )
        finally:
            await conn.close()

    assert run(roles()) == 2
    progress = [
        k
        for k in obj["metadata"].get("annotations", {})
        if k.rpartition("/")[2] in ("provision", "reconcile", "resume")
    ]
    assert progress == []  # Kopf's per-handler progress records were cleaned up


# --- deletion --------------------------------------------------------------------------------


def test_retain_stops_the_tenant_keeps_data_marked_orphaned_and_a_new_resource_adopts_it(
    tenants, k8s_api_client, stack, vault
):
    name = tenants.create("retain", deletionPolicy="Retain")
    tenants.wait_ready(name)
    env = tenants.secret_env(name)
    run(seed_marker(env["DATABASE_URL"]))
    tenants.delete(name)
    tenants.wait_gone(name)
    ns = client.CoreV1Api(k8s_api_client).read_namespace(names.namespace(name))
    assert ns.metadata.labels[names.ORPHANED_LABEL] == "true" and ns.status.phase == "Active"
    secret = client.CoreV1Api(k8s_api_client).read_namespaced_secret(names.APP_SECRET, names.namespace(name))
    assert secret.metadata.labels[names.ORPHANED_LABEL] == "true"
    vc = hvac.Client(url=vault.addr, token=vault.token)
    meta = vc.secrets.kv.v2.read_secret_metadata(path=names.vault_secret_path(name), mount_point="secret")
    assert meta["data"]["custom_metadata"]["orphaned"] == "true"
    # Stopped: no pods, no Ingress, no login anywhere; the data is all there.
    assert_stopped(name, env, stack, vault, k8s_api_client)
    assert run(admin_marker(stack, name)) == "kept"
    # Re-creating the tenant adopts what was kept, with the same credentials, and starts it again.
    body = tenant_body(name, tenants.operator.instance, deletionPolicy="Delete")
    tenants.api.create_cluster_custom_object(
        crd_identity.GROUP, crd_identity.VERSION, crd_identity.PLURAL, body
    )
    tenants.wait_ready(name)
    assert tenants.secret_env(name)["DATABASE_URL"] == env["DATABASE_URL"]
    ns = client.CoreV1Api(k8s_api_client).read_namespace(names.namespace(name))
    assert names.ORPHANED_LABEL not in (ns.metadata.labels or {})
    assert_serving(name, env, vault, k8s_api_client)
    # The purge path (docs/operations.md): the adopted tenant deleted under Delete, no grace.
    tenants.patch(name, {"spec": {"deletionPolicy": "Delete", "deletionGracePeriodDays": 0}})
    tenants.delete(name)
    tenants.wait_gone(name)
    assert_everything_dropped(name, stack, vault, env)


def test_delete_with_a_grace_period_stops_at_once_shows_the_date_and_can_be_cancelled(
    tenants, k8s_api_client, stack, vault
):
    name = tenants.create("grace", deletionPolicy="Delete", deletionGracePeriodDays=3)
    tenants.wait_ready(name)
    env = tenants.secret_env(name)
    run(seed_marker(env["DATABASE_URL"]))
    tenants.delete(name)  # returns at once; the resource stays, Terminating

    def pending():
        obj = tenants.get(name)
        deletion = ((obj or {}).get("status") or {}).get("deletion") or {}
        return obj if deletion.get("phase") == "PendingDeletion" else None

    obj = wait_until(pending, timeout=READY_TIMEOUT, what=f"{name} PendingDeletion")
    requested = obj["metadata"]["deletionTimestamp"]
    deletion = obj["status"]["deletion"]
    assert deletion["policy"] == "Delete" and deletion["requestedAt"] == requested
    assert datetime.fromisoformat(deletion["scheduledAt"]) - datetime.fromisoformat(requested) == timedelta(
        days=3
    )
    # The operator posts the Event just after the status (CI once read the events in between).
    scheduled = wait_until(
        lambda: {e.reason: e.message for e in tenants.events(name)}.get("DeletionScheduled"),
        timeout=READY_TIMEOUT,
        what=f"{name} DeletionScheduled event",
    )
    assert deletion["scheduledAt"] in scheduled and "Retain" in scheduled
    # Stopped at once, nothing destroyed; the conditions say so like for a suspension.
    obj = tenants.get(name)
    for type_, status_ in (("Ready", "True"), ("Suspended", "True"), ("AppAvailable", "False")):
        assert (condition(obj, type_)["status"], condition(obj, type_)["reason"]) == (
            status_,
            "PendingDeletion",
        )
    assert_stopped(name, env, stack, vault, k8s_api_client)
    assert run(admin_marker(stack, name)) == "kept"
    printed = subprocess.run(
        [str(binary_path("kubectl")), f"--kubeconfig={tenants.operator.kubeconfig}", "get", "ctn", name],
        capture_output=True,
        text=True,
    )
    assert deletion["scheduledAt"] in printed.stdout, printed.stdout + printed.stderr
    # The date cannot be brought forward ...
    with pytest.raises(client.ApiException) as err:
        tenants.patch(name, {"spec": {"deletionGracePeriodDays": 0}})
    assert err.value.status == 422
    # ... but the destruction can be cancelled: Retain keeps everything and releases the resource.
    tenants.patch(name, {"spec": {"deletionPolicy": "Retain"}})
    tenants.wait_gone(name)
    assert run(admin_marker(stack, name)) == "kept"
    assert {"DeletedRetain"} <= {e.reason for e in tenants.events(name)}
    # Restored by creating it again: same data, same credentials, serving.
    tenants.api.create_cluster_custom_object(
        crd_identity.GROUP,
        crd_identity.VERSION,
        crd_identity.PLURAL,
        tenant_body(name, tenants.operator.instance),
    )
    tenants.wait_ready(name)
    assert tenants.secret_env(name)["DATABASE_URL"] == env["DATABASE_URL"]
    assert_serving(name, env, vault, k8s_api_client)
    assert run(admin_marker(stack, name)) == "kept"


async def seed_marker(dsn: str) -> None:
    conn = await asyncpg.connect(dsn, timeout=10)
    try:
        await conn.execute("CREATE TABLE retained_marker (v text)")
        await conn.execute("INSERT INTO retained_marker VALUES ('kept')")
    finally:
        await conn.close()


async def admin_marker(stack, name: str) -> str:
    """Read the tenant's data as the platform admin (the tenant's own role cannot log in)."""
    parts = urlsplit(stack["DATABASE_URL"])
    dsn = parts._replace(path=f"/{names.pg_identifier(name)}").geturl()
    conn = await asyncpg.connect(dsn, timeout=10)
    try:
        return await conn.fetchval("SELECT v FROM retained_marker")
    finally:
        await conn.close()


def assert_stopped(name: str, env, stack, vault, api_client) -> None:
    ns = names.namespace(name)
    apps = client.AppsV1Api(api_client)
    for deployment in (names.APP_DEPLOYMENT, names.WORKER_DEPLOYMENT):
        assert apps.read_namespaced_deployment(deployment, ns).spec.replicas == 0, deployment
    with pytest.raises(client.ApiException) as err:
        client.NetworkingV1Api(api_client).read_namespaced_ingress(names.APP_INGRESS, ns)
    assert err.value.status == 404
    with pytest.raises(asyncpg.InvalidAuthorizationSpecificationError, match="not permitted to log in"):
        run(db_login(env["DATABASE_URL"]))
    r = redis.Redis.from_url(env["REDIS_URL"])
    try:
        with pytest.raises(redis.AuthenticationError):
            r.ping()
    finally:
        r.close()
    with pytest.raises(hvac.exceptions.VaultError):
        vault_login(vault, name, ns, client.CoreV1Api(api_client))


def assert_serving(name: str, env, vault, api_client) -> None:
    ns = names.namespace(name)
    assert run(db_login(env["DATABASE_URL"])) == names.pg_identifier(name)
    r = redis.Redis.from_url(env["REDIS_URL"])
    try:
        assert r.ping()
    finally:
        r.close()
    assert vault_login(vault, name, ns, client.CoreV1Api(api_client))
    assert client.NetworkingV1Api(api_client).read_namespaced_ingress(names.APP_INGRESS, ns)
    assert client.AppsV1Api(api_client).read_namespaced_deployment(names.WORKER_DEPLOYMENT, ns).spec.replicas


def test_snapshot_dumps_verifies_then_deletes(tenants, backup_dir, make_database, stack, vault):
    name = tenants.create("snap", deletionPolicy="Snapshot")
    tenants.wait_ready(name)
    env = tenants.secret_env(name)

    async def seed() -> None:
        conn = await asyncpg.connect(env["DATABASE_URL"])
        try:
            await conn.execute("CREATE TABLE parcelas (id int primary key, valor numeric(12,2))")
            await conn.execute("INSERT INTO parcelas VALUES (1, 512.30), (2, 512.30)")
        finally:
            await conn.close()

    run(seed())
    # A finalizer of the test's own keeps the resource readable after the operator is done.
    tenants.patch(name, {"metadata": {"finalizers": [names.FINALIZER, "tests.consorcio.io/hold"]}})
    tenants.delete(name)

    def operator_done():
        obj = tenants.get(name)
        return obj if names.FINALIZER not in obj["metadata"].get("finalizers", []) else None

    obj = wait_until(operator_done, timeout=READY_TIMEOUT, what=f"{name} snapshot and drop")
    tenants.patch(name, {"metadata": {"finalizers": None}})
    tenants.wait_gone(name)
    dumps = sorted(backup_dir.glob(f"{name}-*.dump"))
    assert len(dumps) == 1 and dumps[0].stat().st_size > 0
    # Where the snapshot is, in the status while the resource exists (and in the Event).
    last = obj["status"]["lastSnapshot"]
    assert last["path"] == str(dumps[0]) and last["sizeBytes"] == dumps[0].stat().st_size
    assert last["objects"].startswith("s3://")
    target = make_database()
    restore = subprocess.run(
        ["pg_restore", "--no-owner", f"--dbname={target}", str(dumps[0])], capture_output=True, text=True
    )
    assert restore.returncode == 0, restore.stderr

    async def restored_total():
        conn = await asyncpg.connect(target)
        try:
            return str(await conn.fetchval("SELECT sum(valor) FROM parcelas"))
        finally:
            await conn.close()

    assert run(restored_total()) == "1024.60"
    assert_everything_dropped(name, stack, vault, env)
    # The Transit key stays: the dump's wrapped personal-data key needs it.
    assert transit_key(vault, name)["deletion_allowed"] is False


def test_delete_drops_database_role_vault_redis_and_namespace(tenants, stack, vault, k8s_api_client):
    name = tenants.create("delete", deletionPolicy="Delete")
    tenants.wait_ready(name)
    env = tenants.secret_env(name)
    assert transit_key(vault, name)["type"] == "aes256-gcm96"
    tenants.delete(name)
    tenants.wait_gone(name)
    assert_everything_dropped(name, stack, vault, env)
    # Crypto-shredding: the tenant's Transit key is destroyed with every version.
    with pytest.raises(hvac.exceptions.InvalidPath):
        transit_key(vault, name)
    ns = names.namespace(name)
    wait_until(
        lambda: _namespace_gone(k8s_api_client, ns), timeout=READY_TIMEOUT, what=f"namespace {ns} deleted"
    )


def transit_key(vault, name: str) -> dict:
    """The tenant's Transit key as Vault describes it (InvalidPath: there is none)."""
    vc = hvac.Client(url=vault.addr, token=vault.token)
    return vc.adapter.get(f"/v1/{names.VAULT_TRANSIT_MOUNT}/keys/{names.transit_key_name(name)}")["data"]


def _namespace_gone(api_client, ns: str) -> bool:
    try:
        client.CoreV1Api(api_client).read_namespace(ns)
    except client.ApiException as err:
        return err.status == 404
    return False


def assert_everything_dropped(name: str, stack, vault, env) -> None:
    async def catalog():
        conn = await asyncpg.connect(stack["DATABASE_URL"])
        try:
            ident = names.pg_identifier(name)
            return (
                await conn.fetchval("SELECT count(*) FROM pg_database WHERE datname = $1", ident),
                await conn.fetchval("SELECT count(*) FROM pg_roles WHERE rolname = $1", ident),
            )
        finally:
            await conn.close()

    assert run(catalog()) == (0, 0)
    admin = redis.Redis.from_url(stack["REDIS_URL"])
    try:
        assert admin.execute_command("ACL", "GETUSER", names.redis_user(name)) is None
    finally:
        admin.close()
    vc = hvac.Client(url=vault.addr, token=vault.token)
    with pytest.raises(hvac.exceptions.InvalidPath):
        vc.secrets.kv.v2.read_secret_version(
            path=names.vault_secret_path(name), mount_point="secret", raise_on_deleted_version=True
        )
    with pytest.raises(hvac.exceptions.InvalidPath):
        vc.auth.kubernetes.read_role(name=names.vault_role(name), mount_point="kubernetes")


def test_reinstalling_the_crd_leaves_tenants_alone(tenants, kubeconfig, k8s_api_client):
    name = tname("ready")
    uid = tenants.get(name)["metadata"]["uid"]
    apply_crd(kubeconfig, str(binary_path("kubectl")))
    obj = tenants.get(name)
    assert obj["metadata"]["uid"] == uid and condition(obj, "Ready")["status"] == "True"
    assert client.CoreV1Api(k8s_api_client).read_namespace(names.namespace(name)).status.phase == "Active"


def test_operator_ran_as_its_service_account(operator, operator_identity):
    assert "system:anonymous" not in operator.log_text()
    assert "Forbidden" not in operator.log_text(), operator.log_tail()
    kubeconfig = operator_identity.kubeconfig.read_text()
    assert "devstack-admin-token" not in kubeconfig
    assert os.environ.get("KUBECONFIG") != str(operator_identity.kubeconfig)
