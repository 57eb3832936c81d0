"""Benchmark: import and settle a CNAB 240 retorno on real PostgreSQL (devstack).

Per run a fresh grupo is seeded with bulk inserts — ``--cotas`` cotas × ``--parcelas`` parcelas, one
título per cota for its first parcela — and a retorno liquidating every título is imported through
``retornos.importar`` (parse, keep the file, ocorrências once, each liquidação through
``registrar_pagamento``, one transaction, commit). Prints the median wall and CPU time, the time per
título and the load average. The issue's target is 100,000 títulos against 10,000 cotas × 60 parcelas
in <= 20 s; on the shared 2-core machine run a scaled version (defaults) and read the per-título figure.

    .venv/bin/python benchmarks/cobranca_retorno.py [--runs 3] [--cotas 1000] [--parcelas 60]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import asyncpg
from sqlalchemy import insert

from devstack import stack
from devstack.config import StackConfig
from tenant_app.cobranca import retornos
from tenant_app.cobranca.bancos import CarteiraBB
from tenant_app.cobranca.boleto import montar_boleto
from tenant_app.cobranca.demo import retorno_do_banco
from tenant_app.cobranca.models import ContaCobranca, StatusTitulo, Titulo
from tenant_app.consorciados.models import Consorciado, TipoPessoa
from tenant_app.cotas.models import Cota, StatusCota
from tenant_app.database.session import create_engine, create_session_factory
from tenant_app.grupos.models import Grupo, StatusGrupo, TipoBem
from tenant_app.migrations import runner
from tenant_app.parcelas.models import Parcela, StatusParcela
from tenant_app.settings import Settings
from tenant_app.unit_of_work import Actor, UnitOfWork

CARTEIRA = CarteiraBB("1234567")


async def semear(
    uow: UnitOfWork, conta: ContaCobranca, cotas: int, parcelas: int, primeiro: int
) -> list[Titulo]:
    """A running grupo, its cotas and parcelas, and one título per cota (numbers from ``primeiro``)."""
    s = uow.session
    hoje = datetime.now(UTC).date()
    grupo_id = uuid.uuid4()
    await s.execute(
        insert(Grupo).values(
            id=grupo_id,
            codigo=f"R{grupo_id.hex[:10]}",
            tipo_bem=TipoBem.AUTOMOVEL,
            valor_credito=Decimal("60000.00"),
            prazo_meses=parcelas,
            numero_cotas=cotas,
            taxa_administracao_pct=Decimal("15"),
            dia_assembleia=15,
            dia_vencimento=10,
            status=StatusGrupo.EM_ANDAMENTO,
            data_inicio=hoje - timedelta(days=5),
        )
    )
    pessoas = [{"id": uuid.uuid4(), "tipo_pessoa": TipoPessoa.FISICA, "nome": f"P{n}"} for n in range(cotas)]
    await s.execute(insert(Consorciado), pessoas)
    cota_ids = [uuid.uuid4() for _ in range(cotas)]
    await s.execute(
        insert(Cota),
        [
            {
                "id": cid,
                "grupo_id": grupo_id,
                "numero": n + 1,
                "consorciado_id": pessoas[n]["id"],
                "data_adesao": hoje - timedelta(days=10),
                "status": StatusCota.ATIVA,
            }
            for n, cid in enumerate(cota_ids)
        ],
    )
    primeiras = {}
    lote = []
    for cid in cota_ids:
        for numero in range(1, parcelas + 1):
            pid = uuid.uuid4()
            if numero == 1:
                primeiras[cid] = pid
            lote.append(
                {
                    "id": pid,
                    "cota_id": cid,
                    "grupo_id": grupo_id,
                    "numero": numero,
                    "vencimento": hoje + timedelta(days=30 * numero),
                    "valor_fundo_comum": Decimal("1000.00"),
                    "valor_taxa_administracao": Decimal("150.00"),
                    "valor_fundo_reserva": Decimal("0.00"),
                    "valor_seguro": Decimal("0.00"),
                    "valor_total": Decimal("1150.00"),
                    "status": StatusParcela.ABERTA,
                }
            )
            if len(lote) >= 5000:
                await s.execute(insert(Parcela), lote)
                lote = []
    if lote:
        await s.execute(insert(Parcela), lote)
    titulos = []
    for i, cid in enumerate(cota_ids):
        numero = primeiro + i
        vencimento = hoje + timedelta(days=30)
        b = montar_boleto(
            "001", carteira=CARTEIRA, numero=numero, vencimento=vencimento, valor=Decimal("1150.00")
        )
        titulos.append(
            Titulo(
                id=uuid.uuid4(),
                conta_id=conta.id,
                parcela_id=primeiras[cid],
                cota_id=cid,
                grupo_id=grupo_id,
                parcela_numero=1,
                numero=numero,
                nosso_numero=b.nosso_numero,
                seu_numero=f"{numero:015d}",
                vencimento=vencimento,
                valor=b.valor,
                valor_principal=b.valor,
                codigo_barras=b.codigo_barras,
                linha_digitavel=b.linha_digitavel,
                status=StatusTitulo.REGISTRADO,
                emitido_em=datetime.now(UTC),
            )
        )
    await s.execute(insert(Titulo), [{k: getattr(t, k) for k in _COLUNAS} for t in titulos])
    await uow.commit()
    return titulos


_COLUNAS = (
    "id",
    "conta_id",
    "parcela_id",
    "cota_id",
    "grupo_id",
    "parcela_numero",
    "numero",
    "nosso_numero",
    "seu_numero",
    "vencimento",
    "valor",
    "valor_principal",
    "codigo_barras",
    "linha_digitavel",
    "status",
    "emitido_em",
)


async def medir(runs: int, cotas: int, parcelas: int) -> None:
    cfg = StackConfig.from_env()
    stack.up(cfg, ["postgres"], log=lambda _msg: None)
    nome = f"bench_cobranca_{uuid.uuid4().hex[:8]}"
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
        async with UnitOfWork.start(fabrica, Actor(None, "benchmark")) as uow:
            conta = ContaCobranca(
                id=uuid.uuid4(),
                banco="001",
                agencia="1606",
                dv_agencia="3",
                conta="68093",
                dv_conta="X",
                convenio="1234567",
                carteira="17",
                beneficiario_nome="Bench",
                beneficiario_documento="11222333000181",
                cidade="Sao Paulo",
                proximo_numero=1,
                proxima_remessa=1,
            )
            uow.add(conta)
            await uow.commit()
        paredes, cpus, semeadura = [], [], 0.0
        liquidados = 0
        for run in range(runs):
            async with UnitOfWork.start(fabrica, Actor(None, "benchmark")) as uow:
                t0 = time.perf_counter()
                titulos = await semear(uow, conta, cotas, parcelas, 1 + run * cotas)
                semeadura += time.perf_counter() - t0
            conteudo = retorno_do_banco(conta, titulos, date.today(), run + 1)
            async with UnitOfWork.start(fabrica, Actor(None, "benchmark")) as uow:
                p0, c0 = time.perf_counter(), time.process_time()
                lido = retornos.ler(conteudo)
                async with uow.one_transaction():
                    resumo = await retornos.importar(uow, f"B{run}.RET", conteudo, lido, conta)
                paredes.append(time.perf_counter() - p0)
                cpus.append(time.process_time() - c0)
                liquidados = resumo.contagem.get("liquidado", 0)
        await engine.dispose()
        carga = os.getloadavg()
        mediana = statistics.median(paredes)
        print(
            f"retorno of {cotas} títulos ({liquidados} liquidados each run) against {cotas} cotas"
            f" × {parcelas} parcelas: median {mediana:.2f} s wall,"
            f" {statistics.median(cpus):.2f} s CPU of this process"
            f" ({mediana / cotas * 1000:.2f} ms/título; min {min(paredes):.2f} max {max(paredes):.2f};"
            f" {runs} runs; seeding {semeadura:.1f} s);"
            f" load average {carga[0]:.2f} {carga[1]:.2f} {carga[2]:.2f}"
        )
        print(f"  extrapolated to 100,000 títulos: {mediana / cotas * 100_000:.0f} s (target <= 20 s)")
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{nome}" WITH (FORCE)')
        await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cotas", type=int, default=1000)
    parser.add_argument("--parcelas", type=int, default=60)
    args = parser.parse_args()
    asyncio.run(medir(args.runs, args.cotas, args.parcelas))


if __name__ == "__main__":
    main()
