"""Terraform settings that isolation depends on (issue 20): parsed from the .tf files, no providers needed."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import hcl2
import pytest

pytestmark = pytest.mark.unit

TERRAFORM = Path(__file__).resolve().parents[3] / "terraform"


def blocks(folder: Path, kind: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for tf in sorted(folder.glob("*.tf")):
        with tf.open() as handle:
            found.extend(hcl2.load(handle).get(kind, []))
    return found


def one(value: Any) -> Any:
    """python-hcl2 wraps attribute values in one-element lists."""
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def jsonencoded(expression: str) -> Any:
    """The value inside "${jsonencode(...)}" as python-hcl2 prints it (a Python literal)."""
    match = re.fullmatch(r"\$\{jsonencode\((.*)\)\}", expression, re.S)
    assert match, expression
    return json.loads(match.group(1).replace("'", '"'))


def test_vpc_cni_enforces_network_policies():
    """The old module installed the VPC CNI without enableNetworkPolicy: NetworkPolicies were inert on EKS."""
    module = TERRAFORM / "modules" / "kubernetes_cluster"
    addons = [
        body for block in blocks(module, "resource") for name, body in block.get("aws_eks_addon", {}).items()
    ]
    assert len(addons) == 1
    (addon,) = addons
    assert "vpc-cni" in one(addon["for_each"])
    assert re.sub(r"\s", "", one(addon["configuration_values"])).startswith(
        "${lookup(local.addon_configuration,each.key"
    )
    local = one({k: v for block in blocks(module, "locals") for k, v in block.items()}["addon_configuration"])
    config = jsonencoded(one(local["vpc-cni"]))
    assert config["enableNetworkPolicy"] == "true"


def test_operator_release_names_every_tenant_egress_destination():
    """The chart's strict egress mode refuses to start without destinations: Terraform gives them all."""
    module = TERRAFORM / "modules" / "platform_releases"
    local = one({k: v for block in blocks(module, "locals") for k, v in block.items()}["operator_values"])
    egress = one(one(one(local["networkPolicy"])["tenantEgress"]))
    assert one(egress["strict"]) is True
    destinations = one(egress["destinations"])
    # Every shared service the operator's release configures (no object storage in this release).
    assert set(destinations) == {"postgresql", "redis", "vault", "control-plane"}
    for service, peers in destinations.items():
        assert peers, service


def test_vault_listener_and_raft_peers_use_tls():
    """The old module ran Vault's listener with tls_disable = 1 and advertised http:// to every client."""
    module = TERRAFORM / "modules" / "vault"
    text = (module / "main.tf").read_text()
    assert "tls_disable        = 0" in text and "tls_disable     = 1" not in text
    for setting in ("tls_cert_file", "tls_key_file", "tls_client_ca_file", 'tls_min_version    = "tls12"'):
        assert setting in text, setting
    assert "http://" not in text.replace("https://helm.releases.hashicorp.com", "")
    assert text.count("leader_ca_cert_file") == 3
    outputs = {k: one(v) for block in blocks(module, "output") for k, v in block.items()}
    assert one(outputs["address"]["value"]).startswith("https://")
    assert "ca_cert_pem" in outputs
    # The CA reaches the operator through the platform releases.
    releases = (TERRAFORM / "modules" / "platform_releases" / "main.tf").read_text()
    assert "caSecret    = { name = kubernetes_secret_v1.vault_ca.metadata[0].name" in releases
