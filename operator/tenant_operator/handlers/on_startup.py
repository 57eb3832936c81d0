"""Operator start: Kopf settings, configuration and long-lived clients."""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any

import kopf

from consorcio_contract.crd_identity import GROUP, PLURAL
from consorcio_kit import tracing
from tenant_operator import names
from tenant_operator.config import OperatorConfig
from tenant_operator.drift.repair_queue import RepairQueue
from tenant_operator.drift.watched_kinds import WATCHED_KINDS, group_version
from tenant_operator.handlers.instance_filter import INSTANCE
from tenant_operator.handlers.redis_usage_loop import measure_forever
from tenant_operator.handlers.repair_tenant import mark_drift, repair_tenant
from tenant_operator.handlers.watch_owned_objects import MANAGED_BY_LABEL
from tenant_operator.runtime import Runtime

#: Kopf logs every successful handler call at INFO; for the watches that is
#: every status update of every owned object (most of the log). A queued
#: repair logs its own line (handlers/repair_tenant.py).
_ROUTINE = frozenset({"Handler 'drift' succeeded.", "Handler 'fleet' succeeded."})


#: A deletion waiting out its grace period is "retried" every check interval
#: for days (handlers/handle_delete_tenant.py): not an error. Its start is the
#: DeletionScheduled Event and status.deletion; the rest of Kopf's ERROR line is dropped.
_PENDING_DELETION = "failed temporarily: PendingDeletion until"


class _QuietWatches(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return message not in _ROUTINE and _PENDING_DELETION not in message


def kopf_prefix() -> str:
    """Annotation prefix of Kopf's progress and diff-base: per operator instance, so two never mix."""
    return f"{INSTANCE}.kopf.consorcio.io" if INSTANCE else "kopf.consorcio.io"


@kopf.on.startup()
async def on_startup(settings: kopf.OperatorSettings, memo: Any, logger: Any, **_: Any) -> None:
    """Configure Kopf and create the clients every handler shares through ``memo.runtime``."""
    # Our own finalizer and annotation names; Kopf's progress lives in
    # annotations, so .status holds only what the CRD schema declares.
    settings.persistence.finalizer = names.FINALIZER
    settings.persistence.progress_storage = kopf.AnnotationsProgressStorage(prefix=kopf_prefix())
    settings.persistence.diffbase_storage = kopf.AnnotationsDiffBaseStorage(
        prefix=kopf_prefix(), key="last-handled-configuration"
    )
    # Server-side: this instance is not even sent the other instances' tenants.
    settings.watching.label_selectors[(GROUP, PLURAL)] = (
        f"{names.INSTANCE_LABEL}={INSTANCE}" if INSTANCE else f"!{names.INSTANCE_LABEL}"
    )
    # The drift watches: only the objects the operator labelled are sent
    # (never every Secret of the cluster).
    for kind in WATCHED_KINDS:
        group, _version = group_version(kind)
        settings.watching.label_selectors[(group, kind.plural)] = f"{MANAGED_BY_LABEL}={names.MANAGED_BY}"
    # Events are posted by tenant_operator.kube.events (Kopf's poster puts
    # cluster-scoped objects' Events where kubectl describe cannot find them).
    settings.posting.enabled = False
    logging.getLogger("kopf.objects").addFilter(_QuietWatches())
    server_timeout = os.environ.get("OPERATOR_WATCH_SERVER_TIMEOUT")
    if server_timeout:
        # Whole seconds: the API server rejects "timeoutSeconds=10.0".
        settings.watching.server_timeout = int(float(server_timeout))
        settings.watching.client_timeout = int(float(server_timeout)) + 10
    settings.networking.request_timeout = 60
    # A deleted tenant's finalizer is released only once its drift timer has
    # stopped; poll for that every second, not every minute.
    settings.background.cancellation_polling = 1.0
    settings.background.instant_exit_timeout = 0.1
    # Spans of every pass, exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set.
    tracing.configure("consorcio-operator")
    config = OperatorConfig.from_env()
    runtime = memo.runtime = Runtime.create(config)
    runtime.repairs = RepairQueue(
        repair=lambda name, findings: repair_tenant(runtime, name, findings),
        mark=lambda name, finding: mark_drift(runtime, name, finding),
    )
    try:
        # PUBLIC may CONNECT to every new database: close the platform's to tenant roles.
        for database, outcome in (await runtime.postgres.close_public_databases()).items():
            logger.info("database %s: PUBLIC CONNECT %s", database, outcome)
    except Exception as err:  # PostgreSQL down at startup: the next start retries; tenants are unaffected
        logger.warning("could not close the platform databases to PUBLIC: %s", err)
    if config.redis_usage_seconds is not None:
        runtime.background.append(
            asyncio.get_running_loop().create_task(measure_forever(runtime, config.redis_usage_seconds))
        )
    logger.info(
        "consorcio operator configured: vault %s, base domain %s, backups in %s",
        "enabled" if config.vault.enabled else "disabled",
        config.workload.base_domain,
        config.backup_dir,
    )
