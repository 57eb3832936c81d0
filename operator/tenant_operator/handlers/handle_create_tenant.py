"""A new ConsorcioTenant: provision everything."""

from __future__ import annotations

from typing import Any

import kopf

from consorcio_contract.crd_identity import GROUP, PLURAL, VERSION
from tenant_operator.handlers.instance_filter import is_mine
from tenant_operator.handlers.pass_outcome import apply_outcome
from tenant_operator.handlers.timing import CHANGE_WAIT_SECONDS
from tenant_operator.reconciler import run_pass


@kopf.on.create(GROUP, VERSION, PLURAL, id="provision", when=is_mine)
async def handle_create_tenant(
    name: str,
    spec: Any,
    status: Any,
    meta: Any,
    body: Any,
    patch: Any,
    retry: int,
    memo: Any,
    logger: Any,
    **_: Any,
) -> None:
    """Run the reconcile steps; retried by Kopf (with the step's delay) until Ready."""
    async with memo.runtime.lock(name):
        result = await run_pass(
            memo.runtime,
            name=name,
            spec=spec,
            status_now=status,
            meta=meta,
            trigger="create",
            wait_budget=CHANGE_WAIT_SECONDS,
            logger=logger,
        )
    await apply_outcome(result, runtime=memo.runtime, body=body, patch=patch, retry=retry)
