"""The invoice state machine (pure)."""

from __future__ import annotations

from control_plane.billing.models import InvoiceStatus

S = InvoiceStatus

TRANSITIONS: dict[InvoiceStatus, frozenset[InvoiceStatus]] = {
    S.DRAFT: frozenset({S.OPEN, S.VOID}),
    S.OPEN: frozenset({S.PAID, S.VOID, S.UNCOLLECTIBLE}),
    # Written off, but money can still arrive (or the write-off be voided).
    S.UNCOLLECTIBLE: frozenset({S.PAID, S.VOID}),
    S.PAID: frozenset(),
    S.VOID: frozenset(),
}

PAYABLE = frozenset({S.OPEN, S.UNCOLLECTIBLE})


def can_transition(current: InvoiceStatus, target: InvoiceStatus) -> bool:
    return target in TRANSITIONS[current]
