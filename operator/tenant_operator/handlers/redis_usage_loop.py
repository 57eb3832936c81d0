"""Measure every tenant's Redis keys and memory on a schedule and publish them as gauges.

One loop per operator (not a Kopf timer per tenant): a single SCAN of ``tenant:*`` answers for
every tenant at once. Only this operator's tenants are published (another instance's keys are
in the same Redis); a tenant gone since the last run loses its series.
"""

from __future__ import annotations

import asyncio
import logging

from tenant_operator import metrics
from tenant_operator.provisioners.redis_usage import Usage
from tenant_operator.runtime import Runtime

log = logging.getLogger(__name__)


def publish(usage: dict[str, Usage], mine: set[str], published: set[str]) -> set[str]:
    """Set the gauges of ``mine`` (0 for a tenant with no key yet), drop the series of tenants no
    longer ``mine``; the tenants now published."""
    for tenant in mine:
        u = usage.get(tenant, Usage())
        metrics.TENANT_REDIS_KEYS.labels(tenant).set(u.keys)
        metrics.TENANT_REDIS_BYTES.labels(tenant).set(u.bytes)
    for gone in published - mine:
        metrics.TENANT_REDIS_KEYS.remove(gone)
        metrics.TENANT_REDIS_BYTES.remove(gone)
    return set(mine)


async def run_once(runtime: Runtime, published: set[str]) -> set[str]:
    usage = await runtime.redis.usage()
    return publish(usage, set(runtime.fleet.names()), published)


async def measure_forever(runtime: Runtime, interval: float) -> None:
    """Until cancelled; a failed run (Redis down) is counted and logged, the next one retries.

    The first run waits a little: right after start the fleet is still being listed."""
    published: set[str] = set()
    await asyncio.sleep(min(interval, 30.0))
    while True:
        try:
            published = await run_once(runtime, published)
            metrics.REDIS_USAGE_RUNS.labels("ok").inc()
        except asyncio.CancelledError:
            raise
        except Exception as err:  # any Redis or network error: keep the last figures, retry later
            metrics.REDIS_USAGE_RUNS.labels("failed").inc()
            log.warning("could not measure the tenants' Redis usage: %s", err)
        await asyncio.sleep(interval)
