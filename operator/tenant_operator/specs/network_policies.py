"""NetworkPolicies of a tenant namespace: deny everything, then allow the
ingress controller in and the app out to the cluster DNS pods and the shared
services.

DNS egress names its destination (the DNS pods' namespace and labels, from
the operator config) rather than "port 53 anywhere": otherwise a tenant pod
could talk to any host on port 53, a classic tunnel out of the namespace.
The shared services do too: an IP host becomes an ipBlock, a DNS host takes
its peers from OPERATOR_EGRESS_DESTINATIONS, and in production mode
(OPERATOR_EGRESS_STRICT) the operator refuses to start without them.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from tenant_operator.config import OperatorConfig
from tenant_operator.specs.pod import selector_labels
from tenant_operator.specs.tenant import TenantView

DEFAULT_DENY = "default-deny"
ALLOW_INGRESS_CONTROLLER = "allow-from-ingress-controller"
ALLOW_DNS = "allow-egress-dns"
ALLOW_PLATFORM = "allow-egress-platform-services"

APP_PORT = 8000
#: The web Deployment's component label (specs/workload.WEB, which imports this module).
WEB_COMPONENT = "web"


@dataclass(frozen=True)
class EgressTarget:
    """A shared service the tenant pods may reach: a TCP port, and a CIDR when the host is an IP."""

    service: str
    port: int
    cidr: str | None = None


def _target(service: str, host: str | None, port: int) -> EgressTarget:
    cidr = None
    if host:
        try:
            ip = ipaddress.ip_address(host)
            cidr = f"{ip}/{32 if ip.version == 4 else 128}"
        except ValueError:
            cidr = None  # a DNS name: its address is unknown here, allow the port only
    return EgressTarget(service, port, cidr)


def egress_targets(config: OperatorConfig) -> list[EgressTarget]:
    """PostgreSQL, Redis, and Vault, the S3 server and the control plane when configured."""
    targets = [
        _target("postgresql", config.postgres.tenant_host, config.postgres.tenant_port),
        _target("redis", config.redis.tenant_host, config.redis.tenant_port),
    ]
    for service, url in (
        ("vault", config.vault.addr),
        # aws-irsa with AWS's own endpoint: S3 and STS (the web-identity exchange) on 443.
        ("object-storage", config.s3.app_endpoint or ("https://s3.amazonaws.com" if config.s3.irsa else "")),
        ("control-plane", config.workload.control_plane_url),
    ):
        if url:
            parts = urlsplit(url)
            port = parts.port or (443 if parts.scheme == "https" else 80)
            targets.append(_target(service, parts.hostname, port))
    return targets


def _policy(t: TenantView, name: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": t.metadata(name),
        "spec": spec,
    }


def dns_peer(t: TenantView) -> dict[str, Any]:
    """The NetworkPolicy peer of the cluster DNS pods (namespace and, when configured, labels)."""
    peer: dict[str, Any] = {
        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": t.workload.dns_namespace}}
    }
    if t.workload.dns_pod_labels:
        peer["podSelector"] = {"matchLabels": dict(t.workload.dns_pod_labels)}
    return peer


def network_policies(t: TenantView, targets: list[EgressTarget]) -> list[dict[str, Any]]:
    """Every NetworkPolicy of the tenant namespace, default deny first."""
    platform_rules = []
    for target in targets:
        rule: dict[str, Any] = {"ports": [{"protocol": "TCP", "port": target.port}]}
        if target.cidr:
            rule["to"] = [{"ipBlock": {"cidr": target.cidr}}]
        elif target.service in t.workload.egress_destinations:
            rule["to"] = [dict(peer) for peer in t.workload.egress_destinations[target.service]]
        # else: a DNS-named service outside production mode (config.egress_strict refuses
        # to start without destinations): this port to any address.
        platform_rules.append(rule)
    return [
        _policy(t, DEFAULT_DENY, {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}),
        _policy(
            t,
            ALLOW_INGRESS_CONTROLLER,
            {
                # The web pods only: the worker and the migration Job serve nothing.
                "podSelector": {"matchLabels": selector_labels(WEB_COMPONENT)},
                "policyTypes": ["Ingress"],
                "ingress": [
                    {
                        "from": [
                            {
                                "namespaceSelector": {
                                    "matchLabels": {
                                        "kubernetes.io/metadata.name": t.workload.ingress_namespace
                                    }
                                }
                            }
                        ],
                        "ports": [{"protocol": "TCP", "port": APP_PORT}],
                    }
                ],
            },
        ),
        _policy(
            t,
            ALLOW_DNS,
            {
                "podSelector": {},
                "policyTypes": ["Egress"],
                "egress": [
                    {
                        "to": [dns_peer(t)],
                        "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
                    }
                ],
            },
        ),
        _policy(t, ALLOW_PLATFORM, {"podSelector": {}, "policyTypes": ["Egress"], "egress": platform_rules}),
    ]
