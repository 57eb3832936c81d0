"""Turn a reconcile pass into Kopf's terms: a status patch, Events, and retry or not."""

from __future__ import annotations

import os
from typing import Any

import kopf

from tenant_operator.handlers.timing import backoff
from tenant_operator.kube.events import post_event
from tenant_operator.reconciler import PassResult
from tenant_operator.runtime import Runtime

INSTANCE = os.environ.get("HOSTNAME", "local")


async def apply_outcome(
    result: PassResult, *, runtime: Runtime, body: Any, patch: Any, retry: int | None
) -> None:
    """Queue the status patch, post Events, and raise Kopf's retry errors when ``retry`` is given.

    The status goes into Kopf's own patch, so it costs no extra request and
    is written only when a field changed.
    """
    for key, value in result.status_patch.items():
        patch.status[key] = value
    for type_, reason, message in result.events:
        await post_event(runtime.kube, body, type_=type_, reason=reason, message=message, instance=INSTANCE)
    failure = result.failure
    if failure is None or retry is None:
        return
    if failure.permanent:
        raise kopf.PermanentError(f"{failure.reason}: {failure.message}")
    delay = failure.delay if failure.delay is not None else backoff(retry)
    raise kopf.TemporaryError(f"{failure.reason}: {failure.message}", delay=delay)
