"""Server render cost of the área do consorciado's screens, and the bytes of its first screen.

Setup: a fresh migrated database with the demo grupo (``seed_demo``: ``--membros`` members, a year of
payments, títulos, assembleias with results), an ACL-confined Redis user, and ``python -m tenant_app
serve`` as a separate process (one uvicorn worker). The consorciado is the demo's first member; his
session is written straight into the tenant's Redis through the app's own session class (the e-mailed
code is not what is measured). His 2ª via is issued once through the service before measuring.

For each screen, ``--vezes`` sequential GETs per run (after a warm-up), ``--runs`` runs (default 3):
per run the median latency, the server process's CPU milliseconds per request (from /proc: it moves
much less than latency when other work shares the cores) and the 1-minute load average; then the
median of the runs. The first screen (the login form) is reported with its bytes as transferred: the
HTML plus the CSS and JS it loads (no htmx on the área's pages).

    .venv/bin/python benchmarks/tenant_app_portal.py [--membros 60] [--vezes 40] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import time
import uuid
from datetime import date

import httpx
from redis.asyncio import Redis as AsyncRedis
from sqlalchemy import select

from benchmarks.tenant_app_api import cpu_seconds  # type: ignore[import-not-found]
from benchmarks.tenant_app_servidor import Servidor, bancada, servir  # type: ignore[import-not-found]
from devstack import dados_pessoais
from tenant_app.consorciados.models import DOCUMENTO, Consorciado
from tenant_app.dados_pessoais import indices
from tenant_app.database.session import create_engine, create_session_factory
from tenant_app.demo.seed import cpf_consorciado_demo, seed_demo
from tenant_app.portal import service
from tenant_app.settings import DatabaseSettings, RedisSettings
from tenant_app.ui.portal.sessao import SessoesPortal, nome_cookie
from tenant_app.unit_of_work import Actor, UnitOfWork


async def preparar(dsn: str, membros: int) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    """The demo data; the first member's id, his cota and a live título of it."""
    engine = create_engine(DatabaseSettings(url=dsn))
    fabrica = create_session_factory(engine)
    try:
        async with UnitOfWork.start(fabrica, Actor(None, "benchmark")) as uow:
            await seed_demo(uow, members=membros)
        async with UnitOfWork.start(fabrica, Actor(None, "benchmark")) as uow:
            eu = await uow.session.scalar(
                select(Consorciado.id).where(
                    Consorciado.documento_indice == indices.indice(DOCUMENTO, cpf_consorciado_demo())
                )
            )
            assert eu is not None
            cota, _ = (await service.minhas_cotas(uow.session, eu))[0]
            extrato = await service.extrato(uow.session, eu, cota.id, date.today())
            aberta = next(p for p in extrato.parcelas if p.saldo > 0)
        async with UnitOfWork.start(fabrica, service.ator(eu, None)) as uow:
            titulo = await service.segunda_via(uow, eu, aberta.id, date.today(), None)
        return eu, cota.id, titulo.id
    finally:
        await engine.dispose()


async def sessao(redis_url: str, prefixo: str, consorciado: uuid.UUID) -> str:
    """A logged-in session id of the área (the app's own class, the tenant's Redis user)."""
    cliente = AsyncRedis.from_url(redis_url)
    try:
        sessoes = SessoesPortal(cliente, RedisSettings(url=redis_url, key_prefix=prefixo))
        anonima = await sessoes.criar()
        return (await sessoes.trocar(anonima, "autenticada", consorciado)).id
    finally:
        await cliente.aclose()  # type: ignore[attr-defined]  # (the stubs lag redis 5)


async def medir(client: httpx.AsyncClient, pid: int, caminho: str, vezes: int) -> tuple[float, float, int]:
    """(median ms, server CPU ms per request, bytes of the answer) of ``vezes`` sequential GETs."""
    latencias = []
    antes = cpu_seconds(pid)
    tamanho = 0
    for _ in range(vezes):
        inicio = time.perf_counter()
        r = await client.get(caminho)
        latencias.append((time.perf_counter() - inicio) * 1000)
        assert r.status_code == 200, (caminho, r.status_code, r.text[:300])
        tamanho = len(r.content)
    cpu = (cpu_seconds(pid) - antes) * 1000 / vezes
    return statistics.median(latencias), cpu, tamanho


async def main() -> None:
    dados_pessoais.usar_chave_dev()  # personal data is encrypted at rest: the test key
    parser = argparse.ArgumentParser()
    parser.add_argument("--membros", type=int, default=60, help="members of the demo grupo")
    parser.add_argument("--vezes", type=int, default=40, help="requests per screen and run")
    parser.add_argument("--runs", type=int, default=3, help="runs; the median is reported")
    args = parser.parse_args()
    async with bancada() as b:
        t0 = time.monotonic()
        eu, cota_id, titulo_id = await preparar(b.dsn, args.membros)
        print(f"seeded the demo grupo with {args.membros} members in {time.monotonic() - t0:.0f}s")
        sid = await sessao(b.redis_url, b.prefixo, eu)
        async with servir(b) as servidor:
            await medir_telas(servidor, sid, cota_id, titulo_id, args)


async def medir_telas(
    servidor: Servidor, sid: str, cota_id: uuid.UUID, titulo_id: uuid.UUID, args: argparse.Namespace
) -> None:
    base = servidor.base
    async with httpx.AsyncClient(base_url=base, timeout=30) as anonimo:
        entrada = await anonimo.get("/cliente/entrar")
        recursos = re.findall(r'(?:href|src)="(/app/estatico/[^"]+)"', entrada.text)
        extras = [len((await anonimo.get(u)).content) for u in recursos]
        print(
            f"first screen /cliente/entrar: {len(entrada.content) + sum(extras):,} bytes"
            f" (HTML {len(entrada.content):,} + {len(recursos)} files {sum(extras):,}; uncompressed)"
        )
    telas = {
        "minhas cotas": "/cliente/",
        "extrato (60 parcelas)": f"/cliente/cotas/{cota_id}",
        "2ª via (boleto + PIX QR)": f"/cliente/titulos/{titulo_id}",
        "assembleias": "/cliente/assembleias",
        "documentos": "/cliente/documentos",
        "meus dados": "/cliente/privacidade",
    }
    cookies = {nome_cookie(False): sid}
    print(
        f"área do consorciado, 1 uvicorn worker, {args.vezes} sequential GETs per screen and run"
        f" (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    async with (
        httpx.AsyncClient(base_url=base, timeout=30, cookies=cookies) as logado,
        httpx.AsyncClient(base_url=base, timeout=30) as anonimo,
    ):
        # The login form is measured without a session (each GET opens an anonymous one).
        for nome, caminho in {"login form": "/cliente/entrar", **telas}.items():
            client = anonimo if caminho == "/cliente/entrar" else logado
            await medir(client, servidor.processo.pid, caminho, 5)  # warm-up
            runs = []
            for i in range(args.runs):
                ms, cpu, tamanho = await medir(client, servidor.processo.pid, caminho, args.vezes)
                runs.append((ms, cpu, os.getloadavg()[0]))
                print(
                    f"  {nome:<26} run {i + 1}: p50 {ms:6.1f} ms  server CPU {cpu:5.1f} ms/req"
                    f"  {tamanho:,} bytes  load {runs[-1][2]:.1f}"
                )
            ms, cpu, carga = (statistics.median(c) for c in zip(*runs, strict=True))
            print(f"  {nome:<26} MEDIAN: p50 {ms:6.1f} ms  server CPU {cpu:5.1f} ms/req  load {carga:.1f}")


if __name__ == "__main__":
    asyncio.run(main())
