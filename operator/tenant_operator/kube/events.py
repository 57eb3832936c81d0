"""Events about ConsorcioTenants, posted so that ``kubectl describe`` shows them.

A ConsorcioTenant is cluster-scoped, so its Events may live in any
namespace: kubectl describe of a cluster-scoped object searches every
namespace, matching ``involvedObject`` (which must name no namespace; Kopf's
own poster fills in ``default`` there, which hides them). They go to the
operator's own namespace (``OPERATOR_NAMESPACE``, set by the chart from the
pod's namespace; else the in-cluster ServiceAccount's; else ``default``):
beside the operator that wrote them, readable by whoever runs it, kept when
a tenant namespace is deleted, and not mixed into ``default``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tenant_operator import names
from tenant_operator.kube.client import KubeApiError, KubeClient

_log = logging.getLogger(__name__)
_IN_CLUSTER_NAMESPACE = Path("/var/run/secrets/kubernetes.io/serviceaccount/namespace")


def event_namespace(env: Mapping[str, str] | None = None, in_cluster: Path = _IN_CLUSTER_NAMESPACE) -> str:
    """Where Events about ConsorcioTenants are posted (see the module docstring)."""
    configured = (os.environ if env is None else env).get("OPERATOR_NAMESPACE", "").strip()
    if configured:
        return configured
    try:
        return in_cluster.read_text().strip() or "default"
    except OSError:
        return "default"


EVENT_NAMESPACE = event_namespace()


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
