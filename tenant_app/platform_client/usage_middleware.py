"""Counts API requests into the usage meter (one lock and one add per request)."""

from __future__ import annotations

from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from consorcio_contract.usage import Metric
from tenant_app.platform_client.usage_meter import UsageMeter

# Only the business API is billed: probes, metrics and the schema are not.
API_PREFIX = "/api/"


class ApiRequestCounter(ASGIMiddleware):
    """Every HTTP request under ``/api/`` counts once, whatever its answer."""

    def __init__(self, meter: UsageMeter) -> None:
        self.meter = meter

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if scope["type"] == "http" and scope["path"].startswith(API_PREFIX):
            self.meter.count(Metric.API_REQUESTS)
        await next_app(scope, receive, send)
