"""A changed spec, labels or annotations (plan, suspension, version, rotation request)."""

from __future__ import annotations

from typing import Any

import kopf

from consorcio_contract.crd_identity import GROUP, PLURAL, VERSION
from tenant_operator.handlers.instance_filter import is_mine
from tenant_operator.handlers.pass_outcome import apply_outcome
from tenant_operator.handlers.timing import CHANGE_WAIT_SECONDS
from tenant_operator.reconciler import run_pass


@kopf.on.update(GROUP, VERSION, PLURAL, id="reconcile", when=is_mine)
async def handle_update_tenant(
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
    """Converge on the new spec: resize, suspend or resume, roll a version, rotate credentials."""
    async with memo.runtime.lock(name):
        result = await run_pass(
            memo.runtime,
            name=name,
            spec=spec,
            status_now=status,
            meta=meta,
            trigger="update",
            wait_budget=CHANGE_WAIT_SECONDS,
            logger=logger,
        )
    await apply_outcome(result, runtime=memo.runtime, body=body, patch=patch, retry=retry)
