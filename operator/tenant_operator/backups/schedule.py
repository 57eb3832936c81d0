"""When a tenant's next backup is due and which backups its retention keeps (pure).

The plan sets the interval (the RPO) and how many backups are kept
(``consorcio_contract.plans.BackupPolicy``); ``OPERATOR_BACKUP_INTERVAL_SECONDS`` and
``OPERATOR_BACKUP_RETENTION`` override both for every plan (devstack and tests, where an hour is
too long to wait). Only backups this schedule took are ever deleted: they are the ones listed
in ``status.backups``; a deletion snapshot or a hand-made ``backup`` is never touched.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from consorcio_contract.plans import get_plan


@dataclass(frozen=True)
class Policy:
    interval: timedelta
    retention: int


def policy(plan: str, *, interval_seconds: float | None = None, retention: int | None = None) -> Policy:
    """The plan's policy, with the operator-wide overrides when set."""
    backups = get_plan(plan).backups
    return Policy(
        interval=timedelta(seconds=interval_seconds)
        if interval_seconds
        else timedelta(hours=backups.interval_hours),
        retention=retention if retention else backups.retention,
    )


def parse_time(text: str | None) -> datetime | None:
    """An RFC 3339 time from the status (``...Z``), or None when absent or unreadable."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def due(last_backup: Mapping[str, Any] | None, now: datetime, interval: timedelta) -> bool:
    """A backup is due when none was taken, or the last one is at least ``interval`` old."""
    taken = parse_time((last_backup or {}).get("takenAt"))
    return taken is None or now - taken >= interval


def retain(
    kept: Sequence[Mapping[str, Any]], new: Mapping[str, Any], retention: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(the list to keep, newest first, at most ``retention``; the entries to delete)."""
    everything = [dict(new), *(dict(b) for b in kept if b.get("path") != new.get("path"))]
    return everything[:retention], everything[retention:]
