"""Invoice runs, payments and invoice states on a real database, through the API."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from control_plane.auth.roles import Role
from control_plane.billing.models import Invoice
from control_plane.billing.periods import BillingPeriod, local_date
from control_plane.usage.service import UsageService
from sqlalchemy import func, select

from consorcio_contract.plans import PlanName
from consorcio_contract.usage import Metric, UsageEvent

pytestmark = pytest.mark.integration

TODAY = local_date(datetime.now(UTC))
P = BillingPeriod.containing(TODAY).previous().previous()  # closed, and far enough from today
P2 = P.previous()


def cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def event(metric: str, value: int, at: datetime) -> UsageEvent:
    return UsageEvent(id=str(uuid.uuid4()), metric=Metric(metric), value=value, occurred_at=at)


@pytest.fixture(scope="module")
def world() -> dict:
    return {}


async def test_invoice_run_bills_base_proration_and_overage(
    cp_client, auth, seed_tenant, cp_session_factory, world
) -> None:
    admin = auth[Role.BILLING]
    change = P.start_instant + timedelta(days=10)
    a = await seed_tenant(
        contract_start=P.start - timedelta(days=400), changes=[(change, PlanName.PROFESSIONAL)]
    )
    b = await seed_tenant(contract_start=P.start + timedelta(days=14))
    c = await seed_tenant(
        contract_start=P2.start - timedelta(days=100),
        deleted_at=P2.start_instant + timedelta(days=9, hours=12),
    )
    await seed_tenant(contract_start=P.end + timedelta(days=1))  # starts after P: nothing to bill
    world.update(a=a, b=b, c=c)

    inside = P.start_instant + timedelta(days=3)
    async with cp_session_factory() as session:
        usage = UsageService(session)
        now = datetime.now(UTC)
        await usage.ingest(
            a.id,
            [
                event("active_cotas", 15_000, inside),
                event("active_cotas", 16_000, inside + timedelta(days=1)),
                event("active_cotas", 15_500, P.end_instant - timedelta(seconds=1)),
                event("active_cotas", 99_999, P.start_instant - timedelta(seconds=1)),  # previous period
                event("users", 55, inside),
                event("api_requests", 2_500_000, inside),
                event("api_requests", 2_500_500, inside),
            ],
            now,
        )

    response = await cp_client.post("/api/billing/invoice-runs", json={"period": P.label}, headers=admin)
    assert response.status_code == 200, response.text
    summary = response.json()
    assert (summary["created"], summary["alreadyInvoiced"]) == (2, 0)

    invoices = (await cp_client.get(f"/api/invoices?period={P.label}", headers=admin)).json()
    by_tenant = {inv["tenant"]: inv for inv in invoices}
    assert set(by_tenant) == {a.slug, b.slug}

    d = Decimal(P.days)
    detail = (await cp_client.get(f"/api/invoices/{by_tenant[a.slug]['id']}", headers=admin)).json()
    lines = [(line["kind"], Decimal(line["quantity"]), Decimal(line["amount"])) for line in detail["lines"]]
    assert lines == [
        ("base", 1, Decimal("1490.00")),
        ("proration_credit", 1, -(Decimal("1490.00") - cents(Decimal("1490") * 10 / d))),
        ("proration_charge", 1, Decimal("4990.00") - cents(Decimal("4990") * 10 / d)),
        ("overage_active_cotas", 1000, Decimal("350.00")),  # peak 16 000 vs 15 000 included, R$ 0.35
        ("overage_users", 5, Decimal("195.00")),  # 55 vs 50, R$ 39
        ("overage_api_requests", 1, Decimal("0.15")),  # 500 over: one started thousand
    ]
    assert Decimal(detail["total"]) == sum(amount for _, _, amount in lines)
    assert detail["status"] == "open"
    assert detail["dueDate"] == (TODAY + timedelta(days=10)).isoformat()
    assert detail["number"].startswith("CP-")

    b_total = Decimal(by_tenant[b.slug]["total"])
    assert b_total == Decimal("1490.00") - cents(Decimal("1490") * 14 / d)
    world["invoice_a"] = detail
    world["invoice_b"] = by_tenant[b.slug]


async def test_rerunning_a_period_never_duplicates(cp_client, auth, world) -> None:
    response = await cp_client.post(
        "/api/billing/invoice-runs", json={"period": P.label}, headers=auth[Role.BILLING]
    )
    assert (response.json()["created"], response.json()["alreadyInvoiced"]) == (0, 2)


async def test_concurrent_runs_create_each_invoice_once(cp_client, auth, cp_session_factory, world) -> None:
    headers = auth[Role.PLATFORM_ADMIN]
    first, second = await asyncio.gather(
        cp_client.post("/api/billing/invoice-runs", json={"period": P2.label}, headers=headers),
        cp_client.post("/api/billing/invoice-runs", json={"period": P2.label}, headers=headers),
    )
    assert first.status_code == second.status_code == 200
    # P2: tenant a (whole month, starter) and c (deleted on day 10)
    assert first.json()["created"] + second.json()["created"] == 2
    async with cp_session_factory() as session:
        counts = dict(
            (
                await session.execute(
                    select(Invoice.tenant_id, func.count())
                    .where(Invoice.period_start == P2.start)
                    .group_by(Invoice.tenant_id)
                )
            ).all()
        )
    assert counts == {world["a"].id: 1, world["c"].id: 1}
    invoices = (
        await cp_client.get(f"/api/invoices?period={P2.label}&tenant={world['c'].slug}", headers=headers)
    ).json()
    assert Decimal(invoices[0]["total"]) == cents(Decimal("1490") * 10 / Decimal(P2.days))


async def test_an_open_period_cannot_be_invoiced(cp_client, auth, problem) -> None:
    this_month = BillingPeriod.containing(TODAY).label
    body = problem(
        await cp_client.post(
            "/api/billing/invoice-runs", json={"period": this_month}, headers=auth[Role.BILLING]
        ),
        422,
    )
    assert body["errors"][0]["field"] == "period"


async def test_payments_are_idempotent_and_settle_the_invoice(cp_client, auth, problem, world) -> None:
    headers = auth[Role.BILLING]
    invoice = world["invoice_a"]
    url = f"/api/invoices/{invoice['id']}/payments"
    total = Decimal(invoice["total"])

    problem(await cp_client.post(url, json={"amount": "100.00", "method": "pix"}, headers=headers), 428)

    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = await cp_client.post(url, json={"amount": "100.00", "method": "pix"}, headers=headers | key)
    assert first.status_code == 201, first.text
    replay = await cp_client.post(url, json={"amount": "100.00", "method": "pix"}, headers=headers | key)
    assert replay.status_code == 200
    assert replay.json()["replayed"] is True
    assert replay.json()["payment"]["id"] == first.json()["payment"]["id"]
    assert Decimal(replay.json()["invoice"]["amountPaid"]) == Decimal("100.00")

    reused = await cp_client.post(url, json={"amount": "200.00", "method": "pix"}, headers=headers | key)
    assert problem(reused, 422)["errors"][0]["field"] == "Idempotency-Key"

    too_much = {"amount": str(total), "method": "boleto"}
    problem(await cp_client.post(url, json=too_much, headers=headers | {"Idempotency-Key": "k-over"}), 422)
    problem(
        await cp_client.post(
            url, json={"amount": "1.001", "method": "pix"}, headers=headers | {"Idempotency-Key": "k3"}
        ),
        422,
    )

    rest = {"amount": str(total - Decimal("100.00")), "method": "transfer", "reference": "TED 123"}
    settled = await cp_client.post(url, json=rest, headers=headers | {"Idempotency-Key": str(uuid.uuid4())})
    assert settled.status_code == 201
    assert settled.json()["invoice"]["status"] == "paid"
    assert Decimal(settled.json()["invoice"]["amountDue"]) == 0

    again = await cp_client.post(
        url, json={"amount": "1.00", "method": "pix"}, headers=headers | {"Idempotency-Key": "x"}
    )
    problem(again, 409)
    void = await cp_client.post(
        f"/api/invoices/{invoice['id']}/void", json={"reason": "teste"}, headers=headers
    )
    problem(void, 409)
    payments = (await cp_client.get(url, headers=headers)).json()
    assert sum(Decimal(p["amount"]) for p in payments) == total
    assert len(payments) == 2


async def test_invoice_states_and_their_audit_trail(cp_client, auth, problem, world) -> None:
    headers = auth[Role.BILLING]
    invoice_id = world["invoice_b"]["id"]
    uncollectible = await cp_client.post(f"/api/invoices/{invoice_id}/mark-uncollectible", headers=headers)
    assert uncollectible.json()["status"] == "uncollectible"
    void = await cp_client.post(
        f"/api/invoices/{invoice_id}/void", json={"reason": "acordo comercial"}, headers=headers
    )
    assert void.json()["status"] == "void"
    problem(await cp_client.post(f"/api/invoices/{invoice_id}/finalize", headers=headers), 409)
    problem(await cp_client.get(f"/api/invoices/{uuid.uuid4()}", headers=headers), 404)

    number = world["invoice_b"]["number"]
    trail = (
        await cp_client.get(
            f"/api/audit-events?targetType=invoice&targetId={number}", headers=auth[Role.SRE_READONLY]
        )
    ).json()
    assert [e["action"] for e in trail] == ["invoice.void", "invoice.uncollectible"]
    assert trail[0]["actor"] == "billing@platform.example"
    assert trail[0]["details"]["reason"] == "acordo comercial"
    runs = (
        await cp_client.get("/api/audit-events?action=billing.invoice_run", headers=auth[Role.SRE_READONLY])
    ).json()
    assert len(runs) >= 4


async def test_usage_report_aggregates_the_period(cp_client, auth, world) -> None:
    report = (
        await cp_client.get(
            f"/api/tenants/{world['a'].slug}/usage?period={P.label}", headers=auth[Role.SRE_READONLY]
        )
    ).json()
    metrics = {m["metric"]: m for m in report["metrics"]}
    assert metrics["active_cotas"] | {} == metrics["active_cotas"]
    assert (metrics["active_cotas"]["count"], metrics["active_cotas"]["max"]) == (3, 16_000)
    assert metrics["active_cotas"]["latest"] == 15_500
    assert metrics["active_cotas"]["sum"] == 46_500
    assert (metrics["api_requests"]["sum"], metrics["api_requests"]["billable"]) == (5_000_500, 5_000_500)
    assert metrics["users"]["billedBy"] == "max"
