"""Benchmark: the monthly invoice run for 10,000 tenants on the devstack PostgreSQL.

Seeds a fresh database with N tenants (mixed plans, one in five changing
plan mid-month, usage for every tenant: peak cotas, users, API calls, some
above quota), then times ``InvoiceRun.run`` for several closed months, and
a re-run (which must create nothing). Prints the median. Aim: <= 30 s for
10,000 tenants. Run:

    .venv/bin/python benchmarks/control_plane_invoice_run.py [--tenants 10000] [--months 3]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
from control_plane.audit.service import ActionContext
from control_plane.billing.invoice_run import InvoiceRun
from control_plane.billing.periods import BillingPeriod
from control_plane.database.engine import make_engine, make_session_factory
from control_plane.migrations.runner import upgrade
from control_plane.settings import BillingSettings, DatabaseSettings, asyncpg_url

from devstack import stack
from devstack.config import StackConfig

PLANS = ["starter", "professional", "enterprise"]


async def seed(dsn: str, tenants: int, periods: list[BillingPeriod]) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        rng = random.Random(42)
        start = periods[0].start - timedelta(days=400)
        tenant_rows, plan_rows, usage_rows = [], [], []
        for i in range(tenants):
            tid = uuid.uuid4()
            plan = PLANS[i % 3]
            tenant_rows.append(
                (
                    tid,
                    f"bench-{i}",
                    f"Administradora {i}",
                    f"{i:014d}",
                    plan,
                    start,
                    "Financeiro",
                    "f@example.com",
                )
            )
            plan_rows.append(
                (uuid.uuid4(), tid, plan, periods[0].start_instant - timedelta(days=400), "bench")
            )
            for period in periods:
                if rng.random() < 0.2:
                    new_plan = rng.choice(PLANS)
                    when = period.start_instant + timedelta(days=rng.randrange(1, 27))
                    plan_rows.append((uuid.uuid4(), tid, new_plan, when, "bench"))
                at = period.start_instant + timedelta(days=5)
                for metric, value in (
                    ("active_cotas", rng.randrange(500, 120_000)),
                    ("users", rng.randrange(3, 300)),
                    ("api_requests", rng.randrange(10_000, 60_000_000)),
                ):
                    usage_rows.append((tid, str(uuid.uuid4()), metric, value, at))
        await conn.copy_records_to_table(
            "tenants",
            records=[(*r[:5], False, "Retain", r[5], r[6], r[7]) for r in tenant_rows],
            columns=[
                "id",
                "slug",
                "display_name",
                "cnpj",
                "plan",
                "suspended",
                "deletion_policy",
                "contract_start",
                "billing_contact_name",
                "billing_contact_email",
            ],
        )
        await conn.copy_records_to_table(
            "plan_changes",
            records=plan_rows,
            columns=["id", "tenant_id", "plan", "effective_from", "changed_by"],
        )
        await conn.copy_records_to_table(
            "usage_events",
            records=usage_rows,
            columns=["tenant_id", "event_id", "metric", "value", "occurred_at"],
        )
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tenants", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=3)
    args = parser.parse_args()

    cfg = StackConfig.from_env()
    stack.up(cfg, ["postgres"], log=lambda msg: None)
    name = f"bench_cp_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(cfg.database_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    dsn = cfg.database_url.rsplit("/", 1)[0] + "/" + name
    try:
        await upgrade(dsn)
        now = datetime.now(UTC)
        current = BillingPeriod.containing_instant(now)
        periods = []
        for _ in range(args.months):
            current = current.previous()
            periods.append(current)
        periods.reverse()
        t0 = time.perf_counter()
        await seed(dsn, args.tenants, periods)
        print(f"seeded {args.tenants} tenants x {args.months} months in {time.perf_counter() - t0:.1f} s")

        engine = make_engine(DatabaseSettings(url=asyncpg_url(dsn)), pooled=False)
        factory = make_session_factory(engine)
        timings = []
        for period in periods:
            async with factory() as session:
                started = time.perf_counter()
                result = await InvoiceRun(session, BillingSettings()).run(
                    ActionContext.system("bench"), period, now
                )
                elapsed = time.perf_counter() - started
            assert result.created == args.tenants, result
            timings.append(elapsed)
            print(
                f"  {period.label}: {result.created} invoices, R$ {result.total_amount:,.2f}, {elapsed:.2f} s"
            )
        async with factory() as session:
            started = time.perf_counter()
            rerun = await InvoiceRun(session, BillingSettings()).run(
                ActionContext.system("bench"), periods[-1], now
            )
            rerun_seconds = time.perf_counter() - started
        assert rerun.created == 0
        await engine.dispose()
        print(
            f"invoice run, {args.tenants} tenants: median {statistics.median(timings):.2f} s "
            f"(min {min(timings):.2f}, max {max(timings):.2f}); "
            f"re-run of a billed month {rerun_seconds:.2f} s (created {rerun.created})"
        )
        print("aim: <= 30 s for 10,000 tenants")
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
