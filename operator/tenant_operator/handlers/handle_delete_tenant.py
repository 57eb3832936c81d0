"""Deletion behind the finalizer, honouring spec.deletionPolicy."""

from __future__ import annotations

from typing import Any

import kopf

from consorcio_contract.crd_identity import GROUP, PLURAL, VERSION
from tenant_operator.deletion import delete_tenant
from tenant_operator.handlers.instance_filter import is_mine
from tenant_operator.handlers.pass_outcome import INSTANCE
from tenant_operator.handlers.timing import backoff
from tenant_operator.kube.events import post_event


@kopf.on.delete(GROUP, VERSION, PLURAL, id="cleanup", when=is_mine)
async def handle_delete_tenant(
    name: str, spec: Any, body: Any, retry: int, memo: Any, logger: Any, **_: Any
) -> None:
    """Retain, Snapshot or Delete; the finalizer stays until this succeeds, so nothing is half-dropped."""
    runtime = memo.runtime
    try:
        async with runtime.lock(name):
            policy, summary = await delete_tenant(runtime, name=name, spec=spec, logger=logger)
    except Exception as err:  # every failure keeps the finalizer and is retried
        message = f"{type(err).__name__}: {err}"
        await post_event(
            runtime.kube, body, type_="Warning", reason="DeletionFailed", message=message, instance=INSTANCE
        )
        raise kopf.TemporaryError(message, delay=backoff(retry)) from err
    runtime.forget(name)
    await post_event(
        runtime.kube, body, type_="Normal", reason=f"Deleted{policy}", message=summary, instance=INSTANCE
    )
