"""One truth between kubectl and the control plane: the control plane's watch follows
ConsorcioTenants created, changed and deleted directly in the real API server (issue 14 item 1).

No operator runs here: the resources are what kubectl or GitOps would apply; the control plane
under test (tests/k8s/control_plane/conftest.py) watches them like in production.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from control_plane.auth.roles import Role

from consorcio_contract.identifiers import normalize_cnpj
from consorcio_contract.names import TRACEPARENT_ANNOTATION
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
