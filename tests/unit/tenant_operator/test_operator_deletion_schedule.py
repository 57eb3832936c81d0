"""When a deleted tenant's data may be destroyed: the grace period (pure)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from tenant_operator.deletion import destruction, grace_days

pytestmark = pytest.mark.unit

META = {"deletionTimestamp": "2026-12-06T10:00:00Z"}


def test_retain_is_never_destroyed():
    assert destruction(META, {"deletionPolicy": "Retain", "deletionGracePeriodDays": 0}) is None
    assert destruction(META, {}) is None  # the default policy is Retain


@pytest.mark.parametrize("policy", ["Delete", "Snapshot"])
def test_destroy_at_is_the_request_plus_the_grace_days(policy):
    plan = destruction(META, {"deletionPolicy": policy, "deletionGracePeriodDays": 7})
    assert plan is not None
    assert plan.requested_at == datetime(2026, 12, 6, 10, tzinfo=UTC)
    assert plan.destroy_at == datetime(2026, 12, 13, 10, tzinfo=UTC)
    assert plan.status("PendingDeletion") == {
        "phase": "PendingDeletion",
        "policy": policy,
        "requestedAt": "2026-12-06T10:00:00Z",
        "scheduledAt": "2026-12-13T10:00:00Z",
    }


def test_zero_days_destroys_at_the_request():
    plan = destruction(META, {"deletionPolicy": "Delete", "deletionGracePeriodDays": 0})
    assert plan is not None and plan.destroy_at == plan.requested_at


@pytest.mark.parametrize("value", [None, -3, "0", True, 1.5])
def test_an_unreadable_grace_period_counts_as_the_default_seven_days(value):
    assert grace_days({"deletionGracePeriodDays": value}) == 7


def test_the_days_long_pending_deletion_retry_is_not_logged_as_an_error():
    import logging

    from tenant_operator.handlers.on_startup import _QuietWatches

    def record(message: str) -> logging.LogRecord:
        return logging.LogRecord("kopf.objects", logging.ERROR, __file__, 1, message, None, None)

    quiet = _QuietWatches()
    pending = "Handler 'cleanup' failed temporarily: PendingDeletion until 2026-12-13T10:00:00Z"
    assert not quiet.filter(record(pending))
    assert quiet.filter(record("Handler 'cleanup' failed temporarily: VaultError: sealed"))
