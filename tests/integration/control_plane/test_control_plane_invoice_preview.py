"""The invoice preview (same math as the run, usage so far) and the platform flags seeded by migrate."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from control_plane.auth.roles import Role
from control_plane.billing.periods import BillingPeriod, local_date
from control_plane.flags.defaults import ensure_platform_flags
from control_plane.usage.service import UsageService

from consorcio_contract.feature_flags import APURACAO_VERIFICACAO, AUDITORIA_VERIFICACAO, PLATFORM_FLAGS
from consorcio_contract.plans import PlanName
from consorcio_contract.usage import Metric, UsageEvent

pytestmark = pytest.mark.integration

P = BillingPeriod.containing(local_date(datetime.now(UTC))).previous().previous()


def lines_of(invoice: dict) -> list[tuple]:
    """Lines as values (the stored quantity carries four decimals, the preview's does not)."""
    return [
        (
            line["position"],
            line["kind"],
            line["description"],
            *map(Decimal, (line["quantity"], line["unitPrice"], line["amount"])),
        )
        for line in invoice["lines"]
    ]


def event(metric: Metric, value: int, at: datetime) -> UsageEvent:
    return UsageEvent(id=str(uuid.uuid4()), metric=metric, value=value, occurred_at=at)


async def test_the_preview_is_the_invoice_the_run_will_issue(
    cp_client, auth, seed_tenant, cp_session_factory, problem
) -> None:
    tenant = await seed_tenant(plan=PlanName.STARTER, contract_start=P.start - timedelta(days=90))
    inside = P.start_instant + timedelta(days=2)
    async with cp_session_factory() as session:
        await UsageService(session).ingest(
            tenant.id,
            [
                event(Metric.ACTIVE_COTAS, 2_100, inside),
                event(Metric.API_REQUESTS, 400_000, inside),
                event(Metric.API_REQUESTS, 100_001, inside),
                event(Metric.PAGAMENTOS_REGISTRADOS, 3, inside),
                event(Metric.PAGAMENTOS_REGISTRADOS, 4, inside),
            ],
            datetime.now(UTC),
        )
    reader = auth[Role.SRE_READONLY]
    preview = await cp_client.get(
        f"/api/tenants/{tenant.slug}/invoice-preview?period={P.label}", headers=reader
    )
    assert preview.status_code == 200, preview.text
    body = preview.json()
    usage = {m["metric"]: m for m in body["usage"]}
    assert (
        usage["pagamentos_registrados"]["billable"] == 7
        and usage["pagamentos_registrados"]["billedBy"] == "sum"
    )
    assert usage["api_requests"]["billable"] == 500_001 and usage["active_cotas"]["billable"] == 2_100
    assert (body["plan"], body["period"], body["currency"]) == ("starter", P.label, "BRL")

    run = await cp_client.post(
        "/api/billing/invoice-runs", json={"period": P.label}, headers=auth[Role.BILLING]
    )
    assert run.status_code == 200, run.text
    invoices = (await cp_client.get(f"/api/invoices?tenant={tenant.slug}", headers=reader)).json()
    issued = (await cp_client.get(f"/api/invoices/{invoices[0]['id']}", headers=reader)).json()
    assert body["total"] == issued["total"]
    assert lines_of(body) == lines_of(issued)
    # Two overage lines (cotas above 2,000, one started thousand of requests); payments are not priced.
    assert [line["kind"] for line in body["lines"]] == [
        "base",
        "overage_active_cotas",
        "overage_api_requests",
    ]

    missing = await cp_client.get("/api/tenants/nao-existe/invoice-preview", headers=reader)
    problem(missing, 404)


async def test_migrate_seeds_the_platform_flags_once_and_never_resets_them(
    cp_client, auth, seed_tenant, cp_session_factory
) -> None:
    async with cp_session_factory() as session:
        assert await ensure_platform_flags(session) == sorted(f.key for f in PLATFORM_FLAGS)
    admin = auth[Role.PLATFORM_ADMIN]
    url = f"/api/flags/{APURACAO_VERIFICACAO.key}"
    version = (await cp_client.get(url, headers=admin)).headers["etag"]
    changed = await cp_client.patch(url, json={"enabled": False}, headers=admin | {"If-Match": version})
    assert changed.status_code == 200, changed.text
    async with cp_session_factory() as session:
        assert await ensure_platform_flags(session) == []
    kept = (await cp_client.get(f"/api/flags/{APURACAO_VERIFICACAO.key}", headers=admin)).json()
    assert kept["enabled"] is False  # a deployment never undoes an administrator's change

    starter = await seed_tenant(plan=PlanName.STARTER)
    enterprise = await seed_tenant(plan=PlanName.ENTERPRISE)
    for tenant, expected in ((starter, False), (enterprise, True)):
        evaluation = await cp_client.get(
            f"/api/flags/{AUDITORIA_VERIFICACAO.key}/evaluation?tenant={tenant.slug}", headers=admin
        )
        assert evaluation.status_code == 200, evaluation.text
        assert evaluation.json()["value"] is expected
