"""The app's link to the control plane, as a Litestar lifespan context.

Entered after the app's own lifespan (it needs ``app.state.engine`` for the
spool) and left before it, so the last measured usage is spooled while the
database pool is still open.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar

from tenant_app.platform_client.client import PlatformClient
from tenant_app.platform_client.feature_flags import FeatureFlags
from tenant_app.platform_client.usage_spool import PostgresSpool


@asynccontextmanager
async def control_plane_link(app: Litestar) -> AsyncIterator[None]:
    """Flags from and usage to the control plane while the app runs (nothing without CONTROL_PLANE_URL)."""
    settings = app.state.settings
    if settings.control_plane is None:
        yield
        return
    platform = PlatformClient(
        settings.control_plane,
        spool=PostgresSpool(app.state.engine),
        meter=app.state.usage_meter,
        tenant=settings.tenant_slug,
    )
    app.state.feature_flags = await platform.start()
    app.state.platform = platform
    try:
        yield
    finally:
        app.state.feature_flags = FeatureFlags.offline()
        await platform.stop()
