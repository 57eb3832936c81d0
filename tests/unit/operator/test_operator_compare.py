"""Live objects 'contain' their desired state; defaults are ignored, drift is not."""

from __future__ import annotations

import pytest
from tenant_operator.kube.compare import differences, in_sync

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
