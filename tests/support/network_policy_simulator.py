"""A NetworkPolicy evaluator written against the Kubernetes semantics (networking.k8s.io/v1).

No CNI runs in the devstack (kwok pods have no network), so what the policies
the operator and the charts generate actually allow is evaluated here, the way
the API documents it (https://kubernetes.io/docs/concepts/services-networking/network-policies/):

- A pod is isolated for ingress (egress) when at least one policy in its
  namespace selects it (spec.podSelector) and lists Ingress (Egress) in
  policyTypes. policyTypes defaults to ["Ingress"], plus "Egress" when the
  policy has an egress section.
- Policies are additive: a connection is allowed when the source's egress
  side allows it (not isolated, or any egress rule of any selecting policy
  matches) AND the destination pod's ingress side allows it. A destination
  outside the cluster (an IP) has no ingress side.
- A rule with no ``to``/``from`` matches every peer; with no ``ports``,
  every port. An empty rule list (``ingress: []``) matches nothing.
- A peer is an ipBlock (cidr minus except), a namespaceSelector (pods of the
  matching namespaces), a podSelector (pods of the policy's own namespace),
  or both selectors (matching pods of matching namespaces). An empty
  selector ({}) matches everything; namespaces always carry
  kubernetes.io/metadata.name.
- A port matches by protocol (default TCP) and number, a range (endPort),
  or a name resolved against the destination pod's container ports.

What it cannot tell: whether a CNI enforces policies at all (the Terraform
test checks that the VPC CNI is asked to), how a CNI treats ipBlock for pod
IPs (implementation-defined; here it is applied to any address), and traffic
the CNI always allows (the node's own health checks, host-network pods).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Pod:
    """A pod as the policies see it: namespace, labels, IP and named container ports."""

    name: str
    namespace: str
    labels: Mapping[str, str] = field(default_factory=dict)
    ip: str = ""
    named_ports: Mapping[str, tuple[str, int]] = field(default_factory=dict)  # name -> (protocol, port)


@dataclass(frozen=True)
class External:
    """An address outside the cluster (a managed database, the internet)."""

    name: str
    ip: str


Endpoint = Pod | External


def selector_matches(selector: Mapping[str, Any] | None, labels: Mapping[str, str]) -> bool:
    """metav1.LabelSelector semantics; None or {} matches everything."""
    if not selector:
        return True
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr["key"], expr["operator"], expr.get("values") or []
        present = key in labels
        if op == "In" and not (present and labels[key] in values):
            return False
        if op == "NotIn" and present and labels[key] in values:
            return False
        if op == "Exists" and not present:
            return False
        if op == "DoesNotExist" and present:
            return False
        if op not in ("In", "NotIn", "Exists", "DoesNotExist"):
            raise ValueError(f"unknown selector operator {op}")
    return True


class Cluster:
    """Namespaces (name -> labels), the policies of the cluster, and evaluation."""

    def __init__(
        self, namespaces: Mapping[str, Mapping[str, str]], policies: Iterable[Mapping[str, Any]]
    ) -> None:
        self.namespaces = {
            name: {**labels, "kubernetes.io/metadata.name": name} for name, labels in namespaces.items()
        }
        self.policies = [p for p in policies if p.get("kind") == "NetworkPolicy"]
        for policy in self.policies:
            if policy["metadata"]["namespace"] not in self.namespaces:
                raise ValueError(f"policy {policy['metadata']['name']} is in an unknown namespace")

    # --- which policies apply -------------------------------------------------------

    @staticmethod
    def _types(policy: Mapping[str, Any]) -> list[str]:
        spec = policy["spec"]
        if spec.get("policyTypes"):
            return list(spec["policyTypes"])
        return ["Ingress", "Egress"] if "egress" in spec else ["Ingress"]

    def _selecting(self, pod: Pod, direction: str) -> list[Mapping[str, Any]]:
        return [
            p
            for p in self.policies
            if p["metadata"]["namespace"] == pod.namespace
            and direction in self._types(p)
            and selector_matches(p["spec"].get("podSelector"), pod.labels)
        ]

    # --- peers and ports ------------------------------------------------------------

    def _peer_matches(self, peer: Mapping[str, Any], policy_ns: str, other: Endpoint) -> bool:
        if "ipBlock" in peer:
            if not other.ip:
                return False
            address = ipaddress.ip_address(other.ip)
            block = peer["ipBlock"]
            if address not in ipaddress.ip_network(block["cidr"], strict=False):
                return False
            return not any(
                address in ipaddress.ip_network(e, strict=False) for e in block.get("except") or []
            )
        if not isinstance(other, Pod):
            return False  # selectors select pods only
        ns_selector = peer.get("namespaceSelector")
        pod_selector = peer.get("podSelector")
        if ns_selector is not None:
            if not selector_matches(ns_selector, self.namespaces[other.namespace]):
                return False
        elif other.namespace != policy_ns:
            return False
        return selector_matches(pod_selector, other.labels)

    @staticmethod
    def _port_matches(
        rule_ports: Sequence[Mapping[str, Any]] | None, dest: Endpoint, protocol: str, port: int
    ) -> bool:
        if not rule_ports:
            return True
        for entry in rule_ports:
            if entry.get("protocol", "TCP") != protocol:
                continue
            wanted = entry.get("port")
            if wanted is None:
                return True
            if isinstance(wanted, str) and not wanted.isdigit():
                named = dest.named_ports.get(wanted) if isinstance(dest, Pod) else None
                if named == (protocol, port):
                    return True
                continue
            low = int(wanted)
            high = int(entry.get("endPort") or low)
            if low <= port <= high:
                return True
        return False

    def _rules_allow(
        self,
        policies: list[Mapping[str, Any]],
        key: str,
        peer_key: str,
        other: Endpoint,
        dest: Endpoint,
        proto: str,
        port: int,
    ) -> bool:
        for policy in policies:
            for rule in policy["spec"].get(key) or []:
                peers = rule.get(peer_key)
                if peers and not any(
                    self._peer_matches(p, policy["metadata"]["namespace"], other) for p in peers
                ):
                    continue
                if self._port_matches(rule.get("ports"), dest, proto, port):
                    return True
        return False

    # --- the answer ------------------------------------------------------------------

    def allowed(self, source: Endpoint, dest: Endpoint, port: int, protocol: str = "TCP") -> bool:
        """Whether a new connection from ``source`` to ``dest``:``port`` is allowed."""
        if isinstance(source, Pod):
            egress = self._selecting(source, "Egress")
            if egress and not self._rules_allow(egress, "egress", "to", dest, dest, protocol, port):
                return False
        if isinstance(dest, Pod):
            ingress = self._selecting(dest, "Ingress")
            if ingress and not self._rules_allow(ingress, "ingress", "from", source, dest, protocol, port):
                return False
        return True

    def table(self, rows: Iterable[tuple[Endpoint, Endpoint, int, str]]) -> list[tuple[str, str, str, bool]]:
        """(source, destination, port/protocol, allowed) for each row: the table a test compares."""
        return [
            (src.name, dst.name, f"{port}/{proto}", self.allowed(src, dst, port, proto))
            for src, dst, port, proto in rows
        ]
