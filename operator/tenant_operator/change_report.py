"""What a pass changed, classified for the SRE: Created, Updated (intended) or DriftRepaired (pure).

An Event per reason summarises the changes as counts per kind (with the
object names while the message stays short), so a pass that touched forty
objects still says everything in one readable line instead of a message
cut at the API's 1 KiB.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

CREATED = "Created"  # a first creation (new tenant, a new app version's migration Job)
UPDATED = "Updated"  # the desired state changed: spec, rotation, or a new operator release
DRIFT_REPAIRED = "DriftRepaired"  # put back to a desired state that had not changed
RESTORED = "Restored"  # spec.restoreFrom: the database, documents and secrets came from a backup
REASONS = (CREATED, UPDATED, DRIFT_REPAIRED, RESTORED)

#: Why a pass runs, which decides how its writes are classified.
INTENDED = "intended"  # create/update handler, a new generation, a rotation request
RESTART = "restart"  # the resume handler: the operator (often a new release) just started
MAINTENANCE = "maintenance"  # the drift timer and the repair queue

MESSAGE_LIMIT = 1000


@dataclass(frozen=True)
class Change:
    """One object or setting written by a pass."""

    reason: str
    kind: str
    name: str
    detail: str = ""


def pass_intent(*, trigger: str, generation: int, observed_generation: int | None, rotation: bool) -> str:
    """INTENDED, RESTART or MAINTENANCE for a pass (pure)."""
    if trigger in ("create", "update") or rotation or generation != observed_generation:
        return INTENDED
    return RESTART if trigger == "resume" else MAINTENANCE


def reason_for(*, created: bool, intent: str, was_ready: bool) -> str:
    """Created, Updated or DriftRepaired for one write (pure).

    An object missing from a step that was already True was there and went
    away: a repair, unless the spec asked for something new. A correction
    outside an intended change is a repair, except right after the operator
    started, where a new release's templates are the usual cause.
    """
    if created:
        return DRIFT_REPAIRED if was_ready and intent != INTENDED else CREATED
    if intent == MAINTENANCE:
        return DRIFT_REPAIRED
    return UPDATED


def summaries(changes: Iterable[Change]) -> list[tuple[str, str]]:
    """One (reason, message) per reason present, in REASONS order; messages within MESSAGE_LIMIT."""
    by_reason: dict[str, list[Change]] = {}
    for change in changes:
        by_reason.setdefault(change.reason, []).append(change)
    return [(reason, _message(by_reason[reason])) for reason in REASONS if reason in by_reason]


def _message(changes: list[Change]) -> str:
    by_kind: dict[str, list[Change]] = {}
    for change in changes:
        by_kind.setdefault(change.kind, []).append(change)
    total = f"{len(changes)} change{'s' if len(changes) != 1 else ''}"
    detailed = "; ".join(f"{kind} {len(items)} ({_names(items)})" for kind, items in by_kind.items())
    text = f"{total}: {detailed}"
    if len(text) <= MESSAGE_LIMIT:
        return text
    counts = ", ".join(f"{kind} {len(items)}" for kind, items in by_kind.items())
    return f"{total}: {counts}"[:MESSAGE_LIMIT]


def _names(items: list[Change], shown: int = 5) -> str:
    parts = [f"{c.name}: {c.detail}" if c.detail else c.name for c in items[:shown]]
    if len(items) > shown:
        parts.append(f"+{len(items) - shown} more")
    return ", ".join(parts)
