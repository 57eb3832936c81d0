"""Breaking a tenant on purpose, the way an SRE or an attacker would, and knowing when it is repaired.

Shared by tests/e2e/test_operator_repair_e2e.py (assertions) and
benchmarks/operator_repair.py (timings), so both measure the same thing:
each scenario breaks one object of a Ready tenant through the admin's API
client and returns a check that is true once the operator has put that
object back *exactly* (a new object with the old contents, or the old spec
with every added rule gone).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from kubernetes import client
from tenant_operator import names
from tenant_operator.specs.network_policies import DEFAULT_DENY

from tests.support.operator_harness import wait_until

Restored = Callable[[], bool]
Scenario = Callable[[Any, str], Restored]

MERGE_PATCH = "application/merge-patch+json"


def _read(read: Callable[[], Any]) -> Any:
    try:
        return read()
    except client.ApiException as err:
        if err.status == 404:
            return None
        raise


def deleted_deployment(api_client: Any, namespace: str) -> Restored:
    """``kubectl delete deployment tenant-app``: back with the same pod template."""
    apps = client.AppsV1Api(api_client)
    before = apps.read_namespaced_deployment(names.APP_DEPLOYMENT, namespace)
    apps.delete_namespaced_deployment(names.APP_DEPLOYMENT, namespace)

    def restored() -> bool:
        now = _read(lambda: apps.read_namespaced_deployment(names.APP_DEPLOYMENT, namespace))
        return (
            now is not None
            and now.metadata.uid != before.metadata.uid
            and now.metadata.deletion_timestamp is None
            and now.spec.template.spec == before.spec.template.spec
        )

    return restored


def deleted_secret(api_client: Any, namespace: str) -> Restored:
    """``kubectl delete secret tenant-app-env``: back with the same credentials (no rotation)."""
    core = client.CoreV1Api(api_client)
    before = core.read_namespaced_secret(names.APP_SECRET, namespace)
    core.delete_namespaced_secret(names.APP_SECRET, namespace)

    def restored() -> bool:
        now = _read(lambda: core.read_namespaced_secret(names.APP_SECRET, namespace))
        return now is not None and now.metadata.uid != before.metadata.uid and now.data == before.data

    return restored


def loosened_network_policy(api_client: Any, namespace: str) -> Restored:
    """The issue's ``kubectl patch netpol default-deny --type=merge
    -p '{"spec":{"ingress":[{}],"egress":[{}]}}'``: allow-all in both directions;
    repaired when the spec is the original one again."""
    net = client.NetworkingV1Api(api_client)
    before = net.read_namespaced_network_policy(DEFAULT_DENY, namespace)
    net.patch_namespaced_network_policy(
        DEFAULT_DENY,
        namespace,
        {"spec": {"ingress": [{}], "egress": [{}]}},
        _content_type=MERGE_PATCH,
    )

    def restored() -> bool:
        now = net.read_namespaced_network_policy(DEFAULT_DENY, namespace)
        return bool(now.spec == before.spec)

    return restored


SCENARIOS: dict[str, Scenario] = {
    "deleted Deployment": deleted_deployment,
    "deleted Secret": deleted_secret,
    "loosened NetworkPolicy": loosened_network_policy,
}


def repair_seconds(scenario: Scenario, api_client: Any, namespace: str, *, timeout: float = 60) -> float:
    """Break the object, poll every 50 ms until it is restored; seconds from the break to the repair."""
    started = time.monotonic()
    restored = scenario(api_client, namespace)
    wait_until(restored, timeout=timeout, what=f"{scenario.__name__} repaired in {namespace}", interval=0.05)
    return time.monotonic() - started
