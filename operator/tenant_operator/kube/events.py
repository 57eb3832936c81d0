"""Events about ConsorcioTenants, posted so that ``kubectl describe`` shows them.

A ConsorcioTenant is cluster-scoped: its Events live in ``default`` but must
name no namespace in ``involvedObject`` (kubectl describe matches on it;
Kopf's own poster fills in ``default`` there, which hides them).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from tenant_operator import names
from tenant_operator.kube.client import KubeApiError, KubeClient

EVENT_NAMESPACE = "default"
_log = logging.getLogger(__name__)


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
