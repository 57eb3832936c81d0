"""Whether an existing namespace may be adopted, and what in it is foreign (pure).

Adoption by name alone handed a tenant's secrets to whoever had created
``tenant-<name>`` first (with, say, a RoleBinding that reads Secrets). A
namespace is adopted only when it is labelled as managed by this operator
for this tenant; a retained (orphaned) one only when it was retained for the
same CNPJ. Inside an adopted namespace, RoleBindings and NetworkPolicies the
operator did not generate are foreign: reported and pruned.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from tenant_operator import names, orphans

REASON_NAMESPACE_CONFLICT = "NamespaceConflict"
MANAGED_BY_LABEL = "app.kubernetes.io/managed-by"


def namespace_conflict(live: Mapping[str, Any] | None, tenant: str, cnpj: str) -> str | None:
    """Why the live namespace cannot be the tenant's (None: absent, or adoptable).

    ``cnpj``: the tenant's normalized CNPJ, compared with the annotation the
    operator writes on every tenant namespace (names.CNPJ_ANNOTATION).
    """
    if live is None:
        return None
    meta = live.get("metadata") or {}
    labels = meta.get("labels") or {}
    ns = meta.get("name", "")
    if labels.get(MANAGED_BY_LABEL) != names.MANAGED_BY or labels.get(names.TENANT_LABEL) != tenant:
        return (
            f"namespace {ns} exists but is not labelled as managed by the consorcio operator for tenant "
            f"{tenant} ({MANAGED_BY_LABEL}={names.MANAGED_BY}, {names.TENANT_LABEL}={tenant}); nothing was "
            "written into it. Delete or rename it, or label it on purpose if it really is this tenant's"
        )
    if orphans.is_marked(dict(live)):
        retained_for = (meta.get("annotations") or {}).get(names.CNPJ_ANNOTATION)
        if retained_for != cnpj:
            return (
                f"namespace {ns} was retained for another administradora (CNPJ {retained_for or 'unknown'}), "
                f"not {cnpj}: its data is not re-adopted; nothing was written into it"
            )
    return None


def foreign_objects(live: Iterable[Mapping[str, Any]], expected_names: Collection[str]) -> list[str]:
    """Names of live objects (one kind, one namespace) the operator does not generate."""
    return sorted(
        obj["metadata"]["name"]
        for obj in live
        if obj["metadata"]["name"] not in expected_names
        or (obj["metadata"].get("labels") or {}).get(MANAGED_BY_LABEL) != names.MANAGED_BY
    )
