"""Status conditions (metav1.Condition shape): pure helpers.

Each reconcile step owns one condition type; ``Ready`` summarises them.
A condition's ``lastTransitionTime`` only moves when its status changes, so
an unchanged pass produces an identical status (and no write).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

NAMESPACE_READY = "NamespaceReady"
DATABASE_READY = "DatabaseReady"
REDIS_READY = "RedisReady"
STORAGE_READY = "StorageReady"
SECRETS_READY = "SecretsReady"
MIGRATIONS_COMPLETE = "MigrationsComplete"
APP_AVAILABLE = "AppAvailable"
READY = "Ready"
#: True while a watch saw an owned object deleted or changed and its repair
#: pass has not finished; a successful pass sets it False (InSync). Not a
#: step: it never changes Ready, so alert on it separately (README).
DRIFT_DETECTED = "DriftDetected"

# In reconcile order: a step runs only when every earlier one is True.
STEP_CONDITION_TYPES = (
    NAMESPACE_READY,
    SECRETS_READY,
    DATABASE_READY,
    REDIS_READY,
    STORAGE_READY,
    MIGRATIONS_COMPLETE,
    APP_AVAILABLE,
)
CONDITION_TYPES = (*STEP_CONDITION_TYPES, READY, DRIFT_DETECTED)

TRUE = "True"
FALSE = "False"
UNKNOWN = "Unknown"

# Reasons shared by several places.
REASON_PENDING = "Pending"
REASON_SUSPENDED = "Suspended"
REASON_INVALID_SPEC = "InvalidSpec"
REASON_READY = "Ready"
REASON_DELETING = "Deleting"
REASON_IN_SYNC = "InSync"
REASON_OBJECT_DELETED = "ObjectDeleted"
REASON_OBJECT_CHANGED = "ObjectChanged"


@dataclass(frozen=True)
class Condition:
    """One observation, before times and generations are attached."""

    type: str
    status: str
    reason: str
    message: str

    @property
    def is_true(self) -> bool:
        return self.status == TRUE


def find(conditions: Iterable[Mapping[str, Any]], type_: str) -> Mapping[str, Any] | None:
    """The stored condition of ``type_``, if any."""
    return next((c for c in conditions if c.get("type") == type_), None)


def summarize(steps: Mapping[str, Condition], *, invalid: Condition | None = None) -> Condition:
    """The summary ``Ready`` condition.

    True only when every step is True; otherwise the first step that is not
    True explains why (so a suspended tenant reads Suspended, unless an
    earlier step is failing). An invalid spec takes precedence.
    """
    if invalid is not None:
        return Condition(READY, FALSE, invalid.reason, invalid.message)
    for type_ in STEP_CONDITION_TYPES:
        cond = steps.get(type_)
        if cond is None:
            return Condition(READY, FALSE, REASON_PENDING, f"{type_} has not been evaluated yet")
        if not cond.is_true:
            message = cond.message if cond.reason == REASON_SUSPENDED else f"{type_}: {cond.message}"
            return Condition(READY, FALSE, cond.reason, message)
    return Condition(READY, TRUE, REASON_READY, "every component of the tenant is ready")


def merge(
    previous: Sequence[Mapping[str, Any]],
    current: Iterable[Condition],
    *,
    generation: int,
    now: str,
) -> list[dict[str, Any]]:
    """Stored conditions after this pass, in CONDITION_TYPES order.

    ``lastTransitionTime`` is kept from ``previous`` when the status did not
    change; conditions not observed in this pass are kept as they were.
    """
    by_type: dict[str, dict[str, Any]] = {c["type"]: dict(c) for c in previous if "type" in c}
    for cond in current:
        old = by_type.get(cond.type)
        changed = old is None or old.get("status") != cond.status
        by_type[cond.type] = {
            "type": cond.type,
            "status": cond.status,
            "reason": cond.reason,
            "message": cond.message,
            "observedGeneration": generation,
            "lastTransitionTime": now if changed else old["lastTransitionTime"],  # type: ignore[index]
        }
    order = {t: i for i, t in enumerate(CONDITION_TYPES)}
    return sorted(by_type.values(), key=lambda c: (order.get(c["type"], len(order)), c["type"]))


@dataclass(frozen=True)
class Transition:
    """A condition whose status or reason changed in this pass (for an Event)."""

    type: str
    old_status: str | None
    new_status: str
    reason: str
    message: str

    @property
    def is_warning(self) -> bool:
        return self.new_status == FALSE and self.reason not in (REASON_SUSPENDED, REASON_PENDING)


def transitions(
    previous: Sequence[Mapping[str, Any]], current: Sequence[Mapping[str, Any]]
) -> list[Transition]:
    """Conditions whose status or reason differ between two stored lists."""
    out = []
    for cond in current:
        old = find(previous, cond["type"])
        if old is None or old.get("status") != cond["status"] or old.get("reason") != cond["reason"]:
            out.append(
                Transition(
                    cond["type"],
                    None if old is None else old.get("status"),
                    cond["status"],
                    cond["reason"],
                    cond["message"],
                )
            )
    return out
