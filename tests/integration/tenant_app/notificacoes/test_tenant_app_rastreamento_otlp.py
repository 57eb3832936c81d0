"""A payment, its outbox event and the webhook delivery are one trace, exported over OTLP.

The tenant app runs as its own process (uvicorn) and the worker as a real Celery worker, both
with ``OTEL_EXPORTER_OTLP_ENDPOINT`` pointing at a local OTLP/HTTP receiver
(tests/support/otlp_receiver.py: the published protobuf contract; the OpenTelemetry collector is
not available from a package registry here). What is checked is what arrived there: the
caller's W3C trace context is continued by the request's SERVER span, the Celery task queued
after the commit is its child (context carried in the message headers), and the webhook
delivery is a child of the request that recorded the event, linked to the task that sent it
(one task may deliver the events of many requests).
"""

from __future__ import annotations

import uuid

import httpx
import pytest

from tenant_app.eventos.tipos import PAGAMENTO_CONFIRMADO
from tenant_app.users.roles import Role
from tests.integration.tenant_app.notificacoes.test_tenant_app_entrega_ponta_a_ponta import (
    cota_de,
    criar_endpoint,
)
from tests.support.notificacoes_fixtures import Receptor, email_unico
from tests.support.otlp_receiver import OtlpReceiver, ReceivedSpan
from tests.support.tenant_app_fixtures import Tenant

pytestmark = pytest.mark.integration

SERVER, CLIENT, CONSUMER = 2, 3, 5  # opentelemetry.proto.trace.v1.Span.SpanKind


async def test_pagamento_evento_e_entrega_sao_um_trace_exportado(
    tenant: Tenant,
    receptor: Receptor,
    otlp_receiver: OtlpReceiver,
    iniciar_servidor,  # type: ignore[no-untyped-def]
    iniciar_worker,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WEBHOOK_MODO", "devstack")
    endpoint = await criar_endpoint(tenant, receptor.url("/ok"), [PAGAMENTO_CONFIRMADO])
    cota = await cota_de(tenant, email_unico())
    otel = {"OTEL_EXPORTER_OTLP_ENDPOINT": otlp_receiver.url, "OTEL_BSP_SCHEDULE_DELAY": "100"}
    url = iniciar_servidor({**tenant.env, **otel, "WEBHOOK_MODO": "devstack"})
    iniciar_worker({**tenant.env, **otel}, beat=False)  # only the payment's nudge queues work

    caller_trace, caller_span = uuid.uuid4().hex, uuid.uuid4().hex[:16]
    path = f"/api/cotas/{cota['id']}/pagamentos"
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        paid = await http.post(
            path,
            json={"valor": "150.00", "data_pagamento": "2025-02-01", "forma": "pix"},
            headers={
                **tenant.auth(Role.FINANCEIRO),
                "Idempotency-Key": uuid.uuid4().hex,
                "traceparent": f"00-{caller_trace}-{caller_span}-01",
            },
        )
    assert paid.status_code == 201, paid.text
    receptor.esperar("/ok", 1, timeout=60)

    def whole_trace(spans: list[ReceivedSpan]) -> list[ReceivedSpan] | None:
        mine = [s for s in spans if s.trace_id == caller_trace]
        names = {s.name for s in mine}
        delivered = any(s.attributes.get("consorcio.webhook.endpoint") == endpoint["id"] for s in mine)
        return mine if {"POST", "celery notificacoes.despachar"} <= names and delivered else None

    spans = otlp_receiver.wait_for(whole_trace, timeout=30)
    (server,) = [s for s in spans if s.name == "POST" and s.attributes.get("url.path") == path]
    assert server.kind == SERVER and server.parent_span_id == caller_span
    assert server.service == "consorcio-tenant-app" and server.resource["consorcio.tenant"] == tenant.slug
    assert server.attributes["http.response.status_code"] == 201

    (task,) = [s for s in spans if s.name == "celery notificacoes.despachar"]
    assert task.kind == CONSUMER and task.service == "consorcio-tenant-worker"
    assert task.parent_span_id == server.span_id  # queued after the request's commit

    # This test's endpoint (the tenant may have others from earlier tests, each its own attempt).
    deliveries = [
        s
        for s in spans
        if s.name == "webhook.entregar" and s.attributes.get("consorcio.webhook.endpoint") == endpoint["id"]
    ]
    (delivery,) = deliveries
    assert delivery.kind == CLIENT and delivery.service == "consorcio-tenant-worker"
    assert delivery.parent_span_id == server.span_id  # the request recorded the event
    # Linked to the task that sent it: this trace's, or one queued earlier (by the setup's
    # commits) that was still draining the outbox when the payment's event arrived.
    (link,) = delivery.links

    def linked(all_spans: list[ReceivedSpan]) -> ReceivedSpan | None:
        return next((s for s in all_spans if (s.trace_id, s.span_id) == link), None)

    sender = otlp_receiver.wait_for(linked, timeout=30)
    assert sender.name == "celery notificacoes.despachar" and sender.service == "consorcio-tenant-worker"
    assert delivery.attributes["http.response.status_code"] == 200
    assert delivery.attributes["consorcio.webhook.tentativa"] == 1
