"""The tenant app's single entry point to the control plane."""

from __future__ import annotations

import httpx
from openfeature import api as openfeature_api

from tenant_app.platform_client.flag_provider import ControlPlaneFlagProvider
from tenant_app.platform_client.settings import PlatformClientSettings
from tenant_app.platform_client.token import ServiceAccountToken
from tenant_app.platform_client.usage_reporter import UsageReporter


class PlatformClient:
    """Usage reporter + OpenFeature provider sharing one HTTP client and token.

    Typical use in the tenant app's startup/shutdown hooks::

        platform = PlatformClient.from_env()
        if platform is not None:
            platform.start()              # provider registered with OpenFeature, reporter flushing
        ...
        openfeature.api.get_client().get_boolean_value("novo-extrato", False,
                                                       EvaluationContext(targeting_key=user_id))
        platform.usage.api_requests(1)
        ...
        platform.stop()                   # flushes pending usage
    """

    def __init__(self, settings: PlatformClientSettings) -> None:
        self.settings = settings
        self.token = ServiceAccountToken(settings.token_file)
        self.tenant = settings.tenant or self.token.tenant_slug()
        self.http = httpx.Client(base_url=settings.url, timeout=settings.request_timeout_seconds)
        self.usage = UsageReporter(
            self.http,
            self.tenant,
            self._auth_header,
            batch_size=settings.usage_batch_size,
            flush_seconds=settings.usage_flush_seconds,
        )
        self.flags = ControlPlaneFlagProvider(
            self.http, self.tenant, self._auth_header, wait_seconds=settings.flag_wait_seconds
        )

    @classmethod
    def from_env(cls) -> PlatformClient | None:
        """None when ``CONTROL_PLANE_URL`` is not set."""
        settings = PlatformClientSettings.from_env()
        return cls(settings) if settings is not None else None

    def _auth_header(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token.value()}"}

    def start(self, *, register_openfeature: bool = True) -> None:
        """Register the flag provider (fetches the first snapshot) and start the usage flusher."""
        if register_openfeature:
            openfeature_api.set_provider(self.flags)
        else:
            self.flags.initialize(openfeature_api.get_evaluation_context())
        self.usage.start()

    def stop(self) -> None:
        self.usage.stop(flush=True)
        self.flags.shutdown()
        self.http.close()
