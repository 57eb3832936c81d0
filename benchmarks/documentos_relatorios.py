"""Issue 17 figures on the real local stack (devstack PostgreSQL, Redis, S3 server):

1. the extrato of every cota of a 10,000-cota x 60-parcela tenant as XLSX (wall, CPU, peak RSS of
   the generating process: the Celery task's code, ``relatorios.tarefa.gerar``, run in a child process
   so its RSS is its own), target <= 30 s and <= 300 MB;
2. one contrato de adesão PDF: render only, and the whole call (gather from PostgreSQL, render, put in
   the bucket, commit), target <= 300 ms;
3. a 20 MB upload on loopback through the real HTTP app (uvicorn, ``POST /api/documentos/``: stream,
   type check, SHA-256, multipart upload to the bucket, commit), target <= 1 s.

Prints medians and the load average before and after (the machine is shared).

    .venv/bin/python benchmarks/documentos_relatorios.py [--cotas 10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

import asyncpg
import httpx

from devstack import dados_pessoais, stack
from devstack.config import StackConfig

SEED_SQL = """
INSERT INTO parcelas (id, cota_id, grupo_id, numero, vencimento, valor_fundo_comum, valor_taxa_administracao,
    valor_fundo_reserva, valor_seguro, valor_total, pago_fundo_comum, pago_taxa_administracao,
    pago_fundo_reserva, pago_seguro, pago_multa, pago_juros, status, paga_em, juros_pendentes)
SELECT gen_random_uuid(), c.id, c.grupo_id, n, (date '2024-01-10' + (n - 1) * interval '1 month')::date,
    1000, 150, 20, 5, 1175,
    CASE WHEN n <= $1 THEN 1000 ELSE 0 END, CASE WHEN n <= $1 THEN 150 ELSE 0 END,
    CASE WHEN n <= $1 THEN 20 ELSE 0 END, CASE WHEN n <= $1 THEN 5 ELSE 0 END, 0, 0,
    CASE WHEN n <= $1 THEN 'paga' ELSE 'aberta' END,
    CASE WHEN n <= $1 THEN (date '2024-01-10' + (n - 1) * interval '1 month')::date END, 0
FROM cotas c CROSS JOIN generate_series(1, 60) AS n;
INSERT INTO pagamentos (id, cota_id, grupo_id, valor, data_pagamento, forma, status, registrado_em)
SELECT md5(p.id::text || 'pg')::uuid, p.cota_id, p.grupo_id, 1175, p.vencimento, 'pix', 'confirmado', now()
FROM parcelas p WHERE p.numero <= $1;
INSERT INTO pagamento_alocacoes (id, pagamento_id, parcela_id, parcela_numero, ordem, fundo_comum,
    taxa_administracao, fundo_reserva, seguro, multa, juros)
SELECT gen_random_uuid(), md5(p.id::text || 'pg')::uuid, p.id, p.numero, 1, 1000, 150, 20, 5, 0, 0
FROM parcelas p WHERE p.numero <= $1;
"""


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


async def _provision(cfg: StackConfig, slug: str) -> dict[str, str]:
    """Database (migrated) and bucket of a throwaway tenant; its app environment."""
    from tenant_operator import names
    from tenant_operator.config import S3Config
    from tenant_operator.credentials import generate
    from tenant_operator.provisioners.object_store import ObjectStoreProvisioner

    from tenant_app.migrations import runner

    admin = await asyncpg.connect(cfg.database_url)
    await admin.execute(f'CREATE DATABASE "{slug}"')
    await admin.close()
    dsn = cfg.database_url.rsplit("/", 1)[0] + f"/{slug}"
    await runner.upgrade(dsn)
    store = ObjectStoreProvisioner(
        S3Config(
            endpoint=cfg.s3_endpoint,
            admin_access_key=cfg.s3_access_key,
            admin_secret_key=cfg.s3_secret_key,
            region=cfg.s3_region,
            backup_bucket="bench-unused",
        )
    )
    bucket, access, secret = (
        names.s3_bucket(slug, "tenant-"),
        names.s3_access_key(slug),
        generate().s3_secret_key,
    )
    await store.ensure(bucket, access, secret)
    await store.close()
    return {
        "TENANT_SLUG": slug,
        "DATABASE_URL": dsn,
        "REDIS_URL": cfg.redis_url,
        "REDIS_KEY_PREFIX": f"tenant:{slug}:",
        "JWT_SECRET": uuid.uuid4().hex * 2,
        "INITIAL_ADMIN_EMAIL": f"admin@{slug}.example",
        "INITIAL_ADMIN_PASSWORD": "senha-de-benchmark-1",
        "RATE_LIMIT_PER_USER_PER_MINUTE": "1000000",
        "RATE_LIMIT_PER_TENANT_PER_MINUTE": "1000000",
        "S3_ENDPOINT": cfg.s3_endpoint,
        "S3_REGION": cfg.s3_region,
        "S3_BUCKET": bucket,
        "S3_ACCESS_KEY_ID": access,
        "S3_SECRET_ACCESS_KEY": secret,
    }


async def _drop(cfg: StackConfig, env: dict[str, str]) -> None:
    from tenant_operator.config import S3Config
    from tenant_operator.provisioners.object_store import ObjectStoreProvisioner

    store = ObjectStoreProvisioner(
        S3Config(
            endpoint=cfg.s3_endpoint,
            admin_access_key=cfg.s3_access_key,
            admin_secret_key=cfg.s3_secret_key,
            region=cfg.s3_region,
            backup_bucket="bench-unused",
        )
    )
    await store.delete(env["S3_BUCKET"], env["S3_ACCESS_KEY_ID"])
    await store.close()
    admin = await asyncpg.connect(cfg.database_url)
    await admin.execute(f'DROP DATABASE IF EXISTS "{env["TENANT_SLUG"]}" WITH (FORCE)')
    await admin.close()


async def _seed(env: dict[str, str], cotas: int, pagas: int) -> None:
    """10 grupos of ``cotas/10`` cotas, 60 parcelas each, the first ``pagas`` paid (one payment each)."""
    from sqlalchemy import insert

    from tenant_app.consorciados.models import Consorciado, TipoPessoa
    from tenant_app.cotas.models import Cota
    from tenant_app.database.session import create_engine
    from tenant_app.grupos.models import Grupo, StatusGrupo, TipoBem
    from tenant_app.settings import Settings

    settings = Settings.from_env(env)
    engine = create_engine(settings.database)
    por_grupo = cotas // 10
    async with engine.begin() as conn:
        grupos = [uuid.uuid4() for _ in range(10)]
        await conn.execute(
            insert(Grupo),
            [
                {
                    "id": g,
                    "codigo": f"BENCH-{i:02d}",
                    "tipo_bem": TipoBem.AUTOMOVEL,
                    "valor_credito": 60000,
                    "prazo_meses": 60,
                    "numero_cotas": por_grupo,
                    "taxa_administracao_pct": 15,
                    "dia_assembleia": 15,
                    "dia_vencimento": 10,
                    "status": StatusGrupo.EM_ANDAMENTO,
                    "data_inicio": date(2024, 1, 15),
                }
                for i, g in enumerate(grupos)
            ],
        )
        pessoas = [
            {"id": uuid.uuid4(), "tipo_pessoa": TipoPessoa.FISICA, "nome": f"Consorciado {n}"}
            for n in range(cotas)
        ]
        await conn.execute(insert(Consorciado), pessoas)
        await conn.execute(
            insert(Cota),
            [
                {
                    "id": uuid.uuid4(),
                    "grupo_id": grupos[n // por_grupo],
                    "numero": n % por_grupo + 1,
                    "consorciado_id": pessoas[n]["id"],
                    "data_adesao": date(2024, 1, 5),
                }
                for n in range(cotas)
            ],
        )
    await engine.dispose()
    conn2 = await asyncpg.connect(env["DATABASE_URL"])
    for statement in SEED_SQL.split(";"):
        if statement.strip():
            await conn2.execute(statement, pagas)
    await conn2.execute("ANALYZE")
    await conn2.close()


# -- 1. extrato of every cota as XLSX, in a child process ------------------------------------------


async def _extrato_child(env: dict[str, str]) -> dict[str, float]:
    from tenant_app.armazenamento.store import ObjectStore
    from tenant_app.database.session import create_engine, create_session_factory
    from tenant_app.relatorios import service
    from tenant_app.relatorios.models import FormatoRelatorio, TipoRelatorio
    from tenant_app.relatorios.schemas import ParametrosIn
    from tenant_app.relatorios.tarefa import gerar
    from tenant_app.settings import Settings
    from tenant_app.unit_of_work import Actor, UnitOfWork

    settings = Settings.from_env(env)
    engine = create_engine(settings.database)
    store = ObjectStore.from_settings(settings.object_store)
    assert store is not None
    async with UnitOfWork.start(create_session_factory(engine), Actor(None, "benchmark")) as uow:
        rel = await service.solicitar(
            uow, TipoRelatorio.EXTRATO_COTA, FormatoRelatorio.XLSX, ParametrosIn(), date.today()
        )
    inicio, cpu = time.perf_counter(), time.process_time()
    pronto = await gerar(engine, store, rel.id)
    wall, cpu_s = time.perf_counter() - inicio, time.process_time() - cpu
    await engine.dispose()
    store.close()
    return {
        "wall_s": wall,
        "cpu_s": cpu_s,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "linhas": pronto.linhas,
        "mb": (pronto.tamanho or 0) / 1e6,
    }


def bench_extrato(env: dict[str, str], runs: int) -> None:
    resultados = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, __file__, "--extrato-child"],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            check=True,
        )
        resultados.append(json.loads(out.stdout.strip().splitlines()[-1]))
    med = {k: statistics.median(r[k] for r in resultados) for k in resultados[0]}
    cada = ", ".join(f"{r['wall_s']:.1f} s/{r['rss_mb']:.0f} MB" for r in resultados)
    print(
        f"extrato XLSX, every cota: {int(med['linhas']):,} rows, {med['mb']:.1f} MB file; "
        f"median wall {med['wall_s']:.1f} s, CPU {med['cpu_s']:.1f} s, peak RSS {med['rss_mb']:.0f} MB "
        f"(runs: {cada}; target <= 30 s, <= 300 MB)"
    )


# -- 2. one contrato PDF --------------------------------------------------------------------------


async def bench_contrato(env: dict[str, str], runs: int) -> None:
    from sqlalchemy import select

    from tenant_app.armazenamento.store import ObjectStore
    from tenant_app.cotas.models import Cota
    from tenant_app.database.session import create_engine, create_session_factory
    from tenant_app.documentos.contrato import service as contratos
    from tenant_app.documentos.contrato.pdf import renderizar
    from tenant_app.relatorios.demo import MODELO_DEMO
    from tenant_app.settings import Settings
    from tenant_app.unit_of_work import Actor, UnitOfWork

    settings = Settings.from_env(env)
    engine = create_engine(settings.database)
    store = ObjectStore.from_settings(settings.object_store)
    assert store is not None
    sessions = create_session_factory(engine)
    async with UnitOfWork.start(sessions, Actor(None, "benchmark")) as uow:
        await contratos.criar_modelo(uow, dict(MODELO_DEMO))
        cota_ids = list((await uow.session.execute(select(Cota.id).limit(runs))).scalars())
        dados = await contratos.reunir(uow.session, cota_ids[0])
    render, render_cpu, inteiro = [], [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        renderizar(dados)
        render.append((time.perf_counter() - t) * 1000)
        render_cpu.append((time.process_time() - c) * 1000)
    for cota_id in cota_ids:
        async with UnitOfWork.start(sessions, Actor(None, "benchmark")) as uow:
            t = time.perf_counter()
            await contratos.gerar_contrato(uow, store, cota_id)
            inteiro.append((time.perf_counter() - t) * 1000)
    await engine.dispose()
    store.close()
    print(
        f"contrato PDF: render median {statistics.median(render):.0f} ms "
        f"(CPU {statistics.median(render_cpu):.0f} ms); "
        f"gather + render + put + commit median {statistics.median(inteiro):.0f} ms "
        f"over {len(inteiro)} cotas "
        "(target <= 300 ms)"
    )


# -- 3. a 20 MB upload through the real HTTP app on loopback --------------------------------------


def _porta_livre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bench_upload(env: dict[str, str], runs: int, tamanho_mb: int = 20) -> None:
    porta = _porta_livre()
    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-docs-app-{porta}.log", "wb")  # noqa: SIM115
    app = subprocess.Popen(
        [sys.executable, "-m", "tenant_app", "serve", "--host", "127.0.0.1", "--port", str(porta)],
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{porta}"
    try:
        with httpx.Client(base_url=base, timeout=60) as http:
            for _ in range(120):
                try:
                    if http.get("/health").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.5)
            token = http.post(
                "/api/auth/login",
                json={"email": env["INITIAL_ADMIN_EMAIL"], "password": env["INITIAL_ADMIN_PASSWORD"]},
            ).json()["access_token"]
            auth = {"Authorization": f"Bearer {token}"}
            pessoa = http.post(
                "/api/consorciados/",
                json={"tipo_pessoa": "PF", "documento": "52998224725", "nome": "Benchmark", "enderecos": []},
                headers=auth,
            )
            assert pessoa.status_code == 201, pessoa.text
            corpo = b"%PDF-1.7\n" + os.urandom(tamanho_mb * 1024 * 1024 - 9)
            tempos = []
            for _ in range(runs):
                t = time.perf_counter()
                r = http.post(
                    "/api/documentos/",
                    params={
                        "entidade_tipo": "consorciado",
                        "entidade_id": pessoa.json()["id"],
                        "categoria": "outro",
                        "nome_arquivo": "grande.pdf",
                    },
                    content=corpo,
                    headers={**auth, "Content-Type": "application/octet-stream"},
                )
                tempos.append(time.perf_counter() - t)
                assert r.status_code == 201, r.text
        print(
            f"upload {tamanho_mb} MB over loopback HTTP "
            "(stream, type check, SHA-256, multipart put, commit): "
            f"median {statistics.median(tempos) * 1000:.0f} ms over {runs} "
            f"(min {min(tempos) * 1000:.0f}, max {max(tempos) * 1000:.0f}; target <= 1 s)"
        )
    finally:
        app.terminate()
        app.wait(timeout=20)
        log.close()


def main() -> None:
    dados_pessoais.usar_chave_dev()  # personal data is encrypted at rest: the test key
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cotas", type=int, default=10_000)
    parser.add_argument("--pagas", type=int, default=12, help="parcelas paid per cota (one payment each)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--extrato-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.extrato_child:
        print(json.dumps(asyncio.run(_extrato_child(dict(os.environ)))))
        return

    cfg = StackConfig.from_env()
    stack.up(cfg, ["postgres", "redis", "s3"], log=lambda _msg: None)
    print(f"load average before: {_load()} ({os.cpu_count()} CPUs)")
    env = asyncio.run(_provision(cfg, f"benchdocs{uuid.uuid4().hex[:8]}"))
    try:
        t = time.perf_counter()
        asyncio.run(_seed(env, args.cotas, args.pagas))
        segundos = time.perf_counter() - t
        print(f"seeded {args.cotas:,} cotas x 60 parcelas, {args.pagas} paid each, in {segundos:.0f} s")
        bench_extrato(env, args.runs)
        asyncio.run(bench_contrato(env, max(args.runs, 10)))
        bench_upload(env, max(args.runs, 5))
    finally:
        asyncio.run(_drop(cfg, env))
    print(f"load average after: {_load()}")


if __name__ == "__main__":
    main()
