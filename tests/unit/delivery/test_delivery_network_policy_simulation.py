"""Every generated NetworkPolicy, evaluated as a table pod -> destination -> allowed (issue 20, item 6).

The policies are the real ones: the operator's tenant policies (specs/network_policies.py, with the
chart's production values), the control plane's and the operator's (helm template of both charts).
The evaluator (tests/support/network_policy_simulator.py) follows the Kubernetes semantics; its own
rules are checked first. What only a real cluster with an enforcing CNI proves is listed in
docs/security.md ("Verified only on a real cluster").
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from tenant_operator.config import ConfigError, OperatorConfig
from tenant_operator.specs.namespace import namespace
from tenant_operator.specs.network_policies import egress_targets, network_policies
from tenant_operator.specs.tenant import TenantView

from consorcio_contract.tenant_resource import TenantSpec
from tests.support.chart_fixtures import CHARTS
from tests.support.network_policy_simulator import Cluster, Endpoint, External, Pod, selector_matches
from tests.support.operator_harness import EXAMPLE_ENV

pytestmark = pytest.mark.unit

# --- the simulator's own semantics ---------------------------------------------------------------


def _np(ns: str, spec: dict[str, Any], name: str = "p") -> dict[str, Any]:
    return {"kind": "NetworkPolicy", "metadata": {"name": name, "namespace": ns}, "spec": spec}


def test_simulator_isolation_is_per_direction_and_policies_add_up():
    a = Pod("a", "x", {"app": "a"}, "10.1.0.1")
    b = Pod("b", "y", {"app": "b"}, "10.1.0.2")
    assert Cluster({"x": {}, "y": {}}, []).allowed(a, b, 80)  # no policy: nothing isolated
    deny_in = _np("y", {"podSelector": {}})  # policyTypes default: Ingress only
    assert not Cluster({"x": {}, "y": {}}, [deny_in]).allowed(a, b, 80)
    assert Cluster({"x": {}, "y": {}}, [deny_in]).allowed(b, a, 80)  # egress of b not isolated
    allow = _np(
        "y",
        {"podSelector": {"matchLabels": {"app": "b"}}, "ingress": [{"from": [{"namespaceSelector": {}}]}]},
    )
    assert Cluster({"x": {}, "y": {}}, [deny_in, allow]).allowed(a, b, 80)
    # An egress section without policyTypes makes the policy Egress too.
    egress_only_dns = _np("x", {"podSelector": {}, "egress": [{"ports": [{"port": 53, "protocol": "UDP"}]}]})
    cluster = Cluster({"x": {}, "y": {}}, [egress_only_dns])
    assert (
        not cluster.allowed(a, b, 80) and cluster.allowed(a, b, 53, "UDP") and not cluster.allowed(a, b, 53)
    )


def test_simulator_peers_selectors_and_ip_blocks():
    src_same = Pod("s1", "x", {"role": "web"}, "10.1.0.1")
    src_other = Pod("s2", "y", {"role": "web"}, "10.1.0.2")
    dst = Pod("d", "x", {"app": "db"}, "10.1.0.3", {"pg": ("TCP", 5432)})
    ns = {"x": {"team": "a"}, "y": {"team": "b"}}
    pod_only = _np(
        "x", {"podSelector": {}, "ingress": [{"from": [{"podSelector": {"matchLabels": {"role": "web"}}}]}]}
    )
    assert Cluster(ns, [pod_only]).allowed(src_same, dst, 1)
    assert not Cluster(ns, [pod_only]).allowed(src_other, dst, 1)  # podSelector alone: own namespace
    both = _np(
        "x",
        {
            "podSelector": {},
            "ingress": [
                {
                    "from": [
                        {
                            "namespaceSelector": {"matchLabels": {"team": "b"}},
                            "podSelector": {"matchLabels": {"role": "x"}},
                        }
                    ],
                    "ports": [{"port": "pg"}],
                }
            ],
        },
    )
    assert not Cluster(ns, [both]).allowed(src_other, dst, 5432)  # AND of both selectors
    both["spec"]["ingress"][0]["from"][0]["podSelector"] = {
        "matchExpressions": [{"key": "role", "operator": "In", "values": ["web"]}]
    }
    assert Cluster(ns, [both]).allowed(src_other, dst, 5432)  # named port resolved on the destination
    assert not Cluster(ns, [both]).allowed(src_other, dst, 5433)
    block = _np(
        "x",
        {
            "podSelector": {},
            "policyTypes": ["Egress"],
            "egress": [{"to": [{"ipBlock": {"cidr": "10.9.0.0/16", "except": ["10.9.9.0/24"]}}]}],
        },
    )
    cluster = Cluster(ns, [block])
    assert cluster.allowed(src_same, External("db", "10.9.1.1"), 5432)
    assert not cluster.allowed(src_same, External("hole", "10.9.9.9"), 5432)
    assert not cluster.allowed(src_same, dst, 5432)  # a pod IP outside the block
    assert selector_matches({"matchExpressions": [{"key": "k", "operator": "DoesNotExist"}]}, {})
    empty_rules = _np("x", {"podSelector": {}, "ingress": []})
    assert not Cluster(ns, [empty_rules]).allowed(src_same, dst, 1)  # ingress: [] matches nothing


# --- the generated policies ----------------------------------------------------------------------

PRODUCTION_VALUES = yaml.safe_load(
    (CHARTS / "consorcio-operator" / "ci" / "production-values.yaml").read_text()
)
DESTINATIONS = PRODUCTION_VALUES["networkPolicy"]["tenantEgress"]["destinations"]
PRODUCTION_ENV = {
    **EXAMPLE_ENV,
    "OPERATOR_PG_TENANT_HOST": PRODUCTION_VALUES["postgres"]["tenantHost"],
    "OPERATOR_VAULT_ADDR": PRODUCTION_VALUES["vault"]["addr"],
    "OPERATOR_VAULT_TOKEN": "t",
    "OPERATOR_CONTROL_PLANE_URL": PRODUCTION_VALUES["controlPlaneUrl"],
    "OPERATOR_INGRESS_NAMESPACE": PRODUCTION_VALUES["ingressNamespace"],
    "OPERATOR_EGRESS_STRICT": "true",
    "OPERATOR_EGRESS_DESTINATIONS": json.dumps(DESTINATIONS),
}
CONFIG = OperatorConfig.from_env(PRODUCTION_ENV)


def tenant(name: str) -> TenantView:
    spec = TenantSpec.from_dict({"displayName": name, "cnpj": "11.222.333/0001-81", "plan": "professional"})
    return TenantView(name, spec, CONFIG.workload)


@pytest.fixture(scope="module")
def cluster(render) -> Cluster:
    policies: list[dict[str, Any]] = []
    namespaces: dict[str, dict[str, str]] = {
        "ingress-nginx": {},
        "kube-system": {},
        "consorcio-system": {},
        "vault": {},
        "monitoring": {},
        "team-payments": {},
    }
    for name in ("acme", "beta"):
        t = tenant(name)
        namespaces[t.namespace] = namespace(t)["metadata"]["labels"]
        policies += network_policies(t, egress_targets(CONFIG))
    for doc in render("consorcio-platform", values_file="ci/production-values.yaml") + render(
        "consorcio-operator", values_file="ci/production-values.yaml"
    ):
        if doc["kind"] == "NetworkPolicy":
            doc["metadata"].setdefault("namespace", "consorcio-system")
            policies.append(doc)
    assert {p["metadata"]["namespace"] for p in policies} == {
        "tenant-acme",
        "tenant-beta",
        "consorcio-system",
    }
    return Cluster(namespaces, policies)


def app(name: str, component: str = "web") -> Pod:
    """A tenant pod as specs/pod.py labels it (web and worker are both app.kubernetes.io/name=tenant-app)."""
    return Pod(
        f"{name}/{component}",
        f"tenant-{name}",
        {
            "app.kubernetes.io/name": "tenant-app",
            "app.kubernetes.io/component": component,
            "consorcio.io/tenant": name,
        },
        f"10.0.{len(name)}.{len(component)}",
    )


CP_LABELS = {
    "app.kubernetes.io/name": "consorcio-platform",
    "app.kubernetes.io/instance": "consorcio-platform",
}
ACME, ACME_WORKER, BETA = app("acme"), app("acme", "worker"), app("beta")
INGRESS = Pod("ingress-controller", "ingress-nginx", {"app.kubernetes.io/name": "ingress-nginx"}, "10.0.9.1")
COREDNS = Pod("coredns", "kube-system", {"k8s-app": "kube-dns"}, "10.0.9.2")
METRICS_SERVER = Pod("metrics-server", "kube-system", {"k8s-app": "metrics-server"}, "10.0.9.3")
CP_API = Pod(
    "control-plane-api",
    "consorcio-system",
    {**CP_LABELS, "app.kubernetes.io/component": "api"},
    "10.0.9.4",
    {"http": ("TCP", 8100)},
)
CP_WORKER = Pod(
    "control-plane-worker",
    "consorcio-system",
    {**CP_LABELS, "app.kubernetes.io/component": "worker"},
    "10.0.9.5",
)
VAULT = Pod("vault", "vault", {"app.kubernetes.io/name": "vault"}, "10.0.9.6")
OTHER_TEAM = Pod("other-team-app", "team-payments", {"app": "payments"}, "10.0.9.7")
RDS = External("rds-postgresql", "10.20.33.10")
ELASTICACHE = External("elasticache-redis", "10.20.34.10")
INTERNET = External("internet", "203.0.113.7")
METADATA = External("instance-metadata", "169.254.169.254")

# (source, destination, port, protocol, allowed) — the whole isolation story in one table.
TABLE: list[tuple[Endpoint, Endpoint, int, str, bool]] = [
    # Into a tenant app: only the ingress controller, only on the app port.
    (INGRESS, ACME, 8000, "TCP", True),
    (INGRESS, ACME, 9090, "TCP", False),
    (INGRESS, ACME_WORKER, 8000, "TCP", False),
    (BETA, ACME, 8000, "TCP", False),
    (OTHER_TEAM, ACME, 8000, "TCP", False),
    (CP_API, ACME, 8000, "TCP", False),
    # Out of a tenant app: DNS to the cluster DNS pods only; the shared services by destination.
    (ACME, COREDNS, 53, "UDP", True),
    (ACME, COREDNS, 53, "TCP", True),
    (ACME, METRICS_SERVER, 53, "UDP", False),
    (ACME, INTERNET, 53, "UDP", False),
    (ACME, RDS, 5432, "TCP", True),
    (ACME, ELASTICACHE, 6379, "TCP", False),  # Redis's port is the admin URL's (6380 in EXAMPLE_ENV)
    (ACME, ELASTICACHE, 6380, "TCP", True),
    (ACME, INTERNET, 5432, "TCP", False),  # "port 5432 to anywhere" is what the old rule allowed
    (ACME, INTERNET, 443, "TCP", False),
    (ACME, METADATA, 80, "TCP", False),
    (ACME, VAULT, 8200, "TCP", True),
    (ACME, OTHER_TEAM, 8200, "TCP", False),
    (ACME, CP_API, 8100, "TCP", True),  # the control plane admits the tenant apps (flags, usage)
    (ACME_WORKER, CP_API, 8100, "TCP", True),  # the worker reports usage
    (ACME, CP_WORKER, 8100, "TCP", False),
    (ACME, BETA, 8000, "TCP", False),
    (ACME, OTHER_TEAM, 8080, "TCP", False),
    # Into the control plane: ingress controller, its own namespace (the operator), tenant apps.
    (INGRESS, CP_API, 8100, "TCP", True),
    (OTHER_TEAM, CP_API, 8100, "TCP", False),
    (INGRESS, CP_WORKER, 8100, "TCP", False),
]


def test_every_generated_network_policy_as_a_table(cluster):
    rows = [(src, dst, port, proto) for src, dst, port, proto, _ in TABLE]
    table = cluster.table(rows)
    print("\n".join(f"{s:22} -> {d:22} {p:9} {'allowed' if a else 'denied'}" for s, d, p, a in table))
    expected = [(src.name, dst.name, f"{port}/{proto}", allowed) for src, dst, port, proto, allowed in TABLE]
    mismatches = [(got, want) for got, want in zip(table, expected, strict=True) if got != want]
    assert not mismatches, mismatches


def test_only_the_web_pods_are_reachable_from_the_ingress_controller(cluster):
    """The old policy selected every tenant-app pod, the worker included."""
    assert cluster.allowed(INGRESS, ACME, 8000)
    assert not cluster.allowed(INGRESS, ACME_WORKER, 8000)


def test_control_plane_policy_admits_tenant_apps(render):
    """The old policy admitted only ingress-nginx and consorcio-system: every tenant app shut out."""
    docs = [d for d in render("consorcio-platform") if d["kind"] == "NetworkPolicy"]
    api = next(d for d in docs if d["metadata"]["name"].endswith("-api"))
    namespaces = {
        "tenant-acme": namespace(tenant("acme"))["metadata"]["labels"],
        "ingress-nginx": {},
        "x": {},
    }
    sim = Cluster(namespaces, [{**api, "metadata": {**api["metadata"], "namespace": "x"}}])
    dest = Pod("api", "x", api["spec"]["podSelector"]["matchLabels"], "10.0.0.1", {"http": ("TCP", 8100)})
    assert sim.allowed(ACME, dest, 8100)
    assert not sim.allowed(Pod("not-the-app", "tenant-acme", {"app.kubernetes.io/name": "other"}), dest, 8100)


def test_egress_rules_name_destinations_in_production_mode():
    """The old operator wrote DNS-named services' rules without `to:` (the port, to any address)."""
    for t in (tenant("acme"),):
        for policy in network_policies(t, egress_targets(CONFIG)):
            for rule in policy["spec"].get("egress") or []:
                assert rule.get("to"), (policy["metadata"]["name"], rule)
    # Production mode refuses to start with a DNS-named service lacking destinations.
    partial = {k: v for k, v in DESTINATIONS.items() if k != "vault"}
    with pytest.raises(ConfigError, match="vault"):
        OperatorConfig.from_env({**PRODUCTION_ENV, "OPERATOR_EGRESS_DESTINATIONS": json.dumps(partial)})
    with pytest.raises(ConfigError, match="peer"):
        OperatorConfig.from_env({**PRODUCTION_ENV, "OPERATOR_EGRESS_DESTINATIONS": '{"vault": [{"to": {}}]}'})


def test_chart_sets_production_mode_by_default(render):
    deploy = next(d for d in render("consorcio-operator") if d["kind"] == "Deployment")
    env = {e["name"]: e.get("value") for e in deploy["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["OPERATOR_EGRESS_STRICT"] == "true"
    prod = next(
        d
        for d in render("consorcio-operator", values_file="ci/production-values.yaml")
        if d["kind"] == "Deployment"
    )
    env = {e["name"]: e.get("value") for e in prod["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert json.loads(env["OPERATOR_EGRESS_DESTINATIONS"]) == DESTINATIONS


def test_chart_defaults_to_vault_over_https(render, tmp_path):
    """The chart defaulted to http:// for Vault (issue 20, item 4)."""
    deploy = next(d for d in render("consorcio-operator") if d["kind"] == "Deployment")
    env = {e["name"]: e.get("value") for e in deploy["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["OPERATOR_VAULT_ADDR"].startswith("https://")
    with_ca = next(
        d
        for d in render("consorcio-operator", set_values=("vault.caSecret.name=vault-ca",))
        if d["kind"] == "Deployment"
    )
    pod = with_ca["spec"]["template"]["spec"]
    env = {e["name"]: e.get("value") for e in pod["containers"][0]["env"]}
    assert env["OPERATOR_VAULT_CA_FILE"] == "/etc/consorcio/vault-ca/ca.crt"
    assert {"name": "vault-ca", "secret": {"secretName": "vault-ca"}} in pod["volumes"]
    # The operator reads the file at startup (it copies the CA into tenant namespaces).
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    config = OperatorConfig.from_env({**PRODUCTION_ENV, "OPERATOR_VAULT_CA_FILE": str(ca)})
    assert config.vault.ca_file == str(ca)
    assert config.workload.vault_ca_pem == ca.read_text()
