"""Events about ConsorcioTenants, posted so that ``kubectl describe`` shows them.

A ConsorcioTenant is cluster-scoped, and the API server itself decides where
Events about a cluster-scoped object may live: a core/v1 Event whose
``involvedObject`` names no namespace must be in ``default`` (events.k8s.io/v1
also allows ``kube-system``); posting one in the operator's namespace is
rejected with 422 "involvedObject.namespace: does not match event.namespace".
Naming a namespace in ``involvedObject`` instead would hide them from
``kubectl describe``, which matches an empty one (Kopf's own poster does
that). So they live in ``default``, like the Events of Nodes and
PersistentVolumes; list them with
``kubectl get events -n default --field-selector involvedObject.kind=ConsorcioTenant``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from tenant_operator import names
from tenant_operator.kube.client import KubeApiError, KubeClient

_log = logging.getLogger(__name__)
EVENT_NAMESPACE = "default"


def event_body(
    obj: Mapping[str, Any],
    *,
    type_: str,
    reason: str,
    message: str,
    instance: str,
    now: datetime | None = None,
) -> dict[str, Any]:
    """A core/v1 Event about ``obj`` (pure)."""
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    meta = obj.get("metadata") or {}
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"generateName": f"{meta.get('name', 'tenant')}.", "namespace": EVENT_NAMESPACE},
        "involvedObject": {
            "apiVersion": obj.get("apiVersion"),
            "kind": obj.get("kind"),
            "name": meta.get("name"),
            "uid": meta.get("uid"),
        },
        "type": type_,
        "reason": reason,
        "message": message[:1024],
        "source": {"component": names.MANAGED_BY},
        "reportingComponent": names.MANAGED_BY,
        "reportingInstance": instance,
        "firstTimestamp": stamp,
        "lastTimestamp": stamp,
        "count": 1,
    }


async def post_event(
    client: KubeClient, obj: Mapping[str, Any], *, type_: str, reason: str, message: str, instance: str
) -> None:
    """Post one Event; a failure is logged, never raised (Events are best effort)."""
    body = event_body(obj, type_=type_, reason=reason, message=message, instance=instance)
    try:
        await client.request("POST", f"/api/v1/namespaces/{EVENT_NAMESPACE}/events", body=body)
    except KubeApiError as err:
        _log.warning("could not post event %s for %s: %s", reason, body["involvedObject"]["name"], err)
