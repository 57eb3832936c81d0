"""Drift in seconds for Secrets, watched inside each tenant namespace only.

The other owned kinds are watched cluster-wide (handlers/watch_owned_objects.py);
Secrets cannot be: listing Secrets cluster-wide is reading every Secret of the
cluster, kube-system's included, and the operator may read Secrets only in
tenant namespaces (its RoleBinding there, issue 20). So each tenant gets a
daemon watching the operator's Secrets in its own namespace, feeding the same
drift check.
"""

from __future__ import annotations

import asyncio
from typing import Any

import kopf

from consorcio_contract.crd_identity import GROUP, PLURAL, VERSION
from tenant_operator import names
from tenant_operator.drift.watched_kinds import NAMESPACE_WATCHED_KINDS
from tenant_operator.handlers.instance_filter import is_mine
from tenant_operator.handlers.watch_owned_objects import MANAGED_BY_LABEL, handle_owned_object_event
from tenant_operator.kube.client import KubeApiError

#: Before the namespace or the operator's RoleBinding exists (403/404), and after errors.
RETRY_SECONDS = 5.0
#: The daemon starts with the tenant, before its namespace and the RoleBinding that lets the
#: operator read Secrets there exist (404/403 until the first pass made them): retry at once,
#: or a Secret deleted seconds after Ready goes unseen until the timer (the watch that starts
#: late lists the Secrets as they are, without the deletion).
NOT_YET_SECONDS = 0.5


@kopf.daemon(GROUP, VERSION, PLURAL, id="secret-watch", when=is_mine, cancellation_timeout=2.0)
async def watch_tenant_secrets(name: str, memo: Any, logger: Any, **_: Any) -> None:
    """Every change of the operator's Secrets in ``tenant-<name>`` goes to the drift check."""
    namespace = names.namespace(name)
    params = {"labelSelector": f"{MANAGED_BY_LABEL}={names.MANAGED_BY}"}
    (kind,) = NAMESPACE_WATCHED_KINDS
    version: str | None = None
    while True:
        try:
            if version is None:
                await _report_missing(memo, name, namespace, kind, params)
            async for event_type, obj in memo.runtime.kube.watch_events(
                kind.collection(namespace), params, resource_version=version
            ):
                version = (obj.get("metadata") or {}).get("resourceVersion") or version
                obj.setdefault("kind", kind.kind)
                await handle_owned_object_event(type=event_type, body=obj, memo=memo)
            continue  # the watch timed out: go on from the last version seen
        except KubeApiError as err:
            version = None  # 410 Gone and the rest: start again from the current version
            if err.status not in (403, 404, 410, 0):
                logger.warning(f"watching {kind.plural} in {namespace}: {err}")
            delay = NOT_YET_SECONDS if err.status in (403, 404) else RETRY_SECONDS
        await asyncio.sleep(delay)


async def _report_missing(memo: Any, tenant: str, namespace: str, kind: Any, params: dict[str, str]) -> None:
    """A watch that starts (or starts again) from the current version hears nothing of a Secret
    deleted before it: compare the listing with what the last pass set, as a DELETED event would."""
    listed = await memo.runtime.kube.request("GET", kind.collection(namespace), params=params)
    present = {(item.get("metadata") or {}).get("name") for item in listed.get("items") or []}
    for _, _, secret in memo.runtime.expectations.keys_in(kind.kind, namespace):
        if secret not in present:
            body = {
                "kind": kind.kind,
                "metadata": {"name": secret, "namespace": namespace, "labels": {names.TENANT_LABEL: tenant}},
            }
            await handle_owned_object_event(type="DELETED", body=body, memo=memo)
