"""Turn a reconcile pass into Kopf's terms: a status patch, Events, and retry or not."""

from __future__ import annotations

from typing import Any

import kopf

from tenant_operator.handlers.timing import backoff
from tenant_operator.reconciler import PassResult


def apply_outcome(result: PassResult, *, body: Any, patch: Any, retry: int | None) -> None:
    """Queue the status patch and Events; raise Kopf's retry errors when ``retry`` is given.

    The status goes into Kopf's own patch, so it costs no extra request and
    is written only when a field changed.
    """
    for key, value in result.status_patch.items():
        patch.status[key] = value
    for type_, reason, message in result.events:
        kopf.event(body, type=type_, reason=reason, message=message)
    failure = result.failure
    if failure is None or retry is None:
        return
    if failure.permanent:
        raise kopf.PermanentError(f"{failure.reason}: {failure.message}")
    delay = failure.delay if failure.delay is not None else backoff(retry)
    raise kopf.TemporaryError(f"{failure.reason}: {failure.message}", delay=delay)
