"""The fleet view: the latest body and state of every ConsorcioTenant of this operator.

Feeds the ``consorcio_operator_tenants{state}`` gauge and tells the drift
watch which namespaces belong to this operator's tenants (the ConsorcioTenant
watch is already restricted to this instance's tenants by label selector).
"""

from __future__ import annotations

from typing import Any

import kopf

from consorcio_contract.crd_identity import GROUP, PLURAL, VERSION
from tenant_operator.handlers.instance_filter import is_mine


@kopf.on.event(GROUP, VERSION, PLURAL, id="fleet", when=is_mine)
async def handle_tenant_event(type: str | None, body: Any, name: str, memo: Any, **_: Any) -> None:
    """Record the tenant's latest body (or forget it once deleted)."""
    if type == "DELETED":
        memo.runtime.fleet.remove(name)
    else:
        memo.runtime.fleet.update(dict(body))
