"""Dunning against the real API server: past grace -> spec.suspended, payment -> resumed.

The dunning job is the Celery task's body (``billing.tasks.run_dunning``),
run with an ``as_of`` date past the grace period instead of waiting weeks.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from control_plane.auth.roles import Role
from control_plane.billing import tasks as billing_tasks
from control_plane.billing.periods import BillingPeriod, local_date
from kubernetes import client as k8s

pytestmark = pytest.mark.k8s

GROUP, VERSION, PLURAL = "consorcio.io", "v1alpha1", "consorciotenants"
TODAY = local_date(datetime.now(UTC))
LAST_MONTH = BillingPeriod.containing(TODAY).previous()


def spec_of(custom_objects: k8s.CustomObjectsApi, slug: str) -> dict:
    return custom_objects.get_cluster_custom_object(GROUP, VERSION, PLURAL, slug)["spec"]


async def onboard(cp_client, auth, slug: str, doc: str) -> None:
    body = {
        "slug": slug,
        "displayName": f"Administradora {slug}",
        "cnpj": doc,
        "plan": "starter",
        "billingContact": {"name": "Financeiro", "email": "fin@example.com"},
        # Backdated contract: last month is billable.
        "contractStart": (LAST_MONTH.start - timedelta(days=31)).isoformat(),
    }
    response = await cp_client.post("/api/tenants", json=body, headers=auth[Role.PLATFORM_ADMIN])
    assert response.status_code == 201, response.text


async def open_invoice(cp_client, auth, slug: str) -> dict:
    invoices = (await cp_client.get(f"/api/invoices?tenant={slug}", headers=auth[Role.BILLING])).json()
    assert len(invoices) == 1 and invoices[0]["status"] == "open"
    return invoices[0]


async def test_unpaid_invoice_past_grace_suspends_and_payment_resumes(
    cp_client, cp_settings, auth, custom_objects, tenant_slugs, cnpj
) -> None:
    billing = auth[Role.BILLING]
    late, manual = tenant_slugs(), tenant_slugs()
    await onboard(cp_client, auth, late, cnpj())
    await onboard(cp_client, auth, manual, cnpj())
    run = await cp_client.post(
        "/api/billing/invoice-runs", json={"period": LAST_MONTH.label}, headers=billing
    )
    assert run.json()["created"] == 2
    invoice = await open_invoice(cp_client, auth, late)
    due = date.fromisoformat(invoice["dueDate"])
    grace = cp_settings.billing.grace_days

    # On the last day of grace: reminders only.
    on_edge = await billing_tasks.run_dunning(cp_settings, (due + timedelta(days=grace)).isoformat())
    assert late not in on_edge["suspended"] and on_edge["reminders"] >= 4  # 2 reminders x 2 tenants
    assert spec_of(custom_objects, late)["suspended"] is False

    # A manual suspension outranks dunning and survives payment.
    await cp_client.post(f"/api/tenants/{manual}/suspend", headers=billing)

    past = (due + timedelta(days=grace + 1)).isoformat()
    result = await billing_tasks.run_dunning(cp_settings, past)
    assert late in result["suspended"] and manual not in result["suspended"]
    assert result["failures"] == []
    assert spec_of(custom_objects, late)["suspended"] is True
    view = (await cp_client.get(f"/api/tenants/{late}", headers=billing)).json()
    assert (view["state"], view["suspensionReason"]) == ("suspended", "dunning")

    # Idempotent: running again sends nothing new and keeps the suspension.
    rerun = await billing_tasks.run_dunning(cp_settings, past)
    assert rerun["reminders"] == 0 and rerun["suspended"] == [] and rerun["resumed"] == []

    # Someone un-suspends the resource with kubectl: the control plane follows it (one truth,
    # its watch records the resume), and the next dunning run suspends it again.
    custom_objects.patch_cluster_custom_object(
        GROUP,
        VERSION,
        PLURAL,
        late,
        {"spec": {"suspended": False}},
        _content_type="application/merge-patch+json",
    )
    deadline = time.monotonic() + 30
    while (await cp_client.get(f"/api/tenants/{late}", headers=billing)).json()["state"] != "active":
        assert time.monotonic() < deadline, "the kubectl resume was never followed"
        await asyncio.sleep(0.2)
    again = await billing_tasks.run_dunning(cp_settings, past)
    assert again["suspended"] == [late]
    assert spec_of(custom_objects, late)["suspended"] is True

    paid = await cp_client.post(
        f"/api/invoices/{invoice['id']}/payments",
        json={"amount": invoice["total"], "method": "pix", "reference": "E2E-PIX-1"},
        headers=billing | {"Idempotency-Key": str(uuid.uuid4())},
    )
    assert paid.status_code == 201 and paid.json()["invoice"]["status"] == "paid"
    assert spec_of(custom_objects, late)["suspended"] is False
    view = (await cp_client.get(f"/api/tenants/{late}", headers=billing)).json()
    assert (view["state"], view["suspensionReason"]) == ("active", None)

    manual_invoice = await open_invoice(cp_client, auth, manual)
    await cp_client.post(
        f"/api/invoices/{manual_invoice['id']}/payments",
        json={"amount": manual_invoice["total"], "method": "boleto"},
        headers=billing | {"Idempotency-Key": str(uuid.uuid4())},
    )
    assert spec_of(custom_objects, manual)["suspended"] is True
    assert (await cp_client.get(f"/api/tenants/{manual}", headers=billing)).json()[
        "suspensionReason"
    ] == "manual"

    trail = (
        await cp_client.get(
            f"/api/audit-events?targetType=tenant&targetId={late}", headers=auth[Role.SRE_READONLY]
        )
    ).json()
    actions = [e["action"] for e in reversed(trail)]
    assert actions == ["tenant.create", "tenant.suspend", "tenant.resume", "tenant.suspend", "tenant.resume"]
    assert trail[2]["actor"] == "system:tenant-watch" and trail[2]["details"]["source"] == "cluster"
    assert trail[1]["actor"] == "system:beat" and trail[0]["actor"] == "billing@platform.example"
    notices = (
        await cp_client.get(
            f"/api/audit-events?targetType=invoice&targetId={invoice['number']}",
            headers=auth[Role.SRE_READONLY],
        )
    ).json()
    assert sorted(e["details"].get("notice", e["action"]) for e in notices) == [
        "invoice.payment",
        "reminder-1",
        "reminder-7",
        "suspension",
    ]
