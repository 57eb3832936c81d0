"""Gauge readings of the tenant's size: active cotas and active users (billed at their peak)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from consorcio_contract.usage import Metric
from tenant_app.armazenamento.store import ObjectStore
from tenant_app.cotas.models import Cota, StatusCota
from tenant_app.platform_client.usage_meter import UsageMeter
from tenant_app.settings import ObjectStoreSettings
from tenant_app.users.models import User


async def read_gauges(engine: AsyncEngine, meter: UsageMeter) -> dict[Metric, int]:
    """Count active cotas and users now and record both readings in ``meter``."""
    async with engine.connect() as conn:
        cotas = await conn.scalar(
            select(func.count()).select_from(Cota).where(Cota.status == StatusCota.ATIVA)
        )
        users = await conn.scalar(select(func.count()).select_from(User).where(User.active.is_(True)))
    readings = {Metric.ACTIVE_COTAS: int(cotas or 0), Metric.USERS: int(users or 0)}
    for metric, value in readings.items():
        meter.gauge(metric, value)
    return readings


async def read_storage_gauge(settings: ObjectStoreSettings | None, meter: UsageMeter) -> dict[Metric, int]:
    """The tenant's bucket in MiB (rounded up), listed with its own key; nothing without storage."""
    store = ObjectStore.from_settings(settings)
    if store is None:
        return {}
    try:
        used = await store.usage_bytes()
    finally:
        store.close()
    mib = -(-used // (1024 * 1024))
    meter.gauge(Metric.STORAGE_MIB, mib)
    return {Metric.STORAGE_MIB: mib}
