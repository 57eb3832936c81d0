"""Usage recorded by the Celery worker: the gauges (active cotas, users).

The worker measures into its own meter, writes the readings to the shared
spool table and sends the spool right away with the worker's own projected
token; what it cannot send now is sent later by whichever process (an app
replica or the next run) reaches the control plane first.
"""

from __future__ import annotations

import asyncio
import logging

import httpx

from tenant_app.database.session import create_engine
from tenant_app.platform_client.token import ServiceAccountToken
from tenant_app.platform_client.usage_meter import UsageMeter
from tenant_app.platform_client.usage_reporter import UsageReporter, UsageSender
from tenant_app.platform_client.usage_spool import PostgresSpool
from tenant_app.platform_link.gauges import read_gauges, read_storage_gauge
from tenant_app.settings import Settings

log = logging.getLogger("tenant_app.tasks")


async def report_gauges(settings: Settings) -> dict[str, int]:
    """Read the gauges, spool them and try to send the spool; returns the readings."""
    control_plane = settings.control_plane
    if control_plane is None:
        return {}  # no control plane, nobody to report to: nothing is spooled
    engine = create_engine(settings.database)
    try:
        meter = UsageMeter()
        readings = await read_gauges(engine, meter)
        spool = PostgresSpool(engine)
        token = ServiceAccountToken(control_plane.token_file)
        async with httpx.AsyncClient(
            base_url=control_plane.url, timeout=control_plane.request_timeout_seconds
        ) as http:
            sender = UsageSender(
                http, settings.tenant_slug, token.bearer, spool, batch_size=control_plane.usage_batch_size
            )
            reporter = UsageReporter(meter, spool, sender)
            # The billed gauges go first: the bucket listing (S3 down, slow, bucket not there yet)
            # once raised before anything was spooled, losing cotas and users until the next hour.
            sent = await reporter.flush()
            try:
                storage = await read_storage_gauge(settings.object_store, meter)
            except Exception as err:  # storage is metered, not billed: log it, keep the rest
                log.warning("storage usage not measured (%s); read again at the next run", err)
            else:
                readings.update(storage)
                sent += await reporter.flush()
        log.info("usage gauges %s spooled; %d spooled events sent", dict(readings), sent)
        return {metric.value: value for metric, value in readings.items()}
    finally:
        await engine.dispose()


def run_report_gauges() -> dict[str, int]:
    """Synchronous entry point for the Celery worker (settings from the environment)."""
    return asyncio.run(report_gauges(Settings.from_env()))
