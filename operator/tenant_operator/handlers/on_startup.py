"""Operator start: Kopf settings, configuration and long-lived clients."""

from __future__ import annotations

import os
from typing import Any

import kopf

from tenant_operator import names
from tenant_operator.config import OperatorConfig
from tenant_operator.runtime import Runtime

KOPF_PREFIX = "kopf.consorcio.io"


@kopf.on.startup()
async def on_startup(settings: kopf.OperatorSettings, memo: Any, logger: Any, **_: Any) -> None:
    """Configure Kopf and create the clients every handler shares through ``memo.runtime``."""
    # Our own finalizer and annotation names; Kopf's progress lives in
    # annotations, so .status holds only what the CRD schema declares.
    settings.persistence.finalizer = names.FINALIZER
    settings.persistence.progress_storage = kopf.AnnotationsProgressStorage(prefix=KOPF_PREFIX)
    settings.persistence.diffbase_storage = kopf.AnnotationsDiffBaseStorage(
        prefix=KOPF_PREFIX, key="last-handled-configuration"
    )
    settings.posting.reporting_component = names.MANAGED_BY
    settings.posting.reporting_instance = os.environ.get("HOSTNAME", "local")
    # Explicit kopf.event() calls only; handler log lines stay in the log.
    settings.posting.loggers = False
    server_timeout = os.environ.get("OPERATOR_WATCH_SERVER_TIMEOUT")
    if server_timeout:
        settings.watching.server_timeout = float(server_timeout)
        settings.watching.client_timeout = float(server_timeout) + 10
    settings.networking.request_timeout = 60
    config = OperatorConfig.from_env()
    memo.runtime = Runtime.create(config)
    logger.info(
        "consorcio operator configured: vault %s, base domain %s, backups in %s",
        "enabled" if config.vault.enabled else "disabled",
        config.workload.base_domain,
        config.backup_dir,
    )
