"""Each reconcile pass is a span linked to the control-plane request that wrote the resource."""

from __future__ import annotations

import logging

import pytest
from opentelemetry.trace import StatusCode
from tenant_operator.reconciler import run_pass

from consorcio_contract.names import TRACEPARENT_ANNOTATION
from tests.support.tracing import memory_exporter

pytestmark = pytest.mark.unit

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


async def pass_over(meta: dict) -> None:
    # An invalid spec ends the pass before any step: no runtime needed.
    await run_pass(
        None,  # type: ignore[arg-type]
        name="acme",
        spec={"plan": "gold"},
        status_now={},
        meta=meta,
        trigger="update",
        wait_budget=0,
        logger=logging.getLogger("test"),
    )


async def test_the_pass_span_links_to_the_control_plane_trace_of_the_annotation():
    exporter = memory_exporter()
    await pass_over({"generation": 2, "annotations": {TRACEPARENT_ANNOTATION: TRACEPARENT}})
    (span,) = exporter.get_finished_spans()
    assert span.name == "reconcile update"
    assert span.attributes["consorcio.tenant"] == "acme"
    assert [format(link.context.trace_id, "032x") for link in span.links] == [TRACE_ID]
    assert (
        span.status.status_code is StatusCode.ERROR and span.attributes["consorcio.failure"] == "InvalidSpec"
    )


@pytest.mark.parametrize("annotations", [None, {}, {TRACEPARENT_ANNOTATION: "garbage"}])
def test_no_or_unreadable_annotation_means_no_link(annotations):
    import asyncio

    exporter = memory_exporter()
    asyncio.run(pass_over({"annotations": annotations}))
    (span,) = exporter.get_finished_spans()
    assert list(span.links) == []
