"""Server render cost of the staff's list screens with a tenant of 10 000 cotas (issue 19).

Setup: a fresh migrated database with the demo grupo (``seed_demo``, a year of payments) plus a
grupo of ``--cotas`` cotas, each of its own consorciado (bulk-inserted: the screens are measured,
not the seeding), an ACL-confined Redis user, and ``python -m tenant_app serve`` as a separate
process (one uvicorn worker). The staff user (admin) gets a session written straight into the
tenant's Redis through the app's own session class.

For each screen, ``--vezes`` sequential GETs per run after a warm-up, ``--runs`` runs: per run the
p50 and p95 latency, the server process's CPU milliseconds per request (from /proc) and the
1-minute load average; then the median of the runs. The aim is p95 ≤ 50 ms on an idle machine.

    .venv/bin/python benchmarks/tenant_app_listas.py [--cotas 10000] [--vezes 40] [--runs 3]
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

import httpx
from redis.asyncio import Redis as AsyncRedis
from sqlalchemy import insert, select

from benchmarks.tenant_app_api import cpu_seconds  # type: ignore[import-not-found]
from benchmarks.tenant_app_servidor import Servidor, bancada, servir  # type: ignore[import-not-found]
from devstack import dados_pessoais
from tenant_app.consorciados.models import Consorciado, TipoPessoa
from tenant_app.cotas.models import Cota, StatusCota
from tenant_app.database.session import create_engine, create_session_factory
from tenant_app.demo.seed import seed_demo
from tenant_app.grupos.models import Grupo, StatusGrupo, TipoBem
from tenant_app.settings import DatabaseSettings, RedisSettings
from tenant_app.ui.sessao import Sessoes, nome_cookie
from tenant_app.unit_of_work import Actor, UnitOfWork
from tenant_app.users.models import User
from tenant_app.users.roles import Role
from tenant_app.users.service import create_user

LOTE = 2000


async def preparar(dsn: str, cotas: int) -> tuple[uuid.UUID, uuid.UUID]:
    """The demo data, a grupo of ``cotas`` cotas and an admin; (grupo id, admin id)."""
    engine = create_engine(DatabaseSettings(url=dsn))
    fabrica = create_session_factory(engine)
    try:
        async with UnitOfWork.start(fabrica, Actor(None, "benchmark")) as uow:
            await seed_demo(uow, members=60)
            await create_user(uow, "admin@bench.example", "Administrador", Role.ADMIN, "uma senha longa")
        async with UnitOfWork.start(fabrica, Actor(None, "benchmark")) as uow:
            grupo = Grupo(
                codigo="BENCH-10K",
                tipo_bem=TipoBem.IMOVEL,
                valor_credito=Decimal("300000.00"),
                prazo_meses=200,
                numero_cotas=cotas,
                taxa_administracao_pct=Decimal("15"),
                fundo_reserva_pct=Decimal("2"),
                dia_assembleia=15,
                dia_vencimento=10,
                status=StatusGrupo.EM_ANDAMENTO,
                data_inicio=date(2025, 1, 15),
            )
            uow.add(grupo)
            await uow.flush()
            grupo_id = grupo.id
            for inicio in range(0, cotas, LOTE):
                pessoas = [
                    {
                        "id": uuid.uuid4(),
                        "tipo_pessoa": TipoPessoa.FISICA,
                        "nome": f"Consorciado {n:05d} da Silva",
                        "documento": f"{n:011d}",
                        "email": f"c{n}@exemplo.com.br",
                    }
                    for n in range(inicio + 1, min(inicio + LOTE, cotas) + 1)
                ]
                await uow.session.execute(insert(Consorciado), pessoas)
                await uow.session.execute(
                    insert(Cota),
                    [
                        {
                            "id": uuid.uuid4(),
                            "grupo_id": grupo_id,
                            "numero": inicio + i + 1,
                            "consorciado_id": p["id"],
                            "status": StatusCota.ATIVA,
                            "data_adesao": date(2025, 1, 5),
                            "contemplada": False,
                        }
                        for i, p in enumerate(pessoas)
                    ],
                )
            admin = await uow.session.scalar(select(User.id).where(User.email == "admin@bench.example"))
            assert admin is not None
            await uow.commit()
        return grupo_id, admin
    finally:
        await engine.dispose()


async def sessao(redis_url: str, prefixo: str, user_id: uuid.UUID) -> str:
    cliente = AsyncRedis.from_url(redis_url)
    try:
        sessoes = Sessoes(cliente, RedisSettings(url=redis_url, key_prefix=prefixo))
        anonima = await sessoes.criar()
        return (await sessoes.trocar(anonima, "autenticada", user_id)).id
    finally:
        await cliente.aclose()  # type: ignore[attr-defined]  # (the stubs lag redis 5)


def p95(valores: list[float]) -> float:
    ordenados = sorted(valores)
    return ordenados[min(len(ordenados) - 1, round(0.95 * (len(ordenados) - 1)))]


async def medir(client: httpx.AsyncClient, pid: int, caminho: str, vezes: int) -> tuple[float, float, float]:
    """(p50 ms, p95 ms, server CPU ms per request) of ``vezes`` sequential GETs."""
    latencias = []
    antes = cpu_seconds(pid)
    for _ in range(vezes):
        inicio = time.perf_counter()
        r = await client.get(caminho)
        latencias.append((time.perf_counter() - inicio) * 1000)
        assert r.status_code == 200, (caminho, r.status_code, r.text[:300])
    cpu = (cpu_seconds(pid) - antes) * 1000 / vezes
    return statistics.median(latencias), p95(latencias), cpu


async def main() -> None:
    dados_pessoais.usar_chave_dev()  # personal data is encrypted at rest: the test key
    parser = argparse.ArgumentParser()
    parser.add_argument("--cotas", type=int, default=10_000, help="cotas (and consorciados) of the big grupo")
    parser.add_argument("--vezes", type=int, default=40, help="requests per screen and run")
    parser.add_argument("--runs", type=int, default=3, help="runs; the median is reported")
    args = parser.parse_args()
    async with bancada() as b:
        t0 = time.monotonic()
        grupo_id, admin = await preparar(b.dsn, args.cotas)
        print(f"seeded the demo grupo and {args.cotas:,} cotas in {time.monotonic() - t0:.0f}s")
        sid = await sessao(b.redis_url, b.prefixo, admin)
        # One user requests far faster than a person: the per-user limit would answer 429.
        sem_limite = {
            "RATE_LIMIT_PER_USER_PER_MINUTE": "1000000",
            "RATE_LIMIT_PER_TENANT_PER_MINUTE": "1000000",
        }
        async with servir(b, **sem_limite) as servidor:
            await medir_telas(servidor, sid, grupo_id, args)


async def medir_telas(servidor: Servidor, sid: str, grupo_id: uuid.UUID, args: argparse.Namespace) -> None:
    ultima = (args.cotas - 1) // 50 * 50
    telas = {
        "grupos": "/app/grupos",
        f"grupo, cotas 1-50 of {args.cotas:,}": f"/app/grupos/{grupo_id}",
        "grupo, last page of cotas": f"/app/grupos/{grupo_id}?offset={ultima}",
        "consorciados": "/app/consorciados",
        "consorciados, search": "/app/consorciados?q=Consorciado%2009",
        "pagamentos (this month)": "/app/pagamentos",
        "inadimplência": "/app/inadimplencia",
        "painel": "/app/",
    }
    print(
        f"staff list screens, 1 uvicorn worker, {args.vezes} sequential GETs per screen and run"
        f" (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    async with httpx.AsyncClient(
        base_url=servidor.base, timeout=30, cookies={nome_cookie(False): sid}
    ) as logado:
        for nome, caminho in telas.items():
            await medir(logado, servidor.processo.pid, caminho, 5)  # warm-up
            runs = []
            for i in range(args.runs):
                p50, p95_ms, cpu = await medir(logado, servidor.processo.pid, caminho, args.vezes)
                runs.append((p50, p95_ms, cpu, os.getloadavg()[0]))
                print(
                    f"  {nome:<32} run {i + 1}: p50 {p50:6.1f} ms  p95 {p95_ms:6.1f} ms"
                    f"  server CPU {cpu:5.1f} ms/req  load {runs[-1][3]:.1f}"
                )
            p50, p95_ms, cpu, carga = (statistics.median(c) for c in zip(*runs, strict=True))
            print(
                f"  {nome:<32} MEDIAN: p50 {p50:6.1f} ms  p95 {p95_ms:6.1f} ms"
                f"  server CPU {cpu:5.1f} ms/req  load {carga:.1f}"
            )


if __name__ == "__main__":
    asyncio.run(main())
