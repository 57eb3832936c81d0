"""Operator start: Kopf settings, configuration and long-lived clients."""

from __future__ import annotations

import os
from typing import Any

import kopf

from consorcio_contract.crd_identity import GROUP, PLURAL
from tenant_operator import names
from tenant_operator.config import OperatorConfig
from tenant_operator.handlers.instance_filter import INSTANCE
from tenant_operator.runtime import Runtime


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
    # Events are posted by tenant_operator.kube.events (Kopf's poster puts
    # cluster-scoped objects' Events where kubectl describe cannot find them).
    settings.posting.enabled = False
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
    config = OperatorConfig.from_env()
    memo.runtime = Runtime.create(config)
    logger.info(
        "consorcio operator configured: vault %s, base domain %s, backups in %s",
        "enabled" if config.vault.enabled else "disabled",
        config.workload.base_domain,
        config.backup_dir,
    )
