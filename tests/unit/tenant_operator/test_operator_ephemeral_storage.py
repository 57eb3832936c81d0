"""Node disk is bounded per tenant (issue 20, smaller points): no ephemeral-storage quota and an
unbounded ``/tmp`` emptyDir let one tenant fill a node's disk and get other tenants' pods evicted.

Now the ResourceQuota caps ``requests/limits.ephemeral-storage`` for the whole namespace, the
LimitRange gives every container a default and a maximum, the operator's containers declare
theirs, and ``/tmp`` has a ``sizeLimit`` (the kubelet evicts the pod that exceeds it).
"""

from __future__ import annotations

import pytest
from tenant_operator.kube.compare import in_sync
from tenant_operator.specs import pod
from tenant_operator.specs.migration_job import migration_job
from tenant_operator.specs.namespace import limit_range, resource_quota
from tenant_operator.specs.tenant import TenantView
from tenant_operator.specs.workload import app_deployment, worker_deployment

from consorcio_contract.plans import CATALOG, PlanName
from consorcio_contract.tenant_resource import TenantSpec
from tests.support.operator_harness import example_config

pytestmark = pytest.mark.unit

CONFIG = example_config()


def _mi(quantity: str) -> int:
    number, unit = quantity[:-2], quantity[-2:]
    return int(number) * {"Mi": 1, "Gi": 1024}[unit]


def view(plan: str = "starter") -> TenantView:
    spec = TenantSpec.from_dict({"displayName": "ACME", "cnpj": "11.222.333/0001-81", "plan": plan})
    return TenantView("acme", spec, CONFIG.workload)


def _pod_specs(t: TenantView) -> dict[str, dict]:
    built = {
        name: build(t, version="1.0.0", schema_revision="r1", secret_hash="h", replicas=1)
        for name, build in (("app", app_deployment), ("worker", worker_deployment))
    }
    built["migration"] = migration_job(t, version="1.0.0", schema_revision="r1")
    return {name: obj["spec"]["template"]["spec"] for name, obj in built.items()}


@pytest.mark.parametrize("plan", list(PlanName))
def test_the_quota_caps_ephemeral_storage_for_every_pod_the_plan_allows(plan: PlanName) -> None:
    sizing = CATALOG[plan].sizing
    hard = resource_quota(view(plan.value))["spec"]["hard"]
    assert _mi(hard["limits.ephemeral-storage"]) == sizing.quota_pods * pod.EPHEMERAL_STORAGE_LIMIT_MI
    assert _mi(hard["requests.ephemeral-storage"]) <= _mi(hard["limits.ephemeral-storage"])
    # Enough for the plan's pods at their limit: a full rollout is never refused for disk.
    assert _mi(hard["requests.ephemeral-storage"]) >= sizing.quota_pods * pod.EPHEMERAL_STORAGE_REQUEST_MI


@pytest.mark.parametrize("plan", list(PlanName))
def test_the_limit_range_gives_every_container_an_ephemeral_storage_default_and_maximum(
    plan: PlanName,
) -> None:
    (limits,) = limit_range(view(plan.value))["spec"]["limits"]
    # A quota on limits.ephemeral-storage refuses pods without one: the default supplies it.
    assert limits["default"]["ephemeral-storage"] == pod.EPHEMERAL_STORAGE_LIMIT
    assert limits["defaultRequest"]["ephemeral-storage"] == pod.EPHEMERAL_STORAGE_REQUEST
    assert limits["max"]["ephemeral-storage"] == pod.EPHEMERAL_STORAGE_LIMIT


@pytest.mark.parametrize("kind", ["app", "worker", "migration"])
def test_tmp_is_size_limited_and_containers_declare_their_disk(kind: str) -> None:
    spec = _pod_specs(view())[kind]
    tmp = next(v for v in spec["volumes"] if v["name"] == "tmp")
    assert tmp == {"name": "tmp", "emptyDir": {"sizeLimit": pod.TMP_SIZE_LIMIT}}
    for c in spec["containers"]:
        resources = c["resources"]
        assert resources["limits"]["ephemeral-storage"] == pod.EPHEMERAL_STORAGE_LIMIT
        assert resources["requests"]["ephemeral-storage"] == pod.EPHEMERAL_STORAGE_REQUEST
        # /tmp fits inside the container's own limit, so the sizeLimit is what evicts first.
        assert _mi(pod.TMP_SIZE_LIMIT) < _mi(resources["limits"]["ephemeral-storage"])


def test_a_live_deployment_without_the_limits_is_drift() -> None:
    """Tenants created before this change get the bounds on the next pass."""
    desired = app_deployment(view(), version="1.0.0", schema_revision="r1", secret_hash="h", replicas=1)
    live_spec = {**desired["spec"]["template"]["spec"]}
    live_spec["volumes"] = [{"name": "tmp", "emptyDir": {}}, *live_spec["volumes"][1:]]
    live = {
        **desired,
        "spec": {**desired["spec"], "template": {**desired["spec"]["template"], "spec": live_spec}},
    }
    assert in_sync(desired, desired)
    assert not in_sync(desired, live)
