"""Desired Kubernetes objects are pure functions of the tenant, the plan and the config."""

from __future__ import annotations

import pytest
from tenant_operator import names
from tenant_operator.config import ConfigError, OperatorConfig
from tenant_operator.specs.migration_job import job_state, migration_job, migration_job_name
from tenant_operator.specs.namespace import limit_range, namespace, resource_quota
from tenant_operator.specs.network_policies import egress_targets, network_policies
from tenant_operator.specs.tenant import TenantView
from tenant_operator.specs.workload import (
    WORKER_GRACE_SECONDS,
    app_deployment,
    app_replicas,
    horizontal_pod_autoscaler,
    ingress,
    pod_disruption_budget,
    rollout_state,
    service,
    worker_deployment,
    worker_replicas,
)

from consorcio_contract.plans import CATALOG, PlanName
from consorcio_contract.tenant_resource import TenantSpec
from tests.support.operator_harness import EXAMPLE_ENV

pytestmark = pytest.mark.unit

ENV = {
    **EXAMPLE_ENV,
    "OPERATOR_VAULT_ADDR": "https://vault.internal:8200",
    "OPERATOR_VAULT_TOKEN": "t",
    "OPERATOR_INGRESS_NAMESPACE": "ingress-nginx",
}
CONFIG = OperatorConfig.from_env(ENV)
SPEC_BASE = {"displayName": "ACME", "cnpj": "11.222.333/0001-81", "plan": "professional"}


def view(plan: str = "professional", **spec) -> TenantView:
    base = {"displayName": "ACME", "cnpj": "11.222.333/0001-81", "plan": plan, **spec}
    return TenantView("acme", TenantSpec.from_dict(base), CONFIG.workload)


def test_namespace_is_labelled_and_has_no_owner_reference():
    ns = namespace(view())
    assert ns["metadata"]["name"] == "tenant-acme"
    assert ns["metadata"]["labels"][names.TENANT_LABEL] == "acme"
    assert ns["metadata"]["labels"][names.PLAN_LABEL] == "professional"
    # The garbage collector must never be able to delete tenant data with the CR.
    assert "ownerReferences" not in ns["metadata"]


@pytest.mark.parametrize("plan", list(PlanName))
def test_quota_and_limits_come_from_the_plan(plan):
    sizing = CATALOG[plan].sizing
    t = view(plan.value)
    hard = resource_quota(t)["spec"]["hard"]
    assert hard["requests.cpu"] == sizing.quota_cpu
    assert hard["limits.memory"] == sizing.quota_memory
    assert hard["pods"] == str(sizing.quota_pods)
    limits = limit_range(t)["spec"]["limits"][0]
    assert limits["default"] == {
        "cpu": sizing.container_cpu_limit,
        "memory": sizing.container_memory_limit,
        "ephemeral-storage": "512Mi",  # the same for every plan (test_operator_ephemeral_storage)
    }
    assert limits["defaultRequest"]["memory"] == sizing.container_memory_request
    assert horizontal_pod_autoscaler(t)["spec"]["minReplicas"] == sizing.min_replicas
    assert horizontal_pod_autoscaler(t)["spec"]["maxReplicas"] == sizing.max_replicas
    assert pod_disruption_budget(t)["spec"]["minAvailable"] == sizing.pdb_min_available


def test_network_policies_deny_by_default_and_allow_only_the_platform():
    policies = {p["metadata"]["name"]: p["spec"] for p in network_policies(view(), egress_targets(CONFIG))}
    assert policies["default-deny"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    ingress_from = policies["allow-from-ingress-controller"]["ingress"][0]["from"][0]
    assert ingress_from["namespaceSelector"]["matchLabels"] == {
        "kubernetes.io/metadata.name": "ingress-nginx"
    }
    (dns_rule,) = policies["allow-egress-dns"]["egress"]
    assert {(p["protocol"], p["port"]) for p in dns_rule["ports"]} == {("UDP", 53), ("TCP", 53)}
    # Port 53 only towards the cluster DNS pods, never to any destination.
    assert dns_rule["to"] == [
        {
            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
            "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
        }
    ]
    platform = policies["allow-egress-platform-services"]["egress"]
    # PostgreSQL by IP (a /32), Redis, Vault and the control plane by port.
    assert platform[0] == {
        "ports": [{"protocol": "TCP", "port": 5432}],
        "to": [{"ipBlock": {"cidr": "10.1.2.3/32"}}],
    }
    assert [rule["ports"][0]["port"] for rule in platform] == [5432, 6380, 8200, 8100]


def test_dns_egress_destination_comes_from_the_config():
    cfg = OperatorConfig.from_env(
        {**ENV, "OPERATOR_DNS_NAMESPACE": "dns-system", "OPERATOR_DNS_POD_LABELS": "app=coredns, tier=dns"}
    )
    t = TenantView("acme", TenantSpec.from_dict(SPEC_BASE), cfg.workload)
    policies = {p["metadata"]["name"]: p["spec"] for p in network_policies(t, egress_targets(cfg))}
    assert policies["allow-egress-dns"]["egress"][0]["to"] == [
        {
            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "dns-system"}},
            "podSelector": {"matchLabels": {"app": "coredns", "tier": "dns"}},
        }
    ]
    # No labels: any pod of the DNS namespace, still never "anywhere".
    cfg = OperatorConfig.from_env({**ENV, "OPERATOR_DNS_POD_LABELS": ""})
    t = TenantView("acme", TenantSpec.from_dict(SPEC_BASE), cfg.workload)
    dns = next(
        p for p in network_policies(t, egress_targets(cfg)) if p["metadata"]["name"] == "allow-egress-dns"
    )
    assert dns["spec"]["egress"][0]["to"] == [
        {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}}}
    ]
    with pytest.raises(ConfigError, match="OPERATOR_DNS_POD_LABELS"):
        OperatorConfig.from_env({**ENV, "OPERATOR_DNS_POD_LABELS": "k8s-app"})


def test_vault_and_control_plane_egress_are_left_out_when_not_configured():
    cfg = OperatorConfig.from_env({**ENV, "OPERATOR_VAULT_ADDR": "", "OPERATOR_CONTROL_PLANE_URL": ""})
    assert [t.service for t in egress_targets(cfg)] == ["postgresql", "redis"]


def test_app_deployment_runs_the_contract_command_with_probes_and_the_secret():
    dep = app_deployment(view(), version="2.1.0", schema_revision="r1", secret_hash="h", replicas=2)
    pod = dep["spec"]["template"]["spec"]
    c = pod["containers"][0]
    assert c["image"] == "registry.example/tenant-app:2.1.0"
    assert c["command"] == ["python", "-m", "tenant_app", "serve", "--host", "0.0.0.0", "--port", "8000"]
    assert c["envFrom"] == [{"secretRef": {"name": "tenant-app-env"}}]
    assert c["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert c["livenessProbe"]["httpGet"]["path"] == "/health"
    assert pod["serviceAccountName"] == "tenant-app"
    assert c["securityContext"]["capabilities"] == {"drop": ["ALL"]}
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert dep["spec"]["replicas"] == 2
    assert dep["spec"]["template"]["metadata"]["annotations"][names.SECRET_HASH_ANNOTATION] == "h"


def test_worker_runs_celery_from_the_same_image():
    dep = worker_deployment(view(), version="2.1.0", schema_revision="r1", secret_hash="h", replicas=1)
    assert dep["metadata"]["name"] == "tenant-worker"
    assert dep["spec"]["template"]["spec"]["containers"][0]["command"] == [
        "python",
        "-m",
        "tenant_app",
        "worker",
    ]


def test_the_worker_has_time_to_finish_its_task_and_the_app_keeps_the_default():
    worker = worker_deployment(view(), version="2.1.0", schema_revision="r1", secret_hash="h", replicas=1)
    assert worker["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] == WORKER_GRACE_SECONDS > 30
    app = app_deployment(view(), version="2.1.0", schema_revision="r1", secret_hash="h", replicas=1)
    assert "terminationGracePeriodSeconds" not in app["spec"]["template"]["spec"]


def test_service_maps_80_to_the_app_port_and_ingress_uses_the_default_host():
    svc = service(view())
    assert svc["spec"]["ports"] == [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}]
    assert ingress(view())["spec"]["rules"][0]["host"] == "acme.consorcio.example"
    assert ingress(view(host="portal.acme.com.br"))["spec"]["rules"][0]["host"] == "portal.acme.com.br"
    assert view(host="portal.acme.com.br").url == "https://portal.acme.com.br"


def test_app_version_defaults_to_the_operator_default():
    assert view().desired_app_version == "2.0.0"
    assert view(appVersion="2.2.0").desired_app_version == "2.2.0"


@pytest.mark.parametrize(
    ("suspended", "current", "expected"),
    [(True, 5, 0), (False, None, 2), (False, 0, 2), (False, 1, 2), (False, 4, 4), (False, 9, 6)],
)
def test_app_replicas_follow_the_hpa_within_the_plan_bounds(suspended, current, expected):
    sizing = CATALOG[PlanName.PROFESSIONAL].sizing  # min 2, max 6
    assert app_replicas(sizing, suspended=suspended, current=current) == expected


def test_worker_replicas_zero_when_suspended():
    sizing = CATALOG[PlanName.ENTERPRISE].sizing
    assert worker_replicas(sizing, suspended=True) == 0
    assert worker_replicas(sizing, suspended=False) == sizing.worker_replicas


def test_migration_job_names_fit_the_label_limit_and_differ_per_version():
    long_version = "1.0.0-" + "rc" * 60
    names_ = {migration_job_name(v) for v in ("1.0.0", "1.0.1", long_version, "1.0.0_")}
    assert len(names_) == 4
    assert all(len(n) <= 63 and n.startswith("tenant-migrate-") for n in names_)
    job = migration_job(view(), version="1.0.0", schema_revision="2026_11_23_0001")
    c = job["spec"]["template"]["spec"]["containers"][0]
    assert c["command"] == ["python", "-m", "tenant_app", "migrate"]
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    assert job["metadata"]["annotations"][names.SCHEMA_REVISION_ANNOTATION] == "2026_11_23_0001"


@pytest.mark.parametrize(
    ("conditions", "state"),
    [
        (None, "running"),
        ([{"type": "Complete", "status": "True"}], "complete"),
        ([{"type": "Failed", "status": "True"}], "failed"),
        ([{"type": "Complete", "status": "False"}], "running"),
    ],
)
def test_job_state(conditions, state):
    assert job_state({"status": {"conditions": conditions} if conditions else {}}) == state
    assert job_state(None) == "absent"


def test_rollout_state_needs_the_new_generation_fully_available():
    dep = {"metadata": {"generation": 3}, "spec": {"replicas": 2}}
    done = {"observedGeneration": 3, "updatedReplicas": 2, "availableReplicas": 2, "replicas": 2}
    assert rollout_state({**dep, "status": done}) == (True, "2/2")
    assert rollout_state({**dep, "status": {**done, "observedGeneration": 2}})[0] is False
    assert rollout_state({**dep, "status": {**done, "replicas": 3}})[0] is False  # old pod still there
    assert rollout_state({**dep, "status": {**done, "availableReplicas": 1}}) == (False, "1/2")
    assert rollout_state(None) == (False, "missing")
