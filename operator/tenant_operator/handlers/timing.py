"""How long handlers wait in place, and how often the timer resyncs (from the environment)."""

from __future__ import annotations

import os

#: A change handler waits this long for a migration Job or rollout before
#: handing back to Kopf for a retry (so most tenants are Ready in one pass).
#: Long enough for a busy cluster: every retry repeats the earlier steps'
#: reads, while waiting costs one watch (and no active-pass slot).
CHANGE_WAIT_SECONDS = float(os.environ.get("OPERATOR_CHANGE_WAIT_SECONDS", "120"))
#: The drift timer waits less: it runs for every tenant, every interval.
TIMER_WAIT_SECONDS = float(os.environ.get("OPERATOR_TIMER_WAIT_SECONDS", "5"))
#: A repair pass (a watch saw drift) waits this long for a rollout in place,
#: then the repair queue retries it: long enough for a recreated Deployment.
REPAIR_WAIT_SECONDS = float(os.environ.get("OPERATOR_REPAIR_WAIT_SECONDS", "30"))
#: Seconds between drift checks of each tenant.
RESYNC_INTERVAL_SECONDS = float(os.environ.get("OPERATOR_RESYNC_INTERVAL", "60"))
#: Seconds between checks of whether a tenant's scheduled backup is due (the backup itself
#: follows the plan's interval; a check is one status read, no I/O).
BACKUP_CHECK_SECONDS = float(os.environ.get("OPERATOR_BACKUP_CHECK_SECONDS", "300"))


def backoff(retry: int) -> float:
    """Retry delay for failures that did not name one: 2, 3, 4.5 ... capped at 60 seconds."""
    return min(60.0, 2.0 * 1.5 ** max(retry, 0))
