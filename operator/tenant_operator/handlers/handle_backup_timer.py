"""Scheduled backups: every tenant on its plan's interval, verified, with retention (issue 21 item 5)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import kopf

from consorcio_contract.crd_identity import API_VERSION, GROUP, PLURAL, VERSION
from tenant_operator import metrics
from tenant_operator.backups import runner
from tenant_operator.backups.schedule import due, policy
from tenant_operator.handlers.instance_filter import is_mine
from tenant_operator.handlers.pass_outcome import INSTANCE
from tenant_operator.handlers.timing import BACKUP_CHECK_SECONDS
from tenant_operator.kube.events import post_event
from tenant_operator.reconciler import now_rfc3339


def _ready(status: Any) -> bool:
    return any(
        c.get("type") == "Ready" and c.get("status") == "True" for c in (status or {}).get("conditions") or []
    )


@kopf.timer(
    GROUP,
    VERSION,
    PLURAL,
    id="backup",
    interval=BACKUP_CHECK_SECONDS,
    initial_delay=BACKUP_CHECK_SECONDS,
    when=is_mine,
)
async def handle_backup_timer(
    name: str, spec: Any, status: Any, meta: Any, body: Any, memo: Any, logger: Any, **_: Any
) -> None:
    """Back the tenant up when its plan's interval has passed since the last backup.

    Only a Ready tenant that is not being deleted (a deletion takes its own final snapshot).
    One backup at a time per operator. A failure is a Warning Event and ``status.backupError``;
    the next check retries, and ``status.lastBackup`` keeps pointing at the last good one.
    """
    runtime = memo.runtime
    config = runtime.config
    if not config.scheduled_backups or (meta or {}).get("deletionTimestamp") or not _ready(status):
        return
    rules = policy(
        str((spec or {}).get("plan") or "starter"),
        interval_seconds=config.backup_interval_seconds,
        retention=config.backup_retention,
    )
    if not due((status or {}).get("lastBackup"), datetime.now(UTC), rules.interval):
        return
    path = f"/apis/{API_VERSION}/{PLURAL}/{name}/status"
    async with runtime.backup_slots:
        try:
            fields = await runner.take(runtime, name, status or {}, rules)
        except Exception as err:  # reported, retried at the next check
            message = f"{type(err).__name__}: {err}"
            metrics.BACKUPS.labels("failed").inc()
            error = {"at": now_rfc3339(), "message": message}
            await runtime.kube.merge_patch(path, {"status": {"backupError": error}})
            await post_event(
                runtime.kube, body, type_="Warning", reason="BackupFailed", message=message, instance=INSTANCE
            )
            logger.warning("scheduled backup of %s failed: %s", name, message)
            return
    metrics.BACKUPS.labels("taken").inc()
    await runtime.kube.merge_patch(path, {"status": fields})
    last = fields["lastBackup"]
    await post_event(
        runtime.kube,
        body,
        type_="Normal",
        reason="BackupTaken",
        message=f"{last['path']} ({last['sizeBytes']} bytes, {last['seconds']} s; "
        f"verified: {last['verified']}); keeping {len(fields['backups'])} (retention {rules.retention})",
        instance=INSTANCE,
    )
