"""Which namespace the operator may adopt, and what in it is foreign (issue 20, item 2; pure)."""

from __future__ import annotations

from typing import Any

import pytest
from tenant_operator import names, orphans
from tenant_operator.adoption import foreign_objects, namespace_conflict
from tenant_operator.specs.namespace import namespace
from tenant_operator.specs.tenant import TenantView

from consorcio_contract.tenant_resource import TenantSpec
from tests.support.operator_harness import example_config

pytestmark = pytest.mark.unit

CNPJ = "11222333000181"


def view() -> TenantView:
    spec = TenantSpec.from_dict({"displayName": "ACME", "cnpj": "11.222.333/0001-81", "plan": "starter"})
    return TenantView("acme", spec, example_config().workload)


def live_namespace(labels: dict[str, str] | None, annotations: dict[str, str] | None = None) -> dict:
    return {"metadata": {"name": "tenant-acme", "labels": labels or {}, "annotations": annotations or {}}}


def test_namespace_adopted_by_name_alone_is_a_namespace_conflict():
    """The old operator adopted any existing tenant-<name> namespace (with whatever RoleBinding in it)."""
    message = namespace_conflict(live_namespace(None), "acme", CNPJ)
    assert message and "not labelled as managed by the consorcio operator" in message
    assert namespace_conflict(live_namespace({"app.kubernetes.io/managed-by": "helm"}), "acme", CNPJ)


def test_a_namespace_managed_for_another_tenant_is_a_conflict():
    labels = {**names.tenant_labels("other"), names.TENANT_LABEL: "other"}
    assert namespace_conflict(live_namespace(labels), "acme", CNPJ)


def test_absent_or_own_namespace_is_no_conflict():
    assert namespace_conflict(None, "acme", CNPJ) is None
    own = namespace(view())
    assert namespace_conflict(own, "acme", CNPJ) is None
    assert own["metadata"]["annotations"][names.CNPJ_ANNOTATION] == CNPJ


def test_retained_data_is_re_adopted_only_when_the_cnpj_matches():
    retained = namespace(view())
    retained["metadata"]["labels"].update(orphans.mark_patch(when="t", reason="r")["metadata"]["labels"])
    assert namespace_conflict(retained, "acme", CNPJ) is None
    message = namespace_conflict(retained, "acme", "99888777000161")
    assert message and "retained for another administradora (CNPJ 11222333000181)" in message
    # Retained before the CNPJ was recorded: not re-adopted (the safe side).
    del retained["metadata"]["annotations"][names.CNPJ_ANNOTATION]
    unknown = namespace_conflict(retained, "acme", CNPJ)
    assert unknown and "CNPJ unknown" in unknown


def test_foreign_objects_are_those_not_generated_or_not_labelled():
    managed = {"app.kubernetes.io/managed-by": names.MANAGED_BY}
    live: list[dict[str, Any]] = [
        {"metadata": {"name": "default-deny", "labels": managed}},
        {"metadata": {"name": "allow-all", "labels": managed}},  # labelled, but not one the operator writes
        {"metadata": {"name": "allow-ingress"}},  # the right name without the operator's label
        {"metadata": {"name": "snoop", "labels": {}}},
    ]
    assert foreign_objects(live, {"default-deny", "allow-ingress"}) == ["allow-all", "allow-ingress", "snoop"]
