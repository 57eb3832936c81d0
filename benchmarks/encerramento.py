"""Benchmark: closing a group (encerramento) on real PostgreSQL from devstack.

Seeds ``--runs`` identical groups at the end of their plan (bulk inserts: ``--cotas`` cotas of 10
parcelas, 5 % excluded after 2 parcelas, half with a PIX key, the notice 40 days ago), then times
``encerramento.service.encerrar_grupo`` on each: the accounts of every cota, one ledger movement
per cota through ``pagamentos.devolucoes``, the lines, the commit. Prints the median wall and CPU
time, per cota, and the machine's load.

    .venv/bin/python benchmarks/encerramento.py [--cotas 3000] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal

import asyncpg
from sqlalchemy import insert

from devstack import dados_pessoais, stack
from devstack.config import StackConfig
from tenant_app.consorciados.models import Consorciado, Contato, TipoPessoa
from tenant_app.cotas.models import Cota, StatusCota
from tenant_app.database.session import create_engine, create_session_factory
from tenant_app.encerramento import service
from tenant_app.encerramento.models import Encerramento, StatusEncerramento
from tenant_app.grupos.models import Grupo, StatusGrupo, TipoBem
from tenant_app.ledger.models import Fundo, OrigemLancamento
from tenant_app.migrations import runner
from tenant_app.parcelas.models import Parcela, StatusParcela
from tenant_app.settings import Settings
from tenant_app.unit_of_work import Actor, UnitOfWork

FC, TA, FR = Decimal("1000.00"), Decimal("100.00"), Decimal("50.00")


async def _semear(uow: UnitOfWork, n_cotas: int) -> uuid.UUID:
    """A group of ``n_cotas`` at the end of its plan, notified 40 days ago; returns its id."""
    s = uow.session
    grupo_id = uuid.uuid4()
    await s.execute(
        insert(Grupo).values(
            id=grupo_id,
            codigo=f"E{grupo_id.hex[:10]}",
            tipo_bem=TipoBem.AUTOMOVEL,
            valor_credito=Decimal("10000.00"),
            prazo_meses=10,
            numero_cotas=n_cotas,
            taxa_administracao_pct=Decimal(10),
            fundo_reserva_pct=Decimal(5),
            dia_assembleia=15,
            dia_vencimento=10,
            status=StatusGrupo.EM_ANDAMENTO,
            data_inicio=date(2025, 1, 15),
        )
    )
    pessoas, contatos, cotas, parcelas = [], [], [], []
    for n in range(1, n_cotas + 1):
        pessoa, cota = uuid.uuid4(), uuid.uuid4()
        pessoas.append({"id": pessoa, "tipo_pessoa": TipoPessoa.FISICA, "nome": f"C{n}"})
        if n % 2:
            contatos.append(
                {"id": uuid.uuid4(), "consorciado_id": pessoa, "tipo": "pix", "valor": f"c{n}@x.example"}
            )
        excluida = n % 20 == 0
        cotas.append(
            {
                "id": cota,
                "grupo_id": grupo_id,
                "numero": n,
                "consorciado_id": pessoa,
                "status": StatusCota.EXCLUIDA if excluida else StatusCota.ATIVA,
                "data_adesao": date(2025, 1, 5),
                "contemplada": not excluida,
            }
        )
        for k in range(1, 11):
            paga = k <= (2 if excluida else 10)
            zero = Decimal("0.00")
            parcelas.append(
                {
                    "id": uuid.uuid4(),
                    "cota_id": cota,
                    "grupo_id": grupo_id,
                    "numero": k,
                    "vencimento": date(2025, 1 + k, 10),
                    "valor_fundo_comum": FC,
                    "valor_taxa_administracao": TA,
                    "valor_fundo_reserva": FR,
                    "valor_seguro": zero,
                    "valor_total": FC + TA + FR,
                    "pago_fundo_comum": FC if paga else zero,
                    "pago_taxa_administracao": TA if paga else zero,
                    "pago_fundo_reserva": FR if paga else zero,
                    "status": StatusParcela.PAGA if paga else StatusParcela.ABERTA,
                    "paga_em": date(2025, 1 + k, 10) if paga else None,
                }
            )
    await s.execute(insert(Consorciado), pessoas)
    await s.execute(insert(Contato), contatos)
    await s.execute(insert(Cota), cotas)
    for i in range(0, len(parcelas), 5000):
        await s.execute(insert(Parcela), parcelas[i : i + 5000])
    await uow.lancar(
        grupo_id,
        [(Fundo.FUNDO_COMUM, Decimal(n_cotas) * 700), (Fundo.FUNDO_RESERVA, Decimal(n_cotas) * 20)],
        OrigemLancamento.AJUSTE,
        descricao="benchmark",
    )
    uow.add(
        Encerramento(
            grupo_id=grupo_id,
            status=StatusEncerramento.COMUNICADO,
            data_comunicacao=date.today() - timedelta(days=40),
        )
    )
    await uow.commit()
    return grupo_id


async def medir(n_cotas: int, runs: int) -> None:
    """Seed ``runs`` groups and close each once."""
    cfg = StackConfig.from_env()
    stack.up(cfg, ["postgres"], log=lambda _msg: None)
    nome = f"bench_encerramento_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(cfg.database_url)
    await admin.execute(f'CREATE DATABASE "{nome}"')
    dsn = cfg.database_url.rsplit("/", 1)[0] + "/" + nome
    try:
        await runner.upgrade(dsn)
        settings = Settings.from_env(
            {"TENANT_SLUG": "bench", "DATABASE_URL": dsn, "REDIS_URL": cfg.redis_url, "JWT_SECRET": "x" * 64}
        )
        engine = create_engine(settings.database)
        fabrica = create_session_factory(engine)
        ids = []
        for _ in range(runs):
            async with UnitOfWork.start(fabrica, Actor(None, "benchmark")) as uow:
                ids.append(await _semear(uow, n_cotas))
        paredes, cpus = [], []
        for grupo_id in ids:
            async with UnitOfWork.start(fabrica, Actor(None, "benchmark")) as uow:
                t0, c0 = time.perf_counter(), time.process_time()
                await service.encerrar_grupo(uow, grupo_id, date.today())
                paredes.append((time.perf_counter() - t0) * 1000)
                cpus.append((time.process_time() - c0) * 1000)
            async with UnitOfWork.start(fabrica, Actor(None, "benchmark")) as uow:
                _, _, conciliacao = await service.demonstrativo(uow.session, grupo_id)
                assert conciliacao.conciliado
        await engine.dispose()
        carga = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"encerramento of {n_cotas} cotas, {runs} runs, load average {carga}")
        parede, cpu = statistics.median(paredes), statistics.median(cpus)
        print(f"  wall median {parede:.0f} ms (min {min(paredes):.0f}, max {max(paredes):.0f})")
        print(f"  CPU median {cpu:.0f} ms = {cpu / n_cotas:.2f} ms per cota")
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{nome}" WITH (FORCE)')
        await admin.close()


def main() -> None:
    """Command line."""
    dados_pessoais.usar_chave_dev()  # personal data is encrypted at rest: the test key
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cotas", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(medir(args.cotas, args.runs))


if __name__ == "__main__":
    main()
