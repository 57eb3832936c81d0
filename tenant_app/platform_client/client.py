"""The tenant app's single entry point to the control plane."""

from __future__ import annotations

import asyncio
import logging
import uuid

import httpx
from openfeature import api as openfeature_api
from openfeature.provider.no_op_provider import NoOpProvider

from consorcio_kit import tracing
from tenant_app.platform_client.feature_flags import FeatureFlags
from tenant_app.platform_client.flag_provider import ControlPlaneFlagProvider
from tenant_app.platform_client.token import ServiceAccountToken
from tenant_app.platform_client.usage_meter import UsageMeter
from tenant_app.platform_client.usage_reporter import UsageReporter, UsageSender
from tenant_app.platform_client.usage_spool import UsageSpool
from tenant_app.settings import PlatformClientSettings

logger = logging.getLogger(__name__)


class PlatformClient:
    """Flag provider + usage reporter sharing one token, for one tenant.

    The app's lifespan does::

        platform = PlatformClient(settings.control_plane, spool=PostgresSpool(engine), meter=meter)
        await platform.start()     # provider registered under platform.domain, reporter running
        ...
        openfeature_api.get_client(platform.domain).get_boolean_value("chave", False)
        meter.count(Metric.API_REQUESTS)
        ...
        await platform.stop()      # spools what was measured, last send attempt

    Flags are long-polled by a thread (a blocking httpx client: evaluation is a
    plain dict lookup and never touches the event loop); usage is sent by an
    asyncio task with an async client.
    """

    def __init__(
        self,
        settings: PlatformClientSettings,
        *,
        spool: UsageSpool,
        meter: UsageMeter | None = None,
        tenant: str | None = None,
    ) -> None:
        self.settings = settings
        self.token = ServiceAccountToken(settings.token_file)
        self.tenant = tenant or settings.tenant or self.token.tenant_slug()
        # One OpenFeature domain per client: two apps in one process (tests) never share a provider.
        self.domain = f"consorcio-control-plane/{self.tenant}/{uuid.uuid4().hex[:8]}"
        # Calls to the control plane carry the current trace (W3C traceparent).
        self.http = httpx.Client(
            base_url=settings.url,
            timeout=settings.request_timeout_seconds,
            event_hooks={"request": [tracing.inject_headers]},
        )
        self.flags = ControlPlaneFlagProvider(
            self.http, self.tenant, self.token.bearer, wait_seconds=settings.flag_wait_seconds
        )
        self.meter = meter or UsageMeter()
        self.usage_http = httpx.AsyncClient(
            base_url=settings.url,
            timeout=settings.request_timeout_seconds,
            event_hooks={"request": [tracing.inject_headers_async]},
        )
        self.sender = UsageSender(
            self.usage_http, self.tenant, self.token.bearer, spool, batch_size=settings.usage_batch_size
        )
        self.usage = UsageReporter(
            self.meter,
            spool,
            self.sender,
            spool_seconds=settings.usage_spool_seconds,
            send_seconds=settings.usage_flush_seconds,
        )

    async def start(self, *, first_snapshot_seconds: float = 2.0) -> FeatureFlags:
        """Register the flag provider, wait briefly for a first snapshot, start the reporter.

        Returns the handlers' view of the flags (``app.state.feature_flags``).

        Startup never fails because the control plane is unreachable: flags
        answer their defaults until a snapshot arrives, usage waits in the spool.
        """
        openfeature_api.set_provider(self.flags, self.domain)  # initializes in a thread
        flags = FeatureFlags.for_domain(self.domain)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + first_snapshot_seconds
        # The SDK initializes the provider on its own thread; polling its status is the simple wait.
        while not flags.initialized and loop.time() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.02)
        if self.flags.etag is None:
            logger.warning("no flag snapshot from %s yet; serving flag defaults", self.settings.url)
        self.usage.start()
        return flags

    async def stop(self) -> None:
        """Stop polling, spool what was measured, try a last send, close the connections."""
        await self.usage.stop()
        openfeature_api.set_provider(NoOpProvider(), self.domain)
        await asyncio.to_thread(self.flags.shutdown)
        self.http.close()
        await self.usage_http.aclose()
