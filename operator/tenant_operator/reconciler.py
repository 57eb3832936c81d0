"""One reconcile pass: validate the spec, run the steps in order, compose
the status, post Events for transitions and repairs.

The Kopf handlers call :func:`run_pass` and turn its result into Kopf's
retry semantics; the drift timer and the repair queue (a watch saw an owned
object deleted or changed) call it too, so drift is repaired by exactly the
same code that provisions.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from consorcio_contract.tenant_resource import InvalidTenantSpec, TenantSpec, validate_name
from consorcio_kit import tracing
from tenant_operator import change_report as report
from tenant_operator import cnpj_claims, metrics, names, pass_slots, status
from tenant_operator import conditions as c
from tenant_operator.conditions import Condition
from tenant_operator.kube.client import KubeApiError
from tenant_operator.runtime import Runtime
from tenant_operator.specs.tenant import TenantView
from tenant_operator.steps import STEPS
from tenant_operator.steps.context import ReconcileContext, StepFailed

_tracer = trace.get_tracer("tenant_operator")


@dataclass
class PassResult:
    """What a pass decided: the status to write, Events to post, and whether to retry."""

    status_patch: dict[str, Any]
    events: list[tuple[str, str, str]] = field(default_factory=list)  # (type, reason, message)
    failure: StepFailed | None = None


def now_rfc3339() -> str:
    return datetime.now(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _unexpected(err: Exception) -> StepFailed:
    if isinstance(err, KubeApiError):
        return StepFailed(
            "KubernetesApiError", err.message, permanent=not err.retryable and err.status != 403
        )
    return StepFailed("InternalError", f"{type(err).__name__}: {err}")


async def run_pass(
    runtime: Runtime,
    *,
    name: str,
    spec: Mapping[str, Any],
    status_now: Mapping[str, Any],
    meta: Mapping[str, Any],
    trigger: str,
    wait_budget: float,
    logger: logging.Logger,
    slot_held: bool = False,
) -> PassResult:
    """Reconcile one tenant towards its spec; never raises for tenant-level problems.

    ``slot_held``: the caller already took one of ``runtime.active_passes``
    (the pass gives it back when it ends, whatever happens). One span per
    pass, linked to the control-plane request that last wrote the resource
    (annotation ``consorcio.io/traceparent``).
    """
    links = tracing.link_from_annotations((meta or {}).get("annotations"))
    with _tracer.start_as_current_span(
        f"reconcile {trigger}",
        kind=SpanKind.INTERNAL,
        links=links,
        attributes={"consorcio.tenant": name, "consorcio.trigger": trigger},
    ) as span:
        result = await _run_pass(
            runtime,
            name=name,
            spec=spec,
            status_now=status_now,
            meta=meta,
            trigger=trigger,
            wait_budget=wait_budget,
            logger=logger,
            slot_held=slot_held,
        )
        if result.failure is not None:
            span.set_attribute("consorcio.failure", result.failure.reason)
            span.set_status(Status(StatusCode.ERROR, result.failure.reason))
        return result


async def _run_pass(
    runtime: Runtime,
    *,
    name: str,
    spec: Mapping[str, Any],
    status_now: Mapping[str, Any],
    meta: Mapping[str, Any],
    trigger: str,
    wait_budget: float,
    logger: logging.Logger,
    slot_held: bool = False,
) -> PassResult:
    started = time.monotonic()
    generation = int(meta.get("generation") or 0)
    previous = dict(status_now or {})
    try:
        problems = validate_name(name)
        if problems:
            raise InvalidTenantSpec(problems)
        tenant_spec = TenantSpec.from_dict(spec)
    except InvalidTenantSpec as err:
        if slot_held:
            runtime.active_passes.release()
        invalid = Condition(c.READY, c.FALSE, c.REASON_INVALID_SPEC, str(err))
        result = _finish(previous, [], c.summarize({}, invalid=invalid), generation, {}, [])
        result.failure = StepFailed(c.REASON_INVALID_SPEC, str(err), permanent=True)
        metrics.RECONCILES.labels(trigger, "invalid").inc()
        return result
    holder = await _cnpj_holder(runtime, name, tenant_spec)
    if holder is not None:
        # Checked before any step: the later of two tenants with one CNPJ gets nothing.
        if slot_held:
            runtime.active_passes.release()
        message = cnpj_claims.conflict_message(tenant_spec.cnpj, holder)
        conflict = Condition(c.READY, c.FALSE, cnpj_claims.REASON_CNPJ_CONFLICT, message)
        result = _finish(previous, [], c.summarize({}, invalid=conflict), generation, {}, [])
        result.failure = StepFailed(cnpj_claims.REASON_CNPJ_CONFLICT, message, permanent=True)
        metrics.RECONCILES.labels(trigger, "conflict").inc()
        return result

    tenant = TenantView(name, tenant_spec, runtime.config.workload)
    rotation = (meta.get("annotations") or {}).get(names.ROTATE_ANNOTATION)
    ctx = ReconcileContext(
        runtime=runtime,
        tenant=tenant,
        status=previous,
        generation=generation,
        rotation_request=rotation if rotation and rotation != previous.get("credentialsRotation") else None,
        wait_budget=wait_budget,
        intent=report.pass_intent(
            trigger=trigger,
            generation=generation,
            observed_generation=previous.get("observedGeneration"),
            rotation=bool(rotation and rotation != previous.get("credentialsRotation")),
        ),
    )
    if not slot_held:
        await runtime.active_passes.acquire(
            pass_slots.BACKGROUND if trigger == "timer" else pass_slots.CHANGE
        )
    ctx.holds_slot = True
    try:
        timings = [f"queued {time.monotonic() - started:.2f}s"]
        observed, failure = await _run_steps(ctx, timings, logger)
    finally:
        if ctx.holds_slot:
            runtime.active_passes.release()
        runtime.pass_ended(name)
    summary = c.summarize(observed)
    suspension = c.suspension(tenant_spec.suspended, observed)
    fields = {"namespace": tenant.namespace, "url": tenant.url, **ctx.status_updates}
    if failure is None:
        # Every step ran and matched (or was put back): nothing is pending,
        # and the cluster now runs this plan and suspension (status says so).
        observed[c.DRIFT_DETECTED] = Condition(
            c.DRIFT_DETECTED, c.FALSE, c.REASON_IN_SYNC, "every owned object matches its desired state"
        )
        fields.update(plan=str(tenant_spec.plan), suspended=tenant_spec.suspended)
    observed[c.SUSPENDED] = suspension
    changes = ctx.report + [
        report.Change(report.reason_for(created=False, intent=ctx.intent, was_ready=False), "Other", line)
        for line in ctx.changes
        if line not in ctx.recorded_lines
    ]
    result = _finish(previous, list(observed.values()), summary, generation, fields, changes)
    result.failure = failure
    duration = time.monotonic() - started
    if ctx.changes or failure is not None or trigger != "timer":
        outcome = "ready" if failure is None else f"{failure.reason}"
        logger.info(
            "%s pass: %s in %.2fs (%s)%s",
            trigger,
            outcome,
            duration,
            ", ".join(timings),
            f"; changed: {'; '.join(ctx.changes)}" if ctx.changes else "",
        )
    metrics.RECONCILE_DURATION.labels(trigger).observe(duration)
    metrics.RECONCILES.labels(trigger, "ok" if failure is None else "retry").inc()
    return result


async def _cnpj_holder(runtime: Runtime, name: str, spec: TenantSpec) -> cnpj_claims.CnpjClaim | None:
    """Another tenant holding this tenant's CNPJ (None when it is this one's, or on a failed LIST:
    the host check of the workload step lists again and fails the pass then)."""
    try:
        claims = await runtime.hosts.cnpj_claims(name)
    except KubeApiError:
        return None
    source = spec.restore_from.tenant if spec.restore_from else ""
    return cnpj_claims.conflicting_holder(name, spec.normalized_cnpj, claims, restores_from=source)


async def _run_steps(
    ctx: ReconcileContext, timings: list[str], logger: logging.Logger
) -> tuple[dict[str, Condition], StepFailed | None]:
    """The steps in order, up to the first that is not done; their conditions and that failure."""
    observed: dict[str, Condition] = {}
    failure: StepFailed | None = None
    for step_name, condition_type, step in STEPS:
        step_started = time.monotonic()
        ctx.step_condition = condition_type
        try:
            cond = await step(ctx)
            outcome = "ready" if cond.is_true else cond.reason.lower()
        except StepFailed as err:
            failure, outcome = err, "waiting" if err.delay is not None and not err.permanent else "failed"
            cond = Condition(condition_type, c.FALSE, err.reason, err.message)
        except Exception as err:  # a bug or an unclassified outage: reported, retried
            logger.exception("step %s failed unexpectedly", step_name)
            failure, outcome = _unexpected(err), "failed"
            cond = Condition(condition_type, c.FALSE, failure.reason, failure.message)
        elapsed = time.monotonic() - step_started
        timings.append(f"{step_name} {elapsed:.2f}s")
        metrics.STEP_DURATION.labels(step_name).observe(elapsed)
        metrics.STEP_RUNS.labels(step_name, outcome).inc()
        if outcome == "failed":
            metrics.STEP_ERRORS.labels(step_name, cond.reason).inc()
        observed[condition_type] = cond
        if failure is not None:
            break
    return observed, failure


def _finish(
    previous: dict[str, Any],
    observed: list[Condition],
    summary: Condition,
    generation: int,
    fields: dict[str, Any],
    changes: list[report.Change],
) -> PassResult:
    new = status.compose(
        previous, observed, summary=summary, generation=generation, now=now_rfc3339(), fields=fields
    )
    patch = status.changed_fields(previous, new)
    events: list[tuple[str, str, str]] = []
    for tr in c.transitions(previous.get("conditions") or [], new["conditions"]):
        if tr.old_status is None and tr.new_status == c.TRUE and tr.type != c.READY:
            continue  # a step succeeding the first time is not news; Ready says it all
        if tr.type == c.DRIFT_DETECTED:
            continue  # the DriftRepaired Event below says what was put back
        if tr.type == c.SUSPENDED and tr.old_status is None and tr.new_status == c.FALSE:
            continue  # a tenant that was never suspended: nothing to say
        events.append(
            (
                "Warning" if tr.is_warning else "Normal",
                tr.reason,
                f"{tr.type} is {tr.new_status}: {tr.message}",
            )
        )
    events.extend(("Normal", reason, message) for reason, message in report.summaries(changes))
    return PassResult(status_patch=patch, events=events)
