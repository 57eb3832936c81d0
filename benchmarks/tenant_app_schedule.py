"""Parcel-schedule generation for 10,000 cotas (aim: <= 10 s), real PostgreSQL from devstack.

Prints, per prazo: the pure math done separately for every cota (amounts +
business-day dates, as if nothing were shared) and the full ``start_grupo``
service path (one template, multiplied by the cotas inside PostgreSQL, + audit
+ commit), each run on a fresh migrated database, with the median over
``--repeat`` runs. Next to the wall time it prints the CPU seconds the
PostgreSQL backend spent on the run (read from /proc: devstack runs the server
on this machine), which moves much less than wall time when other work shares
the CPUs, and the load average at the time.

    .venv/bin/python benchmarks/tenant_app_schedule.py [--cotas 10000] [--prazos 12 60] [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
import uuid
from datetime import date
from decimal import Decimal

import asyncpg
from sqlalchemy import insert

from devstack import dados_pessoais, stack
from devstack.config import StackConfig
from tenant_app.consorciados.models import Consorciado, TipoPessoa
from tenant_app.cotas.models import Cota
from tenant_app.database.session import create_engine, create_session_factory
from tenant_app.grupos.models import Grupo, StatusGrupo, TipoBem
from tenant_app.grupos.service import start_grupo
from tenant_app.migrations import runner
from tenant_app.parcelas.business_days import monthly_due_dates
from tenant_app.parcelas.schedule import PlanoCredito, schedule_amounts
from tenant_app.settings import DatabaseSettings
from tenant_app.unit_of_work import Actor, UnitOfWork


async def fresh_database(admin_dsn: str) -> str:
    """A new empty database on the devstack server, migrated."""
    name = f"bench_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(admin_dsn)
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    dsn = f"{admin_dsn.rsplit('/', 1)[0]}/{name}"
    await runner.upgrade(dsn)
    return dsn


async def drop_database(admin_dsn: str, dsn: str) -> None:
    """Remove a benchmark database."""
    conn = await asyncpg.connect(admin_dsn)
    await conn.execute(f'DROP DATABASE IF EXISTS "{dsn.rsplit("/", 1)[1]}" WITH (FORCE)')
    await conn.close()


async def seed_group(uow: UnitOfWork, cotas: int, prazo: int) -> uuid.UUID:
    """A group em formação with ``cotas`` sold (bulk insert; 10 holders keep the 10 % cap)."""
    session = uow.session
    grupo_id = uuid.uuid4()
    uow.add(
        Grupo(
            id=grupo_id,
            codigo=f"B{grupo_id.hex[:8]}",
            tipo_bem=TipoBem.IMOVEL,
            valor_credito=Decimal("250000.00"),
            prazo_meses=prazo,
            numero_cotas=cotas,
            taxa_administracao_pct=Decimal("18"),
            fundo_reserva_pct=Decimal("2"),
            seguro_pct=Decimal("0.9"),
            dia_assembleia=20,
            dia_vencimento=10,
            status=StatusGrupo.EM_FORMACAO,
        )
    )
    holders = [uuid.uuid4() for _ in range(10)]
    await uow.flush()
    await session.execute(
        insert(Consorciado),
        [
            {"id": h, "tipo_pessoa": TipoPessoa.FISICA, "documento": f"{i:011d}", "nome": f"Titular {i}"}
            for i, h in enumerate(holders)
        ],
    )
    await session.execute(
        insert(Cota),
        [
            {
                "id": uuid.uuid4(),
                "grupo_id": grupo_id,
                "numero": n,
                "consorciado_id": holders[n % 10],
                "data_adesao": date(2025, 1, 2),
            }
            for n in range(1, cotas + 1)
        ],
    )
    await uow.commit()
    return grupo_id


def pure_generation(cotas: int, prazo: int) -> float:
    """Seconds to compute amounts, dates and all row tuples (no I/O)."""
    t0 = time.perf_counter()
    plano = PlanoCredito(Decimal("250000.00"), Decimal("18"), Decimal("2"), Decimal("0.9"))
    amounts = schedule_amounts(plano, prazo)
    dates = monthly_due_dates(2025, 2, 10, prazo)
    rows = [
        (
            uuid.uuid4(),
            c,
            n,
            dates[n],
            a.fundo_comum,
            a.taxa_administracao,
            a.fundo_reserva,
            a.seguro,
            a.total,
        )
        for c in range(cotas)
        for n, a in enumerate(amounts)
    ]
    assert len(rows) == cotas * prazo
    return time.perf_counter() - t0


def backend_cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a local PostgreSQL backend, None when /proc cannot tell."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def one_run(admin_dsn: str, cotas: int, prazo: int) -> tuple[int, float, float | None, float]:
    """(parcelas written, wall s, backend CPU s, 1-min load average) of one start on a fresh database."""
    dsn = await fresh_database(admin_dsn)
    engine = create_engine(DatabaseSettings(url=dsn))
    try:
        async with UnitOfWork.start(create_session_factory(engine), Actor(None, "benchmark")) as uow:
            grupo_id = await seed_group(uow, cotas, prazo)
            conn = await uow.session.connection()
            pid = (await conn.exec_driver_sql("SELECT pg_backend_pid()")).scalar_one()
            cpu0 = backend_cpu_seconds(pid)
            t0 = time.perf_counter()
            _, written = await start_grupo(uow, grupo_id, date(2025, 1, 15))
            wall = time.perf_counter() - t0
            cpu1 = backend_cpu_seconds(pid)
        cpu = None if cpu0 is None or cpu1 is None else cpu1 - cpu0
        return written, wall, cpu, os.getloadavg()[0]
    finally:
        await engine.dispose()
        await drop_database(admin_dsn, dsn)


async def main() -> None:
    """Run every prazo ``--repeat`` times and print the figures."""
    dados_pessoais.usar_chave_dev()  # personal data is encrypted at rest: the test key
    parser = argparse.ArgumentParser()
    parser.add_argument("--cotas", type=int, default=10_000)
    parser.add_argument("--prazos", type=int, nargs="+", default=[12, 60])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-pure", action="store_true", help="skip the per-cota pure-math figure")
    args = parser.parse_args()
    cfg = StackConfig.from_env()
    stack.up(cfg, ["postgres"], log=lambda m: None)
    print(f"parcel schedule generation for {args.cotas} cotas (load average {os.getloadavg()[0]:.1f})")
    for prazo in args.prazos:
        if not args.no_pure:
            pure = pure_generation(args.cotas, prazo)
            print(f"  prazo {prazo:>3} meses: per-cota pure math (no I/O) {pure:6.2f} s")
        walls, cpus = [], []
        for run in range(1, args.repeat + 1):
            written, wall, cpu, load = await one_run(cfg.database_url, args.cotas, prazo)
            walls.append(wall)
            if cpu is not None:
                cpus.append(cpu)
            cpu_text = "n/a" if cpu is None else f"{cpu:6.2f} s"
            print(
                f"  prazo {prazo:>3} meses run {run}: {written:>8} parcelas"
                f" | start_grupo + commit {wall:6.2f} s | PostgreSQL backend CPU {cpu_text}"
                f" | {written / wall:,.0f} parcelas/s | load {load:.1f}"
            )
        cpu_median = f"{statistics.median(cpus):6.2f} s" if cpus else "n/a"
        print(
            f"  prazo {prazo:>3} meses MEDIAN of {args.repeat}: start_grupo + commit"
            f" {statistics.median(walls):6.2f} s | PostgreSQL backend CPU {cpu_median}"
        )


if __name__ == "__main__":
    asyncio.run(main())
