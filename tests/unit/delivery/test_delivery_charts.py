"""Helm charts: lint, render, security defaults, RBAC source, schema rejections, README.

Every check renders the real chart with the helm binary the devstack builds;
nothing here talks to a cluster (the server-side dry run is in
tests/k8s/delivery/).
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from devstack import versions

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[3]
CHARTS = REPO / "charts"
KUBE_VERSION = versions.KUBERNETES.lstrip("v")
CHART_VALUES = [
    ("consorcio-operator", None),
    ("consorcio-operator", "ci/production-values.yaml"),
    ("consorcio-platform", None),
    ("consorcio-platform", "ci/production-values.yaml"),
]
OPERATOR_ENV = {
    "OPERATOR_PG_ADMIN_DSN",
    "OPERATOR_PG_TENANT_HOST",
    "OPERATOR_PG_TENANT_PORT",
    "OPERATOR_REDIS_ADMIN_URL",
    "OPERATOR_VAULT_ADDR",
    "OPERATOR_VAULT_KV_MOUNT",
    "OPERATOR_VAULT_K8S_AUTH_MOUNT",
    "OPERATOR_IMAGE_REPOSITORY",
    "OPERATOR_DEFAULT_APP_VERSION",
    "OPERATOR_BASE_DOMAIN",
    "OPERATOR_BACKUP_DIR",
    "OPERATOR_CONTROL_PLANE_URL",
    "OPERATOR_INGRESS_NAMESPACE",
}


def _ids(params: list[tuple[str, str | None]]) -> list[str]:
    return [f"{chart}-{'production' if values else 'default'}" for chart, values in params]


def by_kind(docs: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [d for d in docs if d["kind"] == kind]


def one(docs: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    matches = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(matches) == 1, f"expected one {kind}/{name}, found {len(matches)}"
    return matches[0]


def pod_templates(docs: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{d['kind']}/{d['metadata']['name']}", d["spec"]["template"]["spec"])
        for d in docs
        if d["kind"] in ("Deployment", "Job", "StatefulSet", "DaemonSet")
    ]


def env_of(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["name"]: e for e in container.get("env", [])}


@pytest.mark.parametrize(("chart", "values"), CHART_VALUES, ids=_ids(CHART_VALUES))
def test_helm_lint_strict_passes(helm_run, chart: str, values: str | None) -> None:
    args = ["lint", str(CHARTS / chart), "--strict", "--kube-version", KUBE_VERSION]
    if values:
        args += ["--values", str(CHARTS / chart / values)]
    proc = helm_run(*args)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 chart(s) failed" in proc.stdout


@pytest.mark.parametrize(("chart", "values"), CHART_VALUES, ids=_ids(CHART_VALUES))
def test_pods_are_locked_down(render, chart: str, values: str | None) -> None:
    """Non-root, seccomp RuntimeDefault, read-only root, no capabilities, resources set."""
    templates = pod_templates(render(chart, values))
    assert templates
    for where, spec in templates:
        pod_sc = spec["securityContext"]
        assert pod_sc["runAsNonRoot"] is True, where
        assert pod_sc["runAsUser"] > 0, where
        assert pod_sc["seccompProfile"]["type"] == "RuntimeDefault", where
        for c in spec["containers"]:
            sc = c["securityContext"]
            assert sc["readOnlyRootFilesystem"] is True, where
            assert sc["allowPrivilegeEscalation"] is False, where
            assert sc["capabilities"]["drop"] == ["ALL"], where
            assert not sc["capabilities"].get("add"), where
            assert {"cpu", "memory"} <= set(c["resources"]["requests"]), where
            assert "memory" in c["resources"]["limits"], where
            # A read-only root needs somewhere writable for temp files.
            assert any(m["mountPath"] == "/tmp" for m in c["volumeMounts"]), where


def test_operator_default_render(render) -> None:
    docs = render("consorcio-operator")
    kinds = sorted(d["kind"] for d in docs)
    assert kinds == [
        "ClusterRole",
        "ClusterRole",  # the tenant role, bound by the operator per tenant namespace
        "ClusterRoleBinding",
        "Deployment",
        "NetworkPolicy",
        "PersistentVolumeClaim",
        "Service",
        "ServiceAccount",
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicy",  # the operator's confinement to its namespaces
        "ValidatingAdmissionPolicyBinding",
        "ValidatingAdmissionPolicyBinding",
    ]
    deploy = one(docs, "Deployment", "consorcio-operator")
    assert deploy["spec"]["replicas"] == 1
    # Two Kopf processes on the same tenants would fight: never overlap on rollout.
    assert deploy["spec"]["strategy"] == {"type": "Recreate"}
    pod = deploy["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == "consorcio-operator"
    (container,) = pod["containers"]
    assert container["command"] == ["python", "-m", "tenant_operator"]
    assert container["args"] == ["run"]
    assert {p["name"]: p["containerPort"] for p in container["ports"]} == {"health": 8080, "metrics": 9090}
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        assert container[probe]["httpGet"] == {"path": "/healthz", "port": "health"}, probe


def test_operator_configuration_env(render) -> None:
    docs = render("consorcio-operator")
    (container,) = one(docs, "Deployment", "consorcio-operator")["spec"]["template"]["spec"]["containers"]
    env = env_of(container)
    assert set(env) >= OPERATOR_ENV
    assert env["OPERATOR_VAULT_TOKEN"]["valueFrom"]["secretKeyRef"] == {
        "name": "consorcio-operator-vault",
        "key": "token",
    }
    assert env["OPERATOR_RESYNC_INTERVAL"]["value"] == "60"
    assert env["OPERATOR_MAX_ACTIVE_PASSES"]["value"] == "32"
    assert env["OPERATOR_LOG_LEVEL"]["value"] == "INFO"
    # The default operator handles every tenant that carries no instance label.
    assert "OPERATOR_INSTANCE" not in env
    # Empty: the operator takes the Redis host from the admin URL.
    assert "OPERATOR_REDIS_TENANT_URL_HOST" not in env
    assert env["OPERATOR_PG_ADMIN_DSN"]["valueFrom"]["secretKeyRef"] == {
        "name": "consorcio-operator-postgres",
        "key": "dsn",
    }
    assert env["OPERATOR_REDIS_ADMIN_URL"]["valueFrom"]["secretKeyRef"] == {
        "name": "consorcio-operator-redis",
        "key": "url",
    }
    assert env["OPERATOR_DEFAULT_APP_VERSION"]["value"] == "0.1.0"
    assert env["OPERATOR_PG_TENANT_PORT"]["value"] == "5432"
    backup_dir = env["OPERATOR_BACKUP_DIR"]["value"]
    mount = next(m for m in container["volumeMounts"] if m["mountPath"] == backup_dir)
    volumes = {
        v["name"]: v
        for v in one(docs, "Deployment", "consorcio-operator")["spec"]["template"]["spec"]["volumes"]
    }
    assert volumes[mount["name"]]["persistentVolumeClaim"]["claimName"] == "consorcio-operator-backups"


def test_operator_values_reach_env(render) -> None:
    docs = render(
        "consorcio-operator",
        set_values=(
            "vault.tokenSecret.name=vault-token",
            "baseDomain=tenants.acme.com.br",
            "tenantApp.imageRepository=registry.local/consorcio/tenant-app",
            "tenantApp.defaultVersion=1.4.2",
            "image.digest=sha256:" + "ab" * 32,
            "instance=canary",
        ),
    )
    (container,) = one(docs, "Deployment", "consorcio-operator")["spec"]["template"]["spec"]["containers"]
    env = env_of(container)
    assert env["OPERATOR_VAULT_TOKEN"]["valueFrom"]["secretKeyRef"] == {"name": "vault-token", "key": "token"}
    assert env["OPERATOR_BASE_DOMAIN"]["value"] == "tenants.acme.com.br"
    assert env["OPERATOR_IMAGE_REPOSITORY"]["value"] == "registry.local/consorcio/tenant-app"
    assert env["OPERATOR_DEFAULT_APP_VERSION"]["value"] == "1.4.2"
    assert env["OPERATOR_INSTANCE"]["value"] == "canary"
    assert container["image"] == "ghcr.io/consorcio/operator@sha256:" + "ab" * 32

    no_vault = render(
        "consorcio-operator", set_values=("vault.addr=", "redis.tenantHost=redis.internal:6380")
    )
    (container,) = one(no_vault, "Deployment", "consorcio-operator")["spec"]["template"]["spec"]["containers"]
    env = env_of(container)
    assert env["OPERATOR_VAULT_ADDR"]["value"] == ""
    assert "OPERATOR_VAULT_TOKEN" not in env
    assert env["OPERATOR_REDIS_TENANT_URL_HOST"]["value"] == "redis.internal:6380"


def test_operator_object_storage_is_off_by_default_and_wired_when_set(render) -> None:
    (container,) = one(render("consorcio-operator"), "Deployment", "consorcio-operator")["spec"]["template"][
        "spec"
    ]["containers"]
    assert not [name for name in env_of(container) if name.startswith("OPERATOR_S3_")]
    docs = render(
        "consorcio-operator",
        set_values=(
            "objectStorage.endpoint=http://versitygw.storage.svc:7070",
            "objectStorage.bucketPrefix=acme-",
            "objectStorage.adminCredentialsSecret.name=s3-admin",
        ),
    )
    (container,) = one(docs, "Deployment", "consorcio-operator")["spec"]["template"]["spec"]["containers"]
    env = env_of(container)
    assert env["OPERATOR_S3_ENDPOINT"]["value"] == "http://versitygw.storage.svc:7070"
    assert env["OPERATOR_S3_BUCKET_PREFIX"]["value"] == "acme-"
    assert env["OPERATOR_S3_BACKUP_BUCKET"]["value"] == "consorcio-backups"
    assert env["OPERATOR_S3_ADMIN_ACCESS_KEY_ID"]["valueFrom"]["secretKeyRef"] == {
        "name": "s3-admin",
        "key": "accessKeyId",
    }
    assert env["OPERATOR_S3_ADMIN_SECRET_ACCESS_KEY"]["valueFrom"]["secretKeyRef"] == {
        "name": "s3-admin",
        "key": "secretAccessKey",
    }


def test_operator_backup_volume_options(render) -> None:
    existing = render("consorcio-operator", set_values=("backup.persistence.existingClaim=dumps",))
    assert not by_kind(existing, "PersistentVolumeClaim")
    vols = one(existing, "Deployment", "consorcio-operator")["spec"]["template"]["spec"]["volumes"]
    assert {"name": "backups", "persistentVolumeClaim": {"claimName": "dumps"}} in vols

    ephemeral = render("consorcio-operator", set_values=("backup.persistence.enabled=false",))
    assert not by_kind(ephemeral, "PersistentVolumeClaim")
    vols = one(ephemeral, "Deployment", "consorcio-operator")["spec"]["template"]["spec"]["volumes"]
    assert {"name": "backups", "emptyDir": {}} in vols


def test_operator_clusterrole_is_the_shared_rules_file(render) -> None:
    """One source: the installed ClusterRoles carry exactly the e2e tests' rules files."""
    files = CHARTS / "consorcio-operator" / "files"
    docs = render("consorcio-operator")
    expected = yaml.safe_load(
        (files / "clusterrole-rules.yaml")
        .read_text()
        .replace("TENANT_ROLE_NAME", "consorcio-operator-tenant")
    )
    role = one(docs, "ClusterRole", "consorcio-operator")
    assert role["rules"] == expected
    tenant_role = one(docs, "ClusterRole", "consorcio-operator-tenant")
    assert tenant_role["rules"] == yaml.safe_load((files / "tenant-role-rules.yaml").read_text())
    for rule in role["rules"] + tenant_role["rules"]:
        assert "*" not in rule.get("verbs", []), rule
        assert "*" not in rule.get("resources", []), rule
        assert "*" not in rule.get("apiGroups", []), rule
    binding = one(docs, "ClusterRoleBinding", "consorcio-operator")
    assert binding["subjects"] == [
        {"kind": "ServiceAccount", "name": "consorcio-operator", "namespace": "consorcio-system"}
    ]
    # Nothing binds the tenant role cluster-wide; the operator learns its name and identity.
    assert not [
        d for d in by_kind(docs, "ClusterRoleBinding") if d["roleRef"]["name"] == "consorcio-operator-tenant"
    ]
    env = {
        e["name"]: e.get("value")
        for e in one(docs, "Deployment", "consorcio-operator")["spec"]["template"]["spec"]["containers"][0][
            "env"
        ]
    }
    assert env["OPERATOR_TENANT_ROLE"] == "consorcio-operator-tenant"
    assert env["OPERATOR_SERVICE_ACCOUNT_NAMESPACE"] == "consorcio-system"
    assert env["OPERATOR_SERVICE_ACCOUNT_NAME"] == "consorcio-operator"


def test_operator_confinement_policy_names_the_release_service_account(render) -> None:
    """files/operator-confinement.yaml with the release's ServiceAccount and tenant role filled in."""
    docs = render("consorcio-operator")
    policy = one(docs, "ValidatingAdmissionPolicy", "consorcio-operator-confinement-consorcio-system")
    one(docs, "ValidatingAdmissionPolicyBinding", "consorcio-operator-confinement-consorcio-system")
    assert policy["spec"]["matchConditions"][0]["expression"] == (
        "request.userInfo.username == 'system:serviceaccount:consorcio-system:consorcio-operator'"
    )
    text = yaml.safe_dump(policy)
    assert "OPERATOR_SA" not in text and "TENANT_ROLE_NAME" not in text
    assert "'consorcio-operator-tenant'" in text


def test_operator_deletion_protection_policy_is_the_shared_file(render) -> None:
    """What the chart installs is files/deletion-protection.yaml, which the k8s tests apply and test."""
    docs = render("consorcio-operator")
    policy = one(docs, "ValidatingAdmissionPolicy", "consorcio-tenant-deletion-protection")
    binding = one(docs, "ValidatingAdmissionPolicyBinding", "consorcio-tenant-deletion-protection")
    shipped = list(
        yaml.safe_load_all((CHARTS / "consorcio-operator" / "files" / "deletion-protection.yaml").read_text())
    )
    assert [policy, binding] == shipped
    assert binding["spec"]["validationActions"] == ["Deny"]
    assert policy["spec"]["failurePolicy"] == "Fail"


def test_operator_service_monitor_is_optional(render) -> None:
    assert not by_kind(render("consorcio-operator"), "ServiceMonitor")
    docs = render("consorcio-operator", set_values=("metrics.serviceMonitor.enabled=true",))
    monitor = one(docs, "ServiceMonitor", "consorcio-operator")
    service = one(docs, "Service", "consorcio-operator-metrics")
    selector = monitor["spec"]["selector"]["matchLabels"]
    assert selector.items() <= service["metadata"]["labels"].items()
    assert monitor["spec"]["endpoints"][0]["port"] == service["spec"]["ports"][0]["name"] == "metrics"


def test_platform_default_render(render) -> None:
    docs = render("consorcio-platform")
    api = one(docs, "Deployment", "consorcio-platform-api")
    worker = one(docs, "Deployment", "consorcio-platform-worker")
    beat = one(docs, "Deployment", "consorcio-platform-beat")
    containers = {
        name: d["spec"]["template"]["spec"]["containers"][0]
        for name, d in (("api", api), ("worker", worker), ("beat", beat))
    }
    for container in containers.values():
        assert container["command"] == ["python", "-m", "control_plane"]
        env = env_of(container)
        assert env["CONTROL_PLANE_DATABASE_URL"]["valueFrom"]["secretKeyRef"] == {
            "name": "consorcio-platform",
            "key": "database-url",
        }
        assert env["CONTROL_PLANE_REDIS_URL"]["valueFrom"]["secretKeyRef"]["key"] == "redis-url"
    assert containers["api"]["args"] == ["serve", "--host", "0.0.0.0", "--port", "8100"]
    # control_plane.health: /healthz answers while the process lives, /readyz once the database does.
    assert containers["api"]["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert containers["api"]["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert containers["worker"]["args"] == ["worker"]
    assert containers["beat"]["args"] == ["beat"]
    # One scheduler, never two during a rollout.
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"] == {"type": "Recreate"}
    # Without a live Deployment to keep the HPA's count from, start at minReplicas.
    assert api["spec"]["replicas"] == 2
    hpa = one(docs, "HorizontalPodAutoscaler", "consorcio-platform-api")
    assert hpa["spec"]["scaleTargetRef"]["name"] == "consorcio-platform-api"
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (2, 6)
    service = one(docs, "Service", "consorcio-platform-api")
    assert service["spec"]["selector"].items() <= api["spec"]["template"]["metadata"]["labels"].items()
    assert not by_kind(docs, "Ingress")


def test_platform_migration_runs_as_a_hook_before_pods(render) -> None:
    docs = render("consorcio-platform")
    job = one(docs, "Job", "consorcio-platform-migrate")
    sa = one(docs, "ServiceAccount", "consorcio-platform-migrate")
    for hooked in (job, sa):
        assert hooked["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
    # The ServiceAccount must exist before the Job that uses it.
    assert int(sa["metadata"]["annotations"]["helm.sh/hook-weight"]) < int(
        job["metadata"]["annotations"]["helm.sh/hook-weight"]
    )
    pod = job["spec"]["template"]["spec"]
    assert pod["restartPolicy"] == "Never"
    assert pod["serviceAccountName"] == "consorcio-platform-migrate"
    assert pod["automountServiceAccountToken"] is False
    (container,) = pod["containers"]
    assert (container["command"], container["args"]) == (["python", "-m", "control_plane"], ["migrate"])
    assert "CONTROL_PLANE_DATABASE_URL" in env_of(container)

    disabled = render("consorcio-platform", set_values=("migrations.enabled=false",))
    assert not by_kind(disabled, "Job")


def test_platform_clusterrole_is_least_privilege(render) -> None:
    role = one(render("consorcio-platform"), "ClusterRole", "consorcio-platform")
    assert role["rules"] == [
        {
            "apiGroups": ["consorcio.io"],
            "resources": ["consorciotenants"],
            "verbs": ["get", "list", "watch", "create", "patch", "delete"],
        },
        {"apiGroups": ["consorcio.io"], "resources": ["consorciotenants/status"], "verbs": ["get"]},
        {"apiGroups": ["authentication.k8s.io"], "resources": ["tokenreviews"], "verbs": ["create"]},
    ]


def test_platform_vault_mode_sources_injected_env(render) -> None:
    docs = render("consorcio-platform", set_values=("secrets.source=vault",))
    subcommands = {
        "api": "serve --host 0.0.0.0 --port 8100",
        "worker": "worker",
        "beat": "beat",
        "migrate": "migrate",
    }
    workloads = by_kind(docs, "Deployment") + by_kind(docs, "Job")
    assert len(workloads) == 4
    for workload in workloads:
        component = workload["metadata"]["labels"]["app.kubernetes.io/component"]
        template = workload["spec"]["template"]
        annotations = template["metadata"]["annotations"]
        assert annotations["vault.hashicorp.com/agent-inject"] == "true"
        assert annotations["vault.hashicorp.com/role"] == "consorcio-platform"
        body = annotations["vault.hashicorp.com/agent-inject-template-control-plane.env"]
        assert 'with secret "secret/data/consorcio/platform"' in body
        assert "export CONTROL_PLANE_DATABASE_URL=" in body and "export CONTROL_PLANE_REDIS_URL=" in body
        (container,) = template["spec"]["containers"]
        assert container["command"] == ["/bin/sh", "-c"]
        assert container["args"] == [
            f". /vault/secrets/control-plane.env && exec python -m control_plane {subcommands[component]}"
        ]
        env = env_of(container)
        assert "CONTROL_PLANE_DATABASE_URL" not in env and "CONTROL_PLANE_REDIS_URL" not in env
    job_pod = one(docs, "Job", "consorcio-platform-migrate")["spec"]["template"]["spec"]
    # The agent logs in with the hook ServiceAccount's token.
    assert job_pod["automountServiceAccountToken"] is True


def test_platform_network_policy(render) -> None:
    docs = render("consorcio-platform", "ci/production-values.yaml")
    api = one(docs, "NetworkPolicy", "consorcio-platform-api")
    peers = api["spec"]["ingress"][0]["from"]
    sources = [
        peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
        for peer in peers
        if "kubernetes.io/metadata.name" in peer["namespaceSelector"]["matchLabels"]
    ]
    assert sources == ["ingress-nginx", "consorcio-system"]
    # And the tenant apps (issue 20): their app pods, in namespaces labelled as the operator's.
    assert peers[2] == {
        "namespaceSelector": {"matchLabels": {"app.kubernetes.io/managed-by": "consorcio-operator"}},
        "podSelector": {"matchLabels": {"app.kubernetes.io/name": "tenant-app"}},
    }
    assert api["spec"]["ingress"][0]["ports"] == [{"port": "http", "protocol": "TCP"}]
    worker = one(docs, "NetworkPolicy", "consorcio-platform-worker")
    assert worker["spec"]["ingress"] == []
    assert worker["spec"]["policyTypes"] == ["Ingress", "Egress"]
    egress_ports = {p["port"] for rule in worker["spec"]["egress"] for p in rule["ports"]}
    assert egress_ports == {53, 5432, 6379, 443, 8200}


def test_platform_pdb_and_ingress(render) -> None:
    prod = render("consorcio-platform", "ci/production-values.yaml")
    assert one(prod, "PodDisruptionBudget", "consorcio-platform-api")["spec"]["minAvailable"] == 2
    ingress = one(prod, "Ingress", "consorcio-platform-api")
    assert ingress["spec"]["tls"] == [
        {"hosts": ["platform.consorcio.example.com.br"], "secretName": "consorcio-platform-tls"}
    ]
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": "consorcio-platform-api", "port": {"name": "http"}}
    # A budget over a single pod would block every node drain.
    single = render(
        "consorcio-platform",
        set_values=("api.autoscaling.enabled=false", "api.replicas=1", "worker.replicas=1"),
    )
    assert not by_kind(single, "PodDisruptionBudget")
    assert one(single, "Deployment", "consorcio-platform-api")["spec"]["replicas"] == 1


def test_platform_admins_must_use_totp_unless_turned_off(render) -> None:
    """Issue 20 item 7: production staff logins need a second factor for platform admins."""

    def required(docs: list[dict]) -> str:
        container = one(docs, "Deployment", "consorcio-platform-api")["spec"]["template"]["spec"][
            "containers"
        ][0]
        return next(
            e["value"] for e in container["env"] if e["name"] == "CONTROL_PLANE_REQUIRE_TOTP_FOR_ADMINS"
        )

    assert required(render("consorcio-platform", "ci/production-values.yaml")) == "true"
    assert required(render("consorcio-platform", set_values=("auth.requireTotpForAdmins=false",))) == "false"


SCHEMA_REJECTIONS = [
    ("consorcio-operator", "replicaCount=2", "at '/replicaCount': maximum: got 2, want 1"),
    (
        "consorcio-operator",
        "baseDomain=https://Acme.com",
        "at '/baseDomain': 'https://Acme.com' does not match pattern",
    ),
    (
        "consorcio-operator",
        "securityContext.readOnlyRootFilesystem=false",
        "at '/securityContext/readOnlyRootFilesystem': value must be true",
    ),
    (
        "consorcio-operator",
        "podSecurityContext.runAsNonRoot=false",
        "at '/podSecurityContext/runAsNonRoot': value must be true",
    ),
    ("consorcio-operator", "image.digest=latest", "at '/image/digest': 'latest' does not match pattern"),
    (
        "consorcio-operator",
        "postgres.tenantPort=70000",
        "at '/postgres/tenantPort': maximum: got 70,000, want 65,535",
    ),
    ("consorcio-operator", "vault.addr=vault:8200", "at '/vault/addr': 'vault:8200' does not match pattern"),
    ("consorcio-operator", "baseDomian=acme.com", "additional properties 'baseDomian' not allowed"),
    # The operator refuses to start with a Vault address and no token.
    (
        "consorcio-operator",
        "vault.tokenSecret.name=",
        "at '/vault/tokenSecret/name': minLength: got 0, want 1",
    ),
    (
        "consorcio-operator",
        "logLevel=VERBOSE",
        "at '/logLevel': value must be one of 'DEBUG', 'INFO', 'WARNING', 'ERROR'",
    ),
    (
        "consorcio-operator",
        "image.pullPolicy=Sometimes",
        "at '/image/pullPolicy': value must be one of 'Always', 'IfNotPresent', 'Never'",
    ),
    (
        "consorcio-platform",
        "secrets.source=sealed",
        "at '/secrets/source': value must be one of 'existingSecret', 'vault'",
    ),
    ("consorcio-platform", "api.replicas=0", "at '/api/replicas': minimum: got 0, want 1"),
    ("consorcio-operator", "maxActivePasses=0", "at '/maxActivePasses': minimum: got 0, want 1"),
    (
        "consorcio-operator",
        "objectStorage.bucketPrefix=Tenant_",
        "at '/objectStorage/bucketPrefix': 'Tenant_' does not match pattern",
    ),
    (
        "consorcio-operator",
        "objectStorage.endpoint=s3.internal:7070",
        "at '/objectStorage/endpoint': 's3.internal:7070' does not match pattern",
    ),
    (
        "consorcio-platform",
        "ingress.host=Platform_Example",
        "at '/ingress/host': 'Platform_Example' does not match pattern",
    ),
    (
        "consorcio-platform",
        "securityContext.capabilities.add[0]=NET_ADMIN",
        "at '/securityContext/capabilities/add': maxItems: got 1, want 0",
    ),
    (
        "consorcio-platform",
        "networkPolicy.egress.destinations[0].cidr=10.0.0.0/8",
        "at '/networkPolicy/egress/destinations/0': 'oneOf' failed, none matched",
    ),
    (
        "consorcio-platform",
        "api.autoscaling.targetCPUUtilizationPercentage=seventy",
        "at '/api/autoscaling/targetCPUUtilizationPercentage': got string, want integer",
    ),
]


@pytest.mark.parametrize(
    ("chart", "setting", "message"),
    SCHEMA_REJECTIONS,
    ids=[f"{c}:{s.split('=')[0]}" for c, s, _ in SCHEMA_REJECTIONS],
)
def test_schema_rejects_wrong_values(helm_run, chart: str, setting: str, message: str) -> None:
    proc = helm_run("template", chart, str(CHARTS / chart), "--kube-version", KUBE_VERSION, "--set", setting)
    assert proc.returncode != 0, f"{setting} was accepted"
    assert "values don't meet the specifications of the schema" in proc.stderr
    assert message in proc.stderr, proc.stderr


TEMPLATE_GUARDS = [
    (
        ("api.autoscaling.minReplicas=5", "api.autoscaling.maxReplicas=3"),
        "api.autoscaling.minReplicas must not exceed api.autoscaling.maxReplicas",
    ),
    (
        ("api.autoscaling.minReplicas=2", "api.pdb.minAvailable=2"),
        "api.pdb.minAvailable must be lower than the API's minimum replicas",
    ),
    (
        ("worker.replicas=2", "worker.pdb.minAvailable=3"),
        "worker.pdb.minAvailable must be lower than worker.replicas",
    ),
]


@pytest.mark.parametrize(
    ("settings", "message"), TEMPLATE_GUARDS, ids=["hpa-bounds", "api-pdb", "worker-pdb"]
)
def test_platform_rejects_inconsistent_values(helm_run, settings: tuple[str, ...], message: str) -> None:
    args = ["template", "p", str(CHARTS / "consorcio-platform"), "--kube-version", KUBE_VERSION]
    for s in settings:
        args += ["--set", s]
    proc = helm_run(*args)
    assert proc.returncode != 0
    assert message in proc.stderr, proc.stderr


def test_operator_service_monitor_needs_the_metrics_service(helm_run) -> None:
    proc = helm_run(
        "template", "o", str(CHARTS / "consorcio-operator"), "--kube-version", KUBE_VERSION,
        "--set", "metrics.serviceMonitor.enabled=true", "--set", "metrics.service.enabled=false",
    )  # fmt: skip
    assert proc.returncode != 0
    assert "metrics.serviceMonitor.enabled needs metrics.service.enabled" in proc.stderr


def _readme_generator():
    spec = importlib.util.spec_from_file_location("gen_readme", CHARTS / "gen_readme.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    # dataclasses resolve string annotations through sys.modules.
    sys.modules.setdefault("gen_readme", module)
    spec.loader.exec_module(module)
    return module


def test_chart_readmes_are_generated_from_current_values(capsys) -> None:
    generator = _readme_generator()
    assert generator.main(["--check"]) == 0, capsys.readouterr().err
    readme = (CHARTS / "consorcio-operator" / "README.md").read_text()
    assert '| `baseDomain` | string | `"consorcio.example.com"` |' in readme


def test_readme_generator_refuses_undocumented_values() -> None:
    generator = _readme_generator()
    text = "# -- documented\nimage:\n  # -- the tag\n  tag: v1\n  pullPolicy: Always\n"
    with pytest.raises(generator.UndocumentedValueError, match=r"image\.pullPolicy"):
        generator.value_rows(yaml.safe_load(text), generator.parse_descriptions(text))


def test_readme_generator_rows() -> None:
    generator = _readme_generator()
    text = (
        "# -- Resources, as one row.\nresources:\n  limits:\n    memory: 1Gi\n"
        "db:\n  # -- Host name,\n  # continued | here.\n  host: pg\n"
    )
    rows = generator.value_rows(yaml.safe_load(text), generator.parse_descriptions(text))
    assert [(r.key, r.type, r.default, r.description) for r in rows] == [
        ("resources", "object", '{"limits": {"memory": "1Gi"}}', "Resources, as one row."),
        ("db.host", "string", '"pg"', "Host name, continued | here."),
    ]


# The defaults carry plain tags (the chart cannot know a digest); the
# production-like values pin digests, so only there are these checks enforced.
DEFAULTS_ONLY_SKIPS = "CKV_K8S_43,CKV_K8S_15"


def _checkov_safe(doc: dict[str, Any]) -> dict[str, Any]:
    """checkov ignores any file containing '{{' (it takes it for an unrendered
    template); the Vault Agent's consul-template annotation legitimately holds
    some, and checkov checks nothing in it, so elide its text."""
    annotations = doc.get("spec", {}).get("template", {}).get("metadata", {}).get("annotations", {})
    for key in annotations:
        if key.startswith("vault.hashicorp.com/agent-inject-template-"):
            annotations[key] = "<consul-template elided>"
    return doc


@pytest.mark.parametrize("values", [None, "ci/production-values.yaml"], ids=["default", "production"])
def test_checkov_accepts_the_rendered_charts(render, tmp_path: Path, values: str | None) -> None:
    """Every accepted finding is a `checkov.io/skipN` annotation with its reason in the chart."""
    docs = []
    for chart in ("consorcio-operator", "consorcio-platform"):
        rendered = [_checkov_safe(d) for d in render(chart, values)]
        (tmp_path / f"{chart}.yaml").write_text(yaml.safe_dump_all(rendered))
        docs += rendered
    checkov = Path(sys.executable).parent / "checkov"
    args = [
        str(checkov),
        "-d",
        str(tmp_path),
        "--framework",
        "kubernetes",
        "--skip-download",
        "-o",
        "json",
    ]
    if values is None:
        args += ["--skip-check", DEFAULTS_ONLY_SKIPS]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=300)
    report = json.loads(proc.stdout)
    # An empty summary (no results key) means checkov parsed nothing: fail, never pass silently.
    assert "results" in report, report
    # checkov adds a Pod per workload to the documents it was given.
    assert report["summary"]["resource_count"] >= len(docs), report["summary"]
    failed = [
        f"{f['check_id']} {f['resource']}: {f['check_name']}" for f in report["results"]["failed_checks"]
    ]
    assert not failed, "\n".join(failed)
    skipped_checks = report["results"]["skipped_checks"]
    # The chart's annotations are what turns the known findings into skips.
    assert {s["check_id"] for s in skipped_checks} >= {"CKV_K8S_11", "CKV_K8S_38"}
    for skipped in skipped_checks:
        reason = skipped["check_result"].get("suppress_comment", "")
        assert len(reason) > 20, f"{skipped['check_id']} skipped without a reason"


def test_operator_network_policy_admits_only_metrics_scrapes(render) -> None:
    docs = render("consorcio-operator")
    policy = one(docs, "NetworkPolicy", "consorcio-operator")
    pod_labels = one(docs, "Deployment", "consorcio-operator")["spec"]["template"]["metadata"]["labels"]
    assert policy["spec"]["podSelector"]["matchLabels"].items() <= pod_labels.items()
    assert policy["spec"]["policyTypes"] == ["Ingress"]
    assert policy["spec"]["ingress"] == [
        {
            "from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}],
            "ports": [{"port": "metrics", "protocol": "TCP"}],
        }
    ]
    closed = render("consorcio-operator", set_values=("networkPolicy.metricsNamespaces=null",))
    assert one(closed, "NetworkPolicy", "consorcio-operator")["spec"]["ingress"] is None


def test_platform_beat_mounts_a_token_only_for_vault(render) -> None:
    for source, mounted in (("existingSecret", False), ("vault", True)):
        docs = render("consorcio-platform", set_values=(f"secrets.source={source}",))
        beat = one(docs, "Deployment", "consorcio-platform-beat")["spec"]["template"]["spec"]
        assert beat["automountServiceAccountToken"] is mounted, source
