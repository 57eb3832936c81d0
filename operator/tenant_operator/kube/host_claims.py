"""Every ConsorcioTenant's host claim, read from the API server and shared by all passes.

The host check needs every tenant in the cluster (of every operator
instance: a host is global to the Ingress controller), which is one LIST of
ConsorcioTenants. A fleet of tenants must not turn that into one LIST per
pass, so the answer is cached for a few seconds and concurrent passes share
one request. A tenant missing from the cached list (created after it was
read) forces a fresh read, so the "oldest claim wins" rule always sees every
older rival.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Protocol

from consorcio_contract import crd_identity
from tenant_operator import cnpj_claims
from tenant_operator.cnpj_claims import CnpjClaim
from tenant_operator.hosts import HostClaim, claims_of

COLLECTION = f"/apis/{crd_identity.GROUP}/{crd_identity.VERSION}/{crd_identity.PLURAL}"


class _Lister(Protocol):
    async def request(self, method: str, path: str) -> dict[str, Any]: ...


class HostClaimIndex:
    """Cached, single-flight list of host claims."""

    def __init__(self, kube: _Lister, base_domain: str, *, max_age: float = 5.0) -> None:
        self._kube = kube
        self._base_domain = base_domain
        self._max_age = max_age
        self._claims: list[HostClaim] = []
        self._cnpj_claims: list[CnpjClaim] = []
        self._tenants: frozenset[str] = frozenset()
        self._read_at = float("-inf")
        self._refresh: asyncio.Task[None] | None = None

    async def claims(self, tenant: str) -> list[HostClaim]:
        """Claims of every tenant not being deleted, fresh enough and including ``tenant``'s."""
        await self._fresh_for(tenant)
        return self._claims

    async def cnpj_claims(self, tenant: str) -> list[CnpjClaim]:
        """CNPJ claims from the same listing (see tenant_operator.cnpj_claims)."""
        await self._fresh_for(tenant)
        return self._cnpj_claims

    async def _fresh_for(self, tenant: str) -> None:
        if tenant in self._tenants and time.monotonic() - self._read_at < self._max_age:
            return
        await self._read()
        if tenant not in self._tenants:
            await self._read()  # the read we joined was already in flight before the tenant existed

    async def _read(self) -> None:
        if self._refresh is None or self._refresh.done():
            self._refresh = asyncio.create_task(self._list())
        # shield: one caller's cancellation must not cancel the others' read.
        await asyncio.shield(self._refresh)

    async def _list(self) -> None:
        started = time.monotonic()
        listing = await self._kube.request("GET", COLLECTION)
        items = listing.get("items") or []
        self._claims = claims_of(items, self._base_domain)
        self._cnpj_claims = cnpj_claims.claims_of(items)
        self._tenants = frozenset(str((obj.get("metadata") or {}).get("name")) for obj in items)
        self._read_at = started
