"""W3C trace context across HTTP: the server middleware joins the caller's trace, the httpx
hooks send the current one (the SDK's in-memory exporter records the spans)."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from opentelemetry import trace
from opentelemetry.trace import SpanKind, StatusCode

from consorcio_kit import tracing
from tests.support.tracing import memory_exporter

pytestmark = pytest.mark.unit

TRACE_ID = "0af7651916cd43dd8448eb211c80319c"
PARENT = f"00-{TRACE_ID}-b7ad6b7169203331-01"


def app_answering(status: int):
    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    return app


async def call(middleware, path: str, headers: list[tuple[bytes, bytes]]) -> None:
    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request", "body": b""}

    await middleware({"type": "http", "method": "POST", "path": path, "headers": headers}, receive, send)
    assert sent[0]["type"] == "http.response.start"  # the response still goes out


async def test_a_request_with_traceparent_becomes_a_server_span_in_that_trace():
    exporter = memory_exporter()
    await call(
        tracing.TracingMiddleware(app_answering(201)), "/api/tenants", [(b"traceparent", PARENT.encode())]
    )
    (span,) = exporter.get_finished_spans()
    assert span.kind is SpanKind.SERVER and span.name == "POST"
    assert format(span.context.trace_id, "032x") == TRACE_ID
    assert format(span.parent.span_id, "016x") == "b7ad6b7169203331"
    assert (
        span.attributes["http.response.status_code"] == 201 and span.attributes["url.path"] == "/api/tenants"
    )
    assert span.status.status_code is StatusCode.UNSET


async def test_a_5xx_marks_the_span_as_an_error_and_probes_are_not_traced():
    exporter = memory_exporter()
    await call(tracing.TracingMiddleware(app_answering(503)), "/api/x", [])
    await call(tracing.TracingMiddleware(app_answering(200)), "/healthz", [])
    (span,) = exporter.get_finished_spans()
    assert span.status.status_code is StatusCode.ERROR and span.parent is None


def test_httpx_hooks_send_the_current_trace():
    memory_exporter()
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("traceparent", ""))
        return httpx.Response(204)

    async def async_call() -> None:
        hooks = {"request": [tracing.inject_headers_async]}
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler), event_hooks=hooks) as client:
            await client.get("http://control-plane/api/y")

    tracer = trace.get_tracer("test")
    with tracer.start_as_current_span("caller") as caller:
        hooks = {"request": [tracing.inject_headers]}
        with httpx.Client(transport=httpx.MockTransport(handler), event_hooks=hooks) as client:
            client.get("http://control-plane/api/x")
        asyncio.run(async_call())
    trace_id = format(caller.get_span_context().trace_id, "032x")
    assert len(seen) == 2 and all(h.split("-")[1] == trace_id for h in seen)


def test_configure_exports_only_when_an_endpoint_is_set():
    assert tracing.configure("x", env={}) is False
