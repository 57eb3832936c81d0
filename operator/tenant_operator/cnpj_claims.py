"""Which ConsorcioTenant holds a CNPJ (pure).

One administradora is one tenant: two ConsorcioTenants with the same CNPJ
(however they were created — control plane API, kubectl, GitOps) would be
billed and provisioned twice. Exactly one holds the CNPJ; the others end
every pass with Ready=False reason ``CnpjConflict`` and get nothing
provisioned (no namespace, database, secrets...).

The holder is chosen so that a working tenant is never displaced:

1. a tenant already provisioned (NamespaceReady=True) beats one that is not;
2. then the oldest (creationTimestamp), then the name, so every pass on
   every replica gives the same answer.

Tenants being deleted hold nothing. The CNPJ is immutable, so the loser is
resolved by deleting it (or the holder).

One exception: a tenant created from another's backup (``spec.restoreFrom``)
shares the CNPJ with that source — the restore requires it — so the two are
never rivals (a recovery drill, or a move to a new slug before the old one is
deleted). Each is still a rival of any third tenant with the CNPJ.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from consorcio_contract.identifiers import format_cnpj, normalize_cnpj
from tenant_operator import conditions as c

REASON_CNPJ_CONFLICT = "CnpjConflict"


@dataclass(frozen=True)
class CnpjClaim:
    """One ConsorcioTenant's claim on a CNPJ (normalized)."""

    tenant: str
    cnpj: str
    #: RFC 3339 creationTimestamp (sorts chronologically as a string).
    created: str
    #: NamespaceReady=True: something was already provisioned for it.
    provisioned: bool = False
    #: ``spec.restoreFrom.tenant``: the tenant whose backup it was created from ("" when none).
    restores_from: str = ""


def claim_of(obj: Mapping[str, Any]) -> CnpjClaim | None:
    """The claim of one listed ConsorcioTenant (None while it is deleted or has no CNPJ)."""
    meta = obj.get("metadata") or {}
    name = str(meta.get("name") or "")
    cnpj = (obj.get("spec") or {}).get("cnpj")
    if meta.get("deletionTimestamp") or not name or not isinstance(cnpj, str) or not cnpj:
        return None
    namespace_ready = c.find((obj.get("status") or {}).get("conditions") or [], c.NAMESPACE_READY)
    provisioned = bool(namespace_ready and namespace_ready.get("status") == c.TRUE)
    restore = (obj.get("spec") or {}).get("restoreFrom")
    source = str(restore.get("tenant") or "") if isinstance(restore, Mapping) else ""
    return CnpjClaim(
        name, normalize_cnpj(cnpj), str(meta.get("creationTimestamp") or ""), provisioned, source
    )


def claims_of(items: Iterable[Mapping[str, Any]]) -> list[CnpjClaim]:
    """Claims of every listed ConsorcioTenant that is not being deleted."""
    return [claim for obj in items if (claim := claim_of(obj)) is not None]


def _precedence(claim: CnpjClaim) -> tuple[bool, str, str]:
    # False sorts first: provisioned tenants, then the oldest, then by name.
    return (not claim.provisioned, claim.created, claim.tenant)


def conflicting_holder(
    tenant: str, cnpj: str, claims: Iterable[CnpjClaim], *, restores_from: str = ""
) -> CnpjClaim | None:
    """The claim that holds ``cnpj`` when it is not ``tenant``'s (None: ``tenant`` may proceed).

    ``restores_from``: the tenant's ``spec.restoreFrom.tenant``; a restore and its source share
    the CNPJ on purpose, so neither displaces the other.
    """
    cnpj = normalize_cnpj(cnpj)
    rivals = [
        cl
        for cl in claims
        if cl.cnpj == cnpj
        and (cl.tenant == tenant or not (cl.tenant == restores_from or cl.restores_from == tenant))
    ]
    if not rivals:
        return None
    holder = min(rivals, key=_precedence)
    return None if holder.tenant == tenant else holder


def conflict_message(cnpj: str, holder: CnpjClaim) -> str:
    """The CnpjConflict message: who holds the CNPJ and how to resolve it."""
    why = "is already provisioned" if holder.provisioned else "was created first"
    return (
        f"CNPJ {format_cnpj(cnpj)} belongs to ConsorcioTenant {holder.tenant}, which {why}; nothing is "
        f"provisioned for this tenant (one administradora, one tenant): delete this resource, or "
        f"{holder.tenant} to hand the CNPJ over"
    )
