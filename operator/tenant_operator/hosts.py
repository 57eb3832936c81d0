"""Which ConsorcioTenant owns an Ingress host (pure).

Two tenants must never route the same public host: the Ingress controller
would mix their traffic. Every ConsorcioTenant *claims* one host (spec.host,
else ``<name>.<base domain>``); when several claim the same one, exactly one
owns it and the others report ``HostConflict`` and get no Ingress.

The owner is chosen so that a working tenant is never taken over:

1. a tenant already serving the host (AppAvailable=True with that URL in
   its status) beats one that is not, so a newer tenant, or an older one
   that switches its spec.host, cannot take a live host away;
2. then the oldest (creationTimestamp), then the name, so two tenants
   created at once get the same answer from every pass, on every replica.

Tenants being deleted claim nothing: their host is released as soon as the
deletion starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tenant_operator import conditions as c
from tenant_operator import names

REASON_HOST_CONFLICT = "HostConflict"


@dataclass(frozen=True)
class HostClaim:
    """One ConsorcioTenant's claim on a host."""

    tenant: str
    host: str
    #: RFC 3339 creationTimestamp (sorts chronologically as a string).
    created: str
    #: AppAvailable=True with status.url pointing at this host.
    serving: bool = False


def claim_of(obj: Mapping[str, Any], base_domain: str) -> HostClaim | None:
    """The claim of one ConsorcioTenant as listed by the API server (None while it is deleted)."""
    meta = obj.get("metadata") or {}
    if meta.get("deletionTimestamp"):
        return None
    name = str(meta.get("name") or "")
    if not name:
        return None
    spec_host = (obj.get("spec") or {}).get("host")
    host = names.tenant_host(name, spec_host, base_domain).lower()
    status = obj.get("status") or {}
    available = c.find(status.get("conditions") or [], c.APP_AVAILABLE)
    serving = bool(
        available and available.get("status") == c.TRUE and status.get("url") == names.tenant_url(host)
    )
    return HostClaim(name, host, str(meta.get("creationTimestamp") or ""), serving)


def claims_of(items: Iterable[Mapping[str, Any]], base_domain: str) -> list[HostClaim]:
    """Claims of every listed ConsorcioTenant that is not being deleted."""
    return [claim for obj in items if (claim := claim_of(obj, base_domain)) is not None]


def _precedence(claim: HostClaim) -> tuple[bool, str, str]:
    # False sorts first: serving tenants, then the oldest, then by name.
    return (not claim.serving, claim.created, claim.tenant)


def conflicting_owner(tenant: str, host: str, claims: Iterable[HostClaim]) -> HostClaim | None:
    """The claim that owns ``host`` when it is not ``tenant``'s (None: ``tenant`` may serve it).

    ``tenant`` itself need not be among ``claims`` (a list read a moment
    before it was created): it then wins only if nobody else claims the host.
    """
    host = host.lower()
    rivals = [cl for cl in claims if cl.host == host]
    if not rivals:
        return None
    owner = min(rivals, key=_precedence)
    return None if owner.tenant == tenant else owner


def conflict_message(host: str, owner: HostClaim) -> str:
    """The HostConflict condition message: which tenant holds the host, and how to resolve it."""
    why = "already serves it" if owner.serving else "claimed it first"
    return (
        f"host {host} is claimed by ConsorcioTenant {owner.tenant}, which {why}; "
        f"no Ingress is created for this tenant until it uses another spec.host "
        f"or {owner.tenant} releases the host"
    )


def in_webhook_domain(host: str, webhook_domain: str) -> bool:
    """``host`` is, or is under, the PIX webhook domain (reserved for ``<tenant>.<domain>`` webhook hosts)."""
    if not webhook_domain:
        return False
    host, domain = host.lower().rstrip("."), webhook_domain.lower().rstrip(".")
    return host == domain or host.endswith("." + domain)


def webhook_domain_message(host: str, webhook_domain: str) -> str:
    """The HostConflict message of a spec.host inside the PIX webhook domain."""
    return (
        f"host {host} is inside the PIX webhook domain {webhook_domain}, whose hosts are the tenants' "
        f"mTLS webhook hosts; no Ingress is created for this tenant until it uses another spec.host"
    )
