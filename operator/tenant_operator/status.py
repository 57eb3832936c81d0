"""Compose ``.status`` from one reconcile pass, and write only what changed (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tenant_operator import conditions as c
from tenant_operator.conditions import Condition

# The .status fields the operator owns (see crd.status_schema()).
STATUS_FIELDS = (
    "observedGeneration",
    "conditions",
    "namespace",
    "url",
    "appVersion",
    "schemaRevision",
    "credentialsRotation",
    "plan",
    "suspended",
    "restoredFrom",
)


def compose(
    previous: Mapping[str, Any],
    observed: Iterable[Condition],
    *,
    summary: Condition,
    generation: int,
    now: str,
    fields: Mapping[str, Any],
) -> dict[str, Any]:
    """The new status: previous values, updated by this pass's conditions and fields."""
    new = {k: previous[k] for k in STATUS_FIELDS if k in previous}
    new.update({k: v for k, v in fields.items() if k in STATUS_FIELDS and v is not None})
    new["observedGeneration"] = generation
    new["conditions"] = c.merge(
        previous.get("conditions") or [], [*observed, summary], generation=generation, now=now
    )
    return new


def changed_fields(previous: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """The subset of ``new`` that differs from ``previous`` (empty: write nothing)."""
    return {k: v for k, v in new.items() if previous.get(k) != v}
