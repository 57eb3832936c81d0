"""spec.restoreFrom at the API server: its format, only at creation, never changed or removed."""

from __future__ import annotations

import json

import pytest
from kubernetes import client

from consorcio_contract.tenant_resource import validate_spec
from tests.k8s.tenant_operator.test_operator_crd_validation import GVP, api, body, rejected, unique

pytestmark = pytest.mark.k8s
__all__ = ["api"]  # the module fixture, shared

STAMP = "20261207T030000123456Z"


def _refused_update(custom, name: str, patch: dict) -> str:
    with pytest.raises(client.ApiException) as err:
        custom.patch_cluster_custom_object(*GVP, name, patch)
    assert err.value.status == 422
    return json.loads(err.value.body)["message"]


def test_a_restore_is_accepted_at_creation(api):
    custom, created = api
    name = unique("rest")
    obj = custom.create_cluster_custom_object(
        *GVP, body(name, restoreFrom={"tenant": "acme", "backup": STAMP})
    )
    created.append(name)
    assert obj["spec"]["restoreFrom"] == {"tenant": "acme", "backup": STAMP}
    latest = unique("rest")
    custom.create_cluster_custom_object(
        *GVP, body(latest, restoreFrom={"tenant": "acme", "backup": "latest"})
    )
    created.append(latest)


@pytest.mark.parametrize(
    ("restore", "expected"),
    [
        ({"tenant": "Acme_1", "backup": STAMP}, "restoreFrom.tenant must be a tenant slug"),
        ({"tenant": "acme", "backup": "/etc/passwd"}, "restoreFrom.backup must be a backup time stamp"),
        ({"tenant": "acme", "backup": "2026-12-07"}, "restoreFrom.backup must be a backup time stamp"),
        ({"backup": STAMP}, "spec.restoreFrom.tenant: Required value"),
    ],
)
def test_a_malformed_restore_is_refused_with_a_sentence(api, restore, expected):
    obj = body(unique("bad"), restoreFrom=restore)
    message = rejected(api[0], obj)
    assert expected in message, message
    # The contract (control plane, operator) refuses the same specs.
    assert validate_spec(obj["spec"]), restore


def test_an_unknown_key_never_reaches_the_operator(api):
    custom, created = api
    name = unique("prune")
    obj = custom.create_cluster_custom_object(*GVP, body(name, restoreFrom={"tenant": "acme", "path": "/x"}))
    created.append(name)
    assert obj["spec"]["restoreFrom"] == {"tenant": "acme"}  # pruned by the structural schema


def test_a_tenant_cannot_restore_from_itself(api):
    name = unique("self")
    message = rejected(api[0], body(name, restoreFrom={"tenant": name}))
    assert "spec.restoreFrom.tenant must name another tenant" in message
    assert validate_spec(body(name, restoreFrom={"tenant": name})["spec"], name)


def test_restore_from_is_immutable_and_only_given_at_creation(api):
    custom, created = api
    plain, restored = unique("plain"), unique("rest")
    custom.create_cluster_custom_object(*GVP, body(plain))
    created.append(plain)
    custom.create_cluster_custom_object(*GVP, body(restored, restoreFrom={"tenant": "acme", "backup": STAMP}))
    created.append(restored)

    added = _refused_update(custom, plain, {"spec": {"restoreFrom": {"tenant": "acme"}}})
    assert "restoreFrom can only be given when the tenant is created" in added
    changed = _refused_update(custom, restored, {"spec": {"restoreFrom": {"backup": "latest"}}})
    assert "restoreFrom is immutable" in changed
    removed = _refused_update(custom, restored, {"spec": {"restoreFrom": None}})
    assert "restoreFrom can only be given when the tenant is created" in removed
    # The rest of the spec stays editable.
    custom.patch_cluster_custom_object(*GVP, restored, {"spec": {"plan": "enterprise"}})
    assert custom.get_cluster_custom_object(*GVP, restored)["spec"]["plan"] == "enterprise"
