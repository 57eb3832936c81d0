"""OpenTelemetry tracing shared by the platform's processes.

:func:`configure` installs the SDK's tracer provider with an OTLP/HTTP
exporter when ``OTEL_EXPORTER_OTLP_ENDPOINT`` (or the traces-specific
``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``) is set; the exporter reads the
standard ``OTEL_EXPORTER_OTLP_*`` variables itself. Without an endpoint the
API's no-op provider stays: spans cost nothing. Context crosses process
boundaries as W3C trace context (``traceparent``): in HTTP headers, and on a
ConsorcioTenant as the annotation ``consorcio.io/traceparent`` written by
the control plane and read by the operator (:func:`carrier_annotation`,
:func:`link_from_annotations`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.trace import Link, SpanKind, Status, StatusCode

from consorcio_contract.names import TRACEPARENT_ANNOTATION

_configured = False


def configure(
    service_name: str, env: Mapping[str, str] | None = None, attributes: Mapping[str, str] | None = None
) -> bool:
    """Export this process's spans over OTLP when an endpoint is configured; True if it was.

    ``attributes`` join the resource (e.g. the tenant a tenant app serves).
    """
    global _configured
    env = os.environ if env is None else env
    if _configured or not (
        env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    ):
        return False
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(
        resource=Resource.create(
            {**(attributes or {}), "service.name": env.get("OTEL_SERVICE_NAME") or service_name}
        )
    )
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    _configured = True
    return True


def current_traceparent() -> str | None:
    """The current span as a W3C ``traceparent`` (None when not tracing): kept with work done later."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier.get("traceparent")


def context_of(traceparent: str | None) -> Context | None:
    """The context a stored ``traceparent`` continues (None when absent or invalid)."""
    if not traceparent:
        return None
    context = propagate.extract({"traceparent": traceparent})
    return context if trace.get_current_span(context).get_span_context().is_valid else None


def carrier_annotation() -> dict[str, str]:
    """The current trace context as the ConsorcioTenant annotation (empty when not tracing)."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    value = carrier.get("traceparent")
    return {TRACEPARENT_ANNOTATION: value} if value else {}


def link_from_annotations(annotations: Mapping[str, str] | None) -> list[Link]:
    """A span link to the trace that last changed the resource (the control plane's request)."""
    value = (annotations or {}).get(TRACEPARENT_ANNOTATION)
    if not value:
        return []
    context = propagate.extract({"traceparent": value})
    span_context = trace.get_current_span(context).get_span_context()
    return [Link(span_context)] if span_context.is_valid else []


_http_tracer = trace.get_tracer("consorcio_kit.http")


class TracingMiddleware:
    """ASGI: one SERVER span per HTTP request, child of the caller's ``traceparent`` header.

    Health and metrics probes are not traced (they would drown every trace).
    """

    UNTRACED = frozenset({"/health", "/healthz", "/ready", "/readyz", "/metrics"})

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("path") in self.UNTRACED:
            await self.app(scope, receive, send)
            return
        carrier = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers") or []}
        method = scope.get("method", "GET")
        with _http_tracer.start_as_current_span(
            method,
            context=propagate.extract(carrier),
            kind=SpanKind.SERVER,
            attributes={"http.request.method": method, "url.path": scope.get("path", "")},
        ) as span:

            async def send_traced(message: dict[str, Any]) -> None:
                if message["type"] == "http.response.start":
                    status = int(message["status"])
                    span.set_attribute("http.response.status_code", status)
                    if status >= 500:
                        span.set_status(Status(StatusCode.ERROR))
                await send(message)

            await self.app(scope, receive, send_traced)


def inject_headers(request: Any) -> None:
    """httpx request hook: the current trace context goes with the request (W3C traceparent)."""
    propagate.inject(request.headers)


async def inject_headers_async(request: Any) -> None:
    """The same hook for ``httpx.AsyncClient``."""
    propagate.inject(request.headers)
