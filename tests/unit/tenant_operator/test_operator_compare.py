"""Live objects 'contain' their desired state (defaults are ignored, drift is not);
security objects must equal it."""

from __future__ import annotations

import pytest
from tenant_operator.kube.compare import differences, drift, exact_patch, in_sync

pytestmark = pytest.mark.unit


def test_server_defaults_and_extra_fields_are_not_drift():
    desired = {"spec": {"ports": [{"port": 80, "targetPort": "http"}]}}
    live = {
        "spec": {"ports": [{"port": 80, "targetPort": "http", "protocol": "TCP"}], "clusterIP": "10.0.0.5"}
    }
    assert differences(desired, live) == []


def test_changed_values_missing_keys_and_list_lengths_are_drift():
    desired = {"spec": {"replicas": 2, "template": {"containers": [{"name": "app", "image": "a:1"}]}}}
    assert differences(
        desired, {"spec": {"replicas": 3, "template": {"containers": [{"name": "app", "image": "a:1"}]}}}
    ) == ["spec.replicas"]
    two = [{"name": "app", "image": "a:1"}, {"name": "sidecar"}]
    assert differences(desired, {"spec": {"replicas": 2, "template": {"containers": two}}}) == [
        "spec.template.containers"
    ]
    assert differences(
        desired, {"spec": {"template": {"containers": [{"name": "app", "image": "a:2"}]}}}
    ) == [
        "spec.replicas",
        "spec.template.containers[0].image",
    ]


def test_empty_desired_maps_match_absent_keys():
    assert (
        differences(
            {"metadata": {"annotations": {}}, "data": {"a": "b"}}, {"metadata": {}, "data": {"a": "b"}}
        )
        == []
    )


def test_in_sync_treats_missing_objects_as_out_of_sync_and_ignores_status():
    assert not in_sync({"a": 1}, None)
    assert in_sync({"a": 1, "status": {"x": 1}}, {"a": 1})


# --- security objects: the live fields must EQUAL the desired ones ------------------------------

DENY = {
    "apiVersion": "networking.k8s.io/v1",
    "kind": "NetworkPolicy",
    "metadata": {"name": "default-deny", "namespace": "tenant-a"},
    "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]},
}


def live_copy(obj, **spec):
    live = {**obj, "metadata": {**obj["metadata"], "uid": "u", "resourceVersion": "7", "generation": 1}}
    live["spec"] = {**obj["spec"], **spec}
    return live


def test_a_default_deny_loosened_with_allow_all_rules_is_drift():
    loosened = live_copy(DENY, ingress=[{}], egress=[{}])
    assert differences(DENY, loosened) == []  # "contains" alone misses it (the old bug)
    assert drift(DENY, loosened) == ["spec.ingress", "spec.egress"]
    assert not in_sync(DENY, loosened)
    assert exact_patch(DENY, loosened) == {
        "spec": {"ingress": None, "egress": None, "podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    }


def test_an_extra_peer_or_key_inside_a_rule_is_drift_and_the_whole_list_is_replaced():
    desired = {
        **DENY,
        "spec": {"podSelector": {}, "policyTypes": ["Egress"], "egress": [{"ports": [{"port": 53}]}]},
    }
    widened = live_copy(
        desired, egress=[{"ports": [{"port": 53}], "to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}]}]
    )
    assert drift(desired, widened) == ["spec.egress[0].to"]
    assert exact_patch(desired, widened)["spec"]["egress"] == [{"ports": [{"port": 53}]}]
    narrowed_selector = live_copy(desired, podSelector={"matchLabels": {"app": "x"}})
    assert drift(desired, narrowed_selector) == ["spec.podSelector.matchLabels"]
    assert exact_patch(desired, narrowed_selector)["spec"]["podSelector"] == {"matchLabels": None}


def test_empty_extras_and_metadata_added_by_the_server_are_not_drift():
    live = live_copy(DENY, ingress=[])
    live["metadata"]["annotations"] = {"kubectl.kubernetes.io/last-applied-configuration": "{}"}
    live["metadata"]["managedFields"] = [{"manager": "kubectl"}]
    assert drift(DENY, live) == [] and exact_patch(DENY, live) is None


def test_service_account_token_settings_and_secret_keys_are_exact():
    sa = {"kind": "ServiceAccount", "metadata": {"name": "tenant-app"}, "automountServiceAccountToken": False}
    assert drift(sa, {**sa, "automountServiceAccountToken": True}) == ["automountServiceAccountToken"]
    assert drift(sa, {k: v for k, v in sa.items() if k != "automountServiceAccountToken"}) == [
        "automountServiceAccountToken"
    ]
    with_secret = {**sa, "secrets": [{"name": "legacy-token"}]}
    assert drift(sa, with_secret) == ["secrets"]
    assert exact_patch(sa, with_secret) == {"secrets": None}
    secret = {"kind": "Secret", "metadata": {"name": "env"}, "type": "Opaque", "data": {"A": "YQ=="}}
    injected = {**secret, "data": {"A": "YQ==", "PYTHONSTARTUP": "L3RtcC94"}}
    assert drift(secret, injected) == ["data.PYTHONSTARTUP"]
    assert exact_patch(secret, injected) == {"data": {"PYTHONSTARTUP": None, "A": "YQ=="}}


def test_other_kinds_keep_contains_semantics_for_server_defaults():
    svc = {"kind": "Service", "metadata": {"name": "s"}, "spec": {"ports": [{"port": 80}]}}
    live = {**svc, "spec": {"ports": [{"port": 80, "protocol": "TCP"}], "clusterIP": "10.0.0.9"}}
    assert drift(svc, live) == [] and exact_patch(svc, live) is None
