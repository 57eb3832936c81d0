"""Trace context through Celery: a task is a span in the trace of whoever queued it.

The publisher's W3C trace context travels in the message headers
(``before_task_publish``); the worker starts a CONSUMER span for the task,
child of that context, and makes it current while the task runs
(``task_prerun``/``task_postrun``), so what the task does (SQL, HTTP calls,
spans of its own) joins the same trace. Celery's signals are process-wide:
:func:`instrument` connects them once, whatever the number of Celery apps.
"""

from __future__ import annotations

from typing import Any

from celery.signals import before_task_publish, task_failure, task_postrun, task_prerun
from opentelemetry import context, propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode

_tracer = trace.get_tracer("consorcio_kit.celery")
#: Spans of the tasks running in this process, by task id (prerun → postrun).
_running: dict[str, tuple[trace.Span, object]] = {}
_FIELDS = ("traceparent", "tracestate")


def instrument() -> None:
    """Connect the signals (idempotent)."""
    before_task_publish.connect(_inject, weak=False, dispatch_uid="consorcio-tracing-publish")
    task_prerun.connect(_start, weak=False, dispatch_uid="consorcio-tracing-prerun")
    task_postrun.connect(_end, weak=False, dispatch_uid="consorcio-tracing-postrun")
    task_failure.connect(_failed, weak=False, dispatch_uid="consorcio-tracing-failure")


def _inject(headers: dict[str, Any] | None = None, **_: Any) -> None:
    # Message protocol 2: custom headers become attributes of the worker's task.request.
    if headers is not None:
        propagate.inject(headers)


def _start(task_id: str | None = None, task: Any = None, **_: Any) -> None:
    if task_id is None or task is None:
        return
    request = getattr(task, "request", None)
    carrier = {k: v for k in _FIELDS if isinstance(v := getattr(request, k, None), str)}
    span = _tracer.start_span(
        f"celery {task.name}",
        context=propagate.extract(carrier),
        kind=SpanKind.CONSUMER,
        attributes={
            "messaging.system": "celery",
            "messaging.operation.type": "process",
            "messaging.message.id": task_id,
            "celery.task_name": str(task.name),
        },
    )
    _running[task_id] = (span, context.attach(trace.set_span_in_context(span)))


def _failed(task_id: str | None = None, exception: BaseException | None = None, **_: Any) -> None:
    entry = _running.get(task_id or "")
    if entry is not None:
        if exception is not None:
            entry[0].record_exception(exception)
        entry[0].set_status(Status(StatusCode.ERROR))


def _end(task_id: str | None = None, **_: Any) -> None:
    entry = _running.pop(task_id or "", None)
    if entry is None:
        return
    span, token = entry
    context.detach(token)  # type: ignore[arg-type]
    span.end()
