"""Tenant lifecycle through the API, against the real Kubernetes API server.

No operator runs in this module: the status-merge test writes the status
subresource itself, exactly as the operator does (the e2e tests do the same
with the real operator).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from control_plane.auth.roles import Role
from kubernetes import client as k8s

from consorcio_contract.identifiers import normalize_cnpj

pytestmark = pytest.mark.k8s

GROUP, VERSION, PLURAL = "consorcio.io", "v1alpha1", "consorciotenants"


def read_resource(custom_objects: k8s.CustomObjectsApi, slug: str) -> dict | None:
    try:
        return custom_objects.get_cluster_custom_object(GROUP, VERSION, PLURAL, slug)
    except k8s.ApiException as err:
        if err.status == 404:
            return None
        raise


def write_status(custom_objects: k8s.CustomObjectsApi, slug: str, ready: bool) -> dict:
    """What the operator writes when it has reconciled ``slug``."""
    current = read_resource(custom_objects, slug)
    assert current is not None
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    generation = current["metadata"]["generation"]
    condition = {
        "type": "Ready",
        "status": "True" if ready else "False",
        "reason": "Reconciled" if ready else "Provisioning",
        "message": "all steps complete" if ready else "waiting for the database",
        "observedGeneration": generation,
        "lastTransitionTime": now,
    }
    body = {
        "status": {
            "observedGeneration": generation,
            "conditions": [condition | {"type": "NamespaceReady", "status": "True"}, condition],
            "namespace": f"tenant-{slug}",
            "url": f"https://{slug}.consorcio.localhost",
            "appVersion": "1.2.0",
            "schemaRevision": "2026_11_23_0001",
        }
    }
    return custom_objects.patch_cluster_custom_object_status(GROUP, VERSION, PLURAL, slug, body)


async def test_create_tenant_makes_the_resource_and_merges_its_status(
    cp_client, auth, custom_objects, tenant_slugs, make_tenant_body, cnpj
) -> None:
    admin = auth[Role.PLATFORM_ADMIN]
    slug, doc = tenant_slugs(), cnpj()
    body = make_tenant_body(slug, doc, "professional", host=f"{slug}.clientes.example", appVersion="1.2.0")
    created = await cp_client.post("/api/tenants", json=body, headers=admin)
    assert created.status_code == 201, created.text
    view = created.json()
    assert view["state"] == "active" and view["resource"]["exists"] is True
    assert view["resource"]["ready"] is None  # nobody reconciled it yet

    resource = read_resource(custom_objects, slug)
    assert resource is not None
    assert resource["spec"] == {
        "displayName": body["displayName"],
        "cnpj": doc,
        "plan": "professional",
        "suspended": False,
        "appVersion": "1.2.0",
        "host": f"{slug}.clientes.example",
        "deletionPolicy": "Retain",
        "deletionProtection": True,  # on for every tenant created through the control plane
        "deletionGracePeriodDays": 7,
    }
    assert resource["metadata"]["labels"]["consorcio.io/tenant"] == slug
    assert resource["metadata"]["labels"]["consorcio.io/operator-instance"] == "control-plane-k8s-tests"

    write_status(custom_objects, slug, ready=True)
    merged = (await cp_client.get(f"/api/tenants/{slug}", headers=auth[Role.SRE_READONLY])).json()["resource"]
    assert merged["ready"] is True and merged["upToDate"] is True
    assert merged["url"] == f"https://{slug}.consorcio.localhost"
    assert (merged["namespace"], merged["appVersion"], merged["schemaRevision"]) == (
        f"tenant-{slug}",
        "1.2.0",
        "2026_11_23_0001",
    )
    assert [c["type"] for c in merged["conditions"]] == ["NamespaceReady", "Ready"]
    listed = {t["slug"]: t for t in (await cp_client.get("/api/tenants", headers=admin)).json()}
    assert listed[slug]["resource"]["ready"] is True

    # Same request again: nothing new, same answer (make up re-runs this).
    again = await cp_client.post("/api/tenants", json=body, headers=admin)
    assert again.status_code == 200
    assert again.json()["slug"] == slug


async def test_slug_and_cnpj_conflicts(
    cp_client, auth, tenant_slugs, make_tenant_body, cnpj, problem
) -> None:
    admin = auth[Role.PLATFORM_ADMIN]
    slug, doc = tenant_slugs(), cnpj()
    assert (
        await cp_client.post("/api/tenants", json=make_tenant_body(slug, doc), headers=admin)
    ).status_code == 201
    problem(await cp_client.post("/api/tenants", json=make_tenant_body(slug, cnpj()), headers=admin), 409)
    problem(
        await cp_client.post("/api/tenants", json=make_tenant_body(tenant_slugs(), doc), headers=admin), 409
    )


async def test_a_resource_created_outside_the_api_is_adopted_only_for_the_same_cnpj(
    cp_client, auth, custom_objects, tenant_slugs, make_tenant_body, cnpj, problem
) -> None:
    from consorcio_contract.tenant_resource import build_tenant_resource

    def outside(name: str, spec: dict) -> dict:
        body = build_tenant_resource(name, spec)
        body["metadata"]["labels"]["consorcio.io/operator-instance"] = "control-plane-k8s-tests"
        return body

    admin = auth[Role.PLATFORM_ADMIN]
    slug, doc = tenant_slugs(), cnpj()
    custom_objects.create_cluster_custom_object(
        GROUP,
        VERSION,
        PLURAL,
        outside(slug, {"displayName": "Outra", "cnpj": cnpj(), "plan": "starter"}),
    )
    problem(await cp_client.post("/api/tenants", json=make_tenant_body(slug, doc), headers=admin), 409)

    slug2 = tenant_slugs()
    custom_objects.create_cluster_custom_object(
        GROUP,
        VERSION,
        PLURAL,
        outside(slug2, {"displayName": "Mesma", "cnpj": doc, "plan": "starter"}),
    )
    adopted = await cp_client.post("/api/tenants", json=make_tenant_body(slug2, doc), headers=admin)
    # 201, or 200 when the control plane's watch registered the applied resource first; either
    # way the call's commercial data is on the record.
    assert adopted.status_code in (200, 201), adopted.text
    assert adopted.json()["billingIssues"] == []
    assert normalize_cnpj(adopted.json()["cnpj"]) == doc


async def test_a_cnpj_held_by_a_kubectl_tenant_is_refused_to_another_slug(
    cp_client, auth, custom_objects, tenant_slugs, make_tenant_body, cnpj, problem
) -> None:
    from consorcio_contract.identifiers import format_cnpj
    from consorcio_contract.tenant_resource import build_tenant_resource

    admin = auth[Role.PLATFORM_ADMIN]
    applied, doc = tenant_slugs(), cnpj()
    # Applied with kubectl (the control plane has no record of it), CNPJ punctuated.
    body = build_tenant_resource(
        applied, {"displayName": "Via kubectl", "cnpj": format_cnpj(doc), "plan": "starter"}
    )
    body["metadata"]["labels"]["consorcio.io/operator-instance"] = "control-plane-k8s-tests"
    custom_objects.create_cluster_custom_object(GROUP, VERSION, PLURAL, body)

    other = tenant_slugs()
    refused = await cp_client.post("/api/tenants", json=make_tenant_body(other, doc), headers=admin)
    assert repr(applied) in problem(refused, 409)["detail"]
    problem(await cp_client.get(f"/api/tenants/{other}", headers=admin), 404)
    assert read_resource(custom_objects, other) is None


async def test_plan_suspension_edit_and_deletion_change_the_resource_spec(
    cp_client, auth, custom_objects, tenant_slugs, make_tenant_body, cnpj, problem
) -> None:
    admin, billing = auth[Role.PLATFORM_ADMIN], auth[Role.BILLING]
    slug = tenant_slugs()
    assert (
        await cp_client.post("/api/tenants", json=make_tenant_body(slug, cnpj()), headers=admin)
    ).status_code == 201
    write_status(custom_objects, slug, ready=True)

    preview = await cp_client.get(f"/api/tenants/{slug}/plan-change-preview?plan=enterprise", headers=billing)
    assert preview.status_code == 200
    figures = preview.json()
    assert (figures["currentPlan"], figures["newPlan"], figures["newMonthlyPrice"]) == (
        "starter",
        "enterprise",
        "14900.00",
    )
    assert [line["kind"] for line in figures["lines"]] == ["proration_credit", "proration_charge"]
    assert read_resource(custom_objects, slug)["spec"]["plan"] == "starter"  # a preview changes nothing

    changed = await cp_client.put(f"/api/tenants/{slug}/plan", json={"plan": "enterprise"}, headers=billing)
    assert changed.status_code == 200, changed.text
    assert changed.json()["proration"]["net"] == figures["net"]
    resource = read_resource(custom_objects, slug)
    assert resource["spec"]["plan"] == "enterprise"
    view = changed.json()["tenant"]
    assert (
        view["plan"] == "enterprise" and view["resource"]["upToDate"] is False
    )  # operator has not caught up
    history = (await cp_client.get(f"/api/tenants/{slug}/plan-history", headers=billing)).json()
    assert [h["plan"] for h in history] == ["starter", "enterprise"]

    suspended = await cp_client.post(
        f"/api/tenants/{slug}/suspend", json={"note": "pedido do cliente"}, headers=billing
    )
    assert (suspended.json()["state"], suspended.json()["suspensionReason"]) == ("suspended", "manual")
    assert read_resource(custom_objects, slug)["spec"]["suspended"] is True
    resumed = await cp_client.post(f"/api/tenants/{slug}/resume", headers=billing)
    assert resumed.json()["state"] == "active"
    assert read_resource(custom_objects, slug)["spec"]["suspended"] is False

    edited = await cp_client.patch(
        f"/api/tenants/{slug}", json={"displayName": "Novo Nome Ltda"}, headers=admin
    )
    assert edited.status_code == 200
    assert read_resource(custom_objects, slug)["spec"]["displayName"] == "Novo Nome Ltda"

    problem(await cp_client.delete(f"/api/tenants/{slug}?deletionPolicy=Delete", headers=billing), 403)
    # Protected: refused by the API, and by the API server to anyone else (kubectl, this client).
    refused = problem(
        await cp_client.delete(f"/api/tenants/{slug}?deletionPolicy=Delete", headers=admin), 409
    )
    assert "protected against deletion" in refused["detail"] and "deletion-protection" in refused["detail"]
    with pytest.raises(k8s.ApiException) as err:
        custom_objects.delete_cluster_custom_object(GROUP, VERSION, PLURAL, slug)
    assert err.value.status == 403 and "is protected" in err.value.body
    assert read_resource(custom_objects, slug)["spec"]["deletionPolicy"] == "Retain"  # nothing changed
    unprotected = await cp_client.put(
        f"/api/tenants/{slug}/deletion-protection", json={"enabled": False}, headers=admin
    )
    assert unprotected.status_code == 200 and unprotected.json()["resource"]["deletionProtection"] is False
    deleted = await cp_client.delete(f"/api/tenants/{slug}?deletionPolicy=Snapshot", headers=admin)
    assert deleted.status_code == 202
    assert deleted.json()["state"] == "deleted" and deleted.json()["deletionPolicy"] == "Snapshot"
    remaining = read_resource(custom_objects, slug)
    # Without an operator there is no finalizer: the resource is gone (or going, when one runs).
    assert remaining is None or remaining["metadata"].get("deletionTimestamp")
    problem(await cp_client.put(f"/api/tenants/{slug}/plan", json={"plan": "starter"}, headers=admin), 409)

    trail = (
        await cp_client.get(
            f"/api/audit-events?targetType=tenant&targetId={slug}", headers=auth[Role.SRE_READONLY]
        )
    ).json()
    assert [e["action"] for e in reversed(trail)] == [
        "tenant.create",
        "tenant.change_plan",
        "tenant.suspend",
        "tenant.resume",
        "tenant.update",
        "tenant.deletion_protection",
        "tenant.delete",
    ]
    assert trail[-1]["actor"] == "platform-admin@platform.example"
    assert trail[-2]["details"] == {"from": "starter", "to": "enterprise", "prorationNet": figures["net"]}


async def test_a_deleted_tenant_is_restored_under_its_slug_cancelling_a_pending_destruction(
    cp_client, auth, custom_objects, tenant_slugs, make_tenant_body, cnpj
) -> None:
    """No operator runs here: the test holds the resource in deletion with a finalizer of its own and
    releases it as the operator would once the destruction was cancelled (deletionPolicy Retain)."""
    admin = auth[Role.PLATFORM_ADMIN]
    slug, doc = tenant_slugs(), cnpj()
    body = make_tenant_body(slug, doc) | {"deletionProtection": False, "deletionGracePeriodDays": 3}
    assert (await cp_client.post("/api/tenants", json=body, headers=admin)).status_code == 201
    custom_objects.patch_cluster_custom_object(
        GROUP, VERSION, PLURAL, slug, {"metadata": {"finalizers": ["tests.consorcio.io/hold"]}}
    )
    deleted = await cp_client.delete(f"/api/tenants/{slug}?deletionPolicy=Delete", headers=admin)
    assert deleted.status_code == 202 and deleted.json()["state"] == "deleted"
    assert deleted.json()["resource"]["deleting"] is True
    # The slug is blocked for a new onboarding of someone else ...
    other = await cp_client.post("/api/tenants", json=make_tenant_body(slug, cnpj()), headers=admin)
    assert other.status_code == 409
    # ... and restore first cancels the destruction, then (once released) re-creates the resource.
    pending = await cp_client.post(f"/api/tenants/{slug}/restore", headers=admin)
    assert pending.status_code == 202, pending.text
    assert read_resource(custom_objects, slug)["spec"]["deletionPolicy"] == "Retain"
    custom_objects.patch_cluster_custom_object(
        GROUP, VERSION, PLURAL, slug, {"metadata": {"finalizers": None}}
    )
    assert read_resource(custom_objects, slug) is None
    restored = await cp_client.post(f"/api/tenants/{slug}/restore", headers=admin)
    assert restored.status_code == 200, restored.text
    view = restored.json()
    assert view["state"] == "active" and view["deletedAt"] is None
    spec = read_resource(custom_objects, slug)["spec"]
    assert spec["cnpj"] == normalize_cnpj(doc) and spec["deletionProtection"] is True
    assert spec["deletionPolicy"] == "Retain"
    # Repeating it is harmless.
    assert (await cp_client.post(f"/api/tenants/{slug}/restore", headers=admin)).status_code == 200
    trail = (
        await cp_client.get(f"/api/audit-events?targetType=tenant&targetId={slug}", headers=admin)
    ).json()
    assert [e["action"] for e in reversed(trail)] == [
        "tenant.create",
        "tenant.delete",
        "tenant.deletion_cancel",
        "tenant.restore",
    ]


async def test_grace_period_days_are_bounded_in_the_api(
    cp_client, auth, tenant_slugs, make_tenant_body, cnpj, problem
) -> None:
    admin = auth[Role.PLATFORM_ADMIN]
    body = make_tenant_body(tenant_slugs(), cnpj()) | {"deletionGracePeriodDays": 91}
    refused = problem(await cp_client.post("/api/tenants", json=body, headers=admin), 422)
    assert [e["field"] for e in refused["errors"]] == ["deletionGracePeriodDays"]
