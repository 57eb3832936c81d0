"""One truth between kubectl and the control plane: the control plane's watch follows
ConsorcioTenants created, changed and deleted directly in the real API server (issue 14 item 1).

No operator runs here: the resources are what kubectl or GitOps would apply; the control plane
under test (tests/k8s/control_plane/conftest.py) watches them like in production.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from control_plane.auth.roles import Role
from control_plane.billing.invoice_math import plan_segments, subscription_lines
from control_plane.billing.periods import BillingPeriod, local_date
from control_plane.tenants.models import PlanChange, Tenant
from control_plane.tenants.watcher import TenantWatcher
from sqlalchemy import select, update

from consorcio_contract.identifiers import normalize_cnpj
from consorcio_contract.names import TRACEPARENT_ANNOTATION
from consorcio_contract.plans import CATALOG, PlanName
from tests.support.tracing import memory_exporter

pytestmark = pytest.mark.k8s

GROUP, VERSION, PLURAL = "consorcio.io", "v1alpha1", "consorciotenants"
INSTANCE = "control-plane-k8s-tests"  # the operator instance of the control plane under test
TIMEOUT = 30


def applied(slug: str, cnpj: str, plan: str = "starter", **spec: object) -> dict:
    """A ConsorcioTenant as `kubectl apply` would create it (no control plane involved)."""
    return {
        "apiVersion": f"{GROUP}/{VERSION}",
        "kind": "ConsorcioTenant",
        "metadata": {
            "name": slug,
            "labels": {"consorcio.io/tenant": slug, "consorcio.io/operator-instance": INSTANCE},
        },
        "spec": {"displayName": f"Administradora {slug}", "cnpj": cnpj, "plan": plan, **spec},
    }


async def eventually(check, what: str):
    deadline = time.monotonic() + TIMEOUT
    while True:
        result = await check()
        if result:
            return result
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.2)


def patch(custom_objects, slug: str, spec: dict) -> None:
    custom_objects.patch_cluster_custom_object(GROUP, VERSION, PLURAL, slug, {"spec": spec})


async def _missing_contact(cp_client, headers) -> set[str]:
    response = await cp_client.get("/api/tenants?billingIssue=billingContactMissing", headers=headers)
    assert response.status_code == 200
    return {t["slug"] for t in response.json()}


async def test_a_tenant_applied_with_kubectl_is_registered_billed_and_flagged(
    cp_client, auth, custom_objects, tenant_slugs, cnpj, make_tenant_body
) -> None:
    admin = auth[Role.PLATFORM_ADMIN]
    slug, doc = tenant_slugs(), cnpj()
    complete = tenant_slugs()
    assert (
        await cp_client.post("/api/tenants", json=make_tenant_body(complete, cnpj()), headers=admin)
    ).status_code == 201
    custom_objects.create_cluster_custom_object(GROUP, VERSION, PLURAL, applied(slug, doc, "professional"))

    async def registered():
        response = await cp_client.get(f"/api/tenants/{slug}", headers=admin)
        return response.json() if response.status_code == 200 else None

    view = await eventually(registered, f"{slug} registered")
    assert view["origin"] == "cluster" and view["plan"] == "professional" and view["state"] == "active"
    assert view["cnpj"].replace(".", "").replace("/", "").replace("-", "") == normalize_cnpj(doc)
    # Nothing silent: billing says what it is missing.
    assert view["billingIssues"] == ["billingContactMissing"]
    # The list filter finds the tenants billing cannot invoice yet, and only those.
    missing = await _missing_contact(cp_client, admin)
    assert slug in missing and complete not in missing
    everyone = {t["slug"] for t in (await cp_client.get("/api/tenants", headers=admin)).json()}
    assert {slug, complete} <= everyone
    unknown = await cp_client.get("/api/tenants?billingIssue=somethingElse", headers=admin)
    assert unknown.status_code == 422 and unknown.headers["content-type"].startswith(
        "application/problem+json"
    )
    plans = (await cp_client.get(f"/api/tenants/{slug}/plan-history", headers=admin)).json()
    assert [p["plan"] for p in plans] == ["professional"]
    # Once the contact is filled in, billing has everything.
    contact = {"billingContact": {"name": "Financeiro", "email": "fin@example.com"}}
    edited = await cp_client.patch(f"/api/tenants/{slug}", json=contact, headers=admin)
    assert edited.status_code == 200 and edited.json()["billingIssues"] == []
    assert slug not in await _missing_contact(cp_client, admin)


async def test_plan_and_suspension_changed_with_kubectl_land_in_the_history(
    cp_client, auth, custom_objects, tenant_slugs, cnpj, make_tenant_body
) -> None:
    admin = auth[Role.PLATFORM_ADMIN]
    slug = tenant_slugs()
    created = await cp_client.post("/api/tenants", json=make_tenant_body(slug, cnpj()), headers=admin)
    assert created.status_code == 201 and created.json()["origin"] == "control-plane"

    patch(custom_objects, slug, {"plan": "enterprise"})

    async def plan_is(plan: str):
        view = (await cp_client.get(f"/api/tenants/{slug}", headers=admin)).json()
        return view if view["plan"] == plan else None

    await eventually(lambda: plan_is("enterprise"), "kubectl plan change followed")
    plans = (await cp_client.get(f"/api/tenants/{slug}/plan-history", headers=admin)).json()
    assert [p["plan"] for p in plans] == ["starter", "enterprise"]  # prorated like an API change
    assert plans[-1]["changedBy"].startswith("cluster")

    patch(custom_objects, slug, {"suspended": True})

    async def suspended():
        view = (await cp_client.get(f"/api/tenants/{slug}", headers=admin)).json()
        return view if view["state"] == "suspended" else None

    view = await eventually(suspended, "kubectl suspension followed")
    assert view["suspensionReason"] == "manual"

    # A change through the API is recorded once, not again when the watch sees it.
    changed = await cp_client.put(f"/api/tenants/{slug}/plan", json={"plan": "professional"}, headers=admin)
    assert changed.status_code == 200
    patch(custom_objects, slug, {"suspended": False})  # a later kubectl change, to know the watch caught up
    await eventually(lambda: _state_is(cp_client, admin, slug, "active"), "kubectl resume followed")
    history = (await cp_client.get(f"/api/tenants/{slug}/history", headers=admin)).json()
    assert [(h["field"], h["oldValue"], h["newValue"], h["source"]) for h in history] == [
        ("registered", None, "starter", "api"),
        ("plan", "starter", "enterprise", "cluster"),
        ("suspended", "False", "True", "cluster"),
        ("plan", "enterprise", "professional", "api"),
        ("suspended", "True", "False", "cluster"),
    ]
    trail = (
        await cp_client.get(f"/api/audit-events?targetType=tenant&targetId={slug}", headers=admin)
    ).json()
    cluster_actions = [
        e["action"] for e in reversed(trail) if (e.get("details") or {}).get("source") == "cluster"
    ]
    assert cluster_actions == ["tenant.change_plan", "tenant.suspend", "tenant.resume"]


async def _state_is(cp_client, headers, slug: str, state: str):
    response = await cp_client.get(f"/api/tenants/{slug}", headers=headers)
    if response.status_code == 404:
        return None  # not registered yet
    view = response.json()
    return view if view["state"] == state else None


async def test_kubectl_delete_marks_it_deleted_and_applying_it_again_restores_it(
    cp_client, auth, custom_objects, tenant_slugs, cnpj
) -> None:
    admin = auth[Role.PLATFORM_ADMIN]
    slug, doc = tenant_slugs(), cnpj()
    custom_objects.create_cluster_custom_object(GROUP, VERSION, PLURAL, applied(slug, doc))
    await eventually(lambda: _state_is(cp_client, admin, slug, "active"), f"{slug} registered")
    custom_objects.delete_cluster_custom_object(GROUP, VERSION, PLURAL, slug)
    view = await eventually(lambda: _state_is(cp_client, admin, slug, "deleted"), "kubectl delete followed")
    assert view["deletedAt"] is not None
    custom_objects.create_cluster_custom_object(GROUP, VERSION, PLURAL, applied(slug, doc))
    view = await eventually(lambda: _state_is(cp_client, admin, slug, "active"), "re-applied tenant restored")
    assert view["deletedAt"] is None
    fields = [h["field"] for h in (await cp_client.get(f"/api/tenants/{slug}/history", headers=admin)).json()]
    assert fields == ["registered", "deleted", "deleted"]


async def test_a_cnpj_already_held_is_not_registered_again(
    cp_client, auth, custom_objects, tenant_slugs, cnpj, make_tenant_body
) -> None:
    admin = auth[Role.PLATFORM_ADMIN]
    holder, doc = tenant_slugs(), cnpj()
    assert (
        await cp_client.post("/api/tenants", json=make_tenant_body(holder, doc), headers=admin)
    ).status_code == 201
    duplicate, marker = tenant_slugs(), tenant_slugs()
    custom_objects.create_cluster_custom_object(GROUP, VERSION, PLURAL, applied(duplicate, doc))
    # Events are handled in order: once the marker applied after it is registered, so was the duplicate.
    custom_objects.create_cluster_custom_object(GROUP, VERSION, PLURAL, applied(marker, cnpj()))
    await eventually(lambda: _state_is(cp_client, admin, marker, "active"), "marker registered")
    assert (await cp_client.get(f"/api/tenants/{duplicate}", headers=admin)).status_code == 404


async def test_a_tenant_creation_is_a_trace_the_resource_carries_to_the_operator(
    cp_client, auth, custom_objects, tenant_slugs, cnpj, make_tenant_body
) -> None:
    """The control plane's span for the creation and the W3C traceparent it writes on the
    resource (the operator links its pass to it: tests/unit/tenant_operator/test_operator_tracing.py)."""
    exporter = memory_exporter()
    admin = auth[Role.PLATFORM_ADMIN]
    slug = tenant_slugs()
    # The caller (an admin tool, the tenant app) sends its trace: the API joins it.
    caller_trace = "5f3b1c0e9d8a7b6c5d4e3f2a1b0c9d8e"
    headers = admin | {"traceparent": f"00-{caller_trace}-1a2b3c4d5e6f7081-01"}
    created = await cp_client.post("/api/tenants", json=make_tenant_body(slug, cnpj()), headers=headers)
    assert created.status_code == 201
    spans = [s for s in exporter.get_finished_spans() if s.name == "tenant.create"]
    assert [(s.attributes or {}).get("consorcio.tenant") for s in spans] == [slug]
    trace_id = format(spans[0].context.trace_id, "032x")
    assert trace_id == caller_trace
    (server,) = [
        s
        for s in exporter.get_finished_spans()
        if s.name == "POST" and (s.attributes or {}).get("url.path") == "/api/tenants"
    ]
    parent = spans[0].parent
    assert (
        parent is not None and parent.span_id == server.context.span_id
    )  # the operation is a child of the request
    resource = custom_objects.get_cluster_custom_object(GROUP, VERSION, PLURAL, slug)
    traceparent = resource["metadata"]["annotations"][TRACEPARENT_ANNOTATION]
    assert traceparent.split("-")[1] == trace_id
    # A later change carries its own trace.
    await cp_client.post(f"/api/tenants/{slug}/suspend", headers=admin)
    (suspend,) = [s for s in exporter.get_finished_spans() if s.name == "tenant.suspend"]
    resource = custom_objects.get_cluster_custom_object(GROUP, VERSION, PLURAL, slug)
    assert resource["metadata"]["annotations"][TRACEPARENT_ANNOTATION].split("-")[1] == format(
        suspend.context.trace_id, "032x"
    )


async def _nothing_to_publish() -> None:
    return None


def kubectl(kubeconfig, *args: str) -> None:
    subprocess.run(["kubectl", f"--kubeconfig={kubeconfig}", *args], check=True, capture_output=True)


async def test_a_plan_changed_while_nobody_watched_is_billed_from_the_change(
    cp_client, auth, custom_objects, k8s_api_client, cp_session_factory, tenant_slugs, cnpj, kubeconfig
) -> None:
    """The control plane is down when the plan is changed with kubectl and comes back two days
    later (its watch's clock says so): it lists the resources, catches up, and the invoice
    preview prorates from the day of the kubectl change (the API server's managedFields stamp
    of the write that set spec.plan), not from the day the change was seen. A stamp rewritten
    to before the previous change is not trusted: that change counts from when it was seen."""
    admin = auth[Role.PLATFORM_ADMIN]
    slug = tenant_slugs()
    instance = f"catch-up-{slug}"  # the module's control plane does not watch this instance's tenants
    body = applied(slug, cnpj(), "starter")
    body["metadata"]["labels"]["consorcio.io/operator-instance"] = instance
    custom_objects.create_cluster_custom_object(GROUP, VERSION, PLURAL, body)

    async def follow(late_by: timedelta, plan: str) -> None:
        """A control plane watching ``instance`` with a clock ``late_by`` ahead, until it follows."""
        watcher = TenantWatcher(
            k8s_api_client,
            cp_session_factory,
            operator_instance=instance,
            publish_change=_nothing_to_publish,
            clock=lambda: datetime.now(UTC) + late_by,
        )
        watcher.start()
        try:

            async def plan_is():
                response = await cp_client.get(f"/api/tenants/{slug}", headers=admin)
                return response.status_code == 200 and response.json()["plan"] == plan

            await eventually(plan_is, f"{slug} followed with plan {plan}")
        finally:
            await watcher.stop()

    async def last_effective_from() -> datetime:
        plans = (await cp_client.get(f"/api/tenants/{slug}/plan-history", headers=admin)).json()
        return datetime.fromisoformat(plans[-1]["effectiveFrom"])

    await follow(timedelta(0), "starter")
    # A customer since the month began (arranged in its record: the test cannot wait for days).
    period = BillingPeriod.containing_instant(datetime.now(UTC))
    async with cp_session_factory() as session:
        tenant = await session.scalar(select(Tenant).where(Tenant.slug == slug))
        assert tenant is not None
        tenant.contract_start = period.start
        await session.execute(
            update(PlanChange)
            .where(PlanChange.tenant_id == tenant.id)
            .values(effective_from=period.start_instant)
        )
        await session.commit()

    # Nobody watches: the plan is changed with kubectl.
    before = datetime.now(UTC).replace(microsecond=0)  # the API server stamps whole seconds
    kubectl(
        kubeconfig, "patch", "consorciotenant", slug, "--type=merge", "-p", '{"spec":{"plan":"enterprise"}}'
    )
    after = datetime.now(UTC)
    await follow(timedelta(days=2), "enterprise")

    effective = await last_effective_from()
    assert before <= effective <= after, (before, effective, after)
    starter, enterprise = CATALOG[PlanName.STARTER], CATALOG[PlanName.ENTERPRISE]

    def expected(change_day):
        segments = plan_segments(period, [(period.start, starter), (change_day, enterprise)])
        return [
            (line.kind.value, line.description, line.amount) for line in subscription_lines(period, segments)
        ]

    billed_from_change = expected(local_date(effective))
    billed_when_seen = expected(local_date(effective + timedelta(days=2)))
    assert billed_from_change != billed_when_seen  # the test tells the two apart
    preview = await cp_client.get(f"/api/tenants/{slug}/invoice-preview?period={period.label}", headers=admin)
    assert preview.status_code == 200
    subscription = [
        (line["kind"], line["description"], Decimal(str(line["amount"])))
        for line in preview.json()["lines"]
        if line["kind"] in ("base", "proration_credit", "proration_charge")
    ]
    assert subscription == billed_from_change

    # A stamp rewritten to before the previous change (any client may write managedFields).
    kubectl(
        kubeconfig, "patch", "consorciotenant", slug, "--type=merge", "-p", '{"spec":{"plan":"professional"}}'
    )
    live = custom_objects.get_cluster_custom_object(GROUP, VERSION, PLURAL, slug)
    backdated = (period.start_instant - timedelta(days=3)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    rewrite = [
        {"op": "replace", "path": f"/metadata/managedFields/{i}/time", "value": backdated}
        for i, entry in enumerate(live["metadata"]["managedFields"])
        if "f:plan" in (entry.get("fieldsV1") or {}).get("f:spec", {})
    ]
    assert rewrite
    kubectl(kubeconfig, "patch", "consorciotenant", slug, "--type=json", "-p", json.dumps(rewrite))
    rewritten = custom_objects.get_cluster_custom_object(GROUP, VERSION, PLURAL, slug)
    assert backdated in {e.get("time") for e in rewritten["metadata"]["managedFields"]}
    seen_from = datetime.now(UTC)
    await follow(timedelta(0), "professional")
    assert seen_from <= await last_effective_from() <= datetime.now(UTC)
