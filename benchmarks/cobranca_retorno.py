"""Benchmark: settle a CNAB 240 retorno on real PostgreSQL (devstack), one by one against in bulk.

Per run and per path a fresh grupo is seeded with bulk inserts: ``--cotas`` cotas × ``--parcelas``
parcelas and ``--por-cota`` títulos per cota (its first parcelas), so ``cotas × por-cota`` títulos; the
issue's case is 10,000 cotas × 60 parcelas and 100,000 títulos (10 per cota). Then every título is paid:

* ``um a um`` (before): each liquidação through ``liquidacao.liquidar`` → ``registrar_pagamento``
  (lock the cota, read its parcelas, flush the payment before its ledger rows), one transaction —
  what ``retornos.importar`` did per ocorrência until the bulk path;
* ``em lote`` (after): ``retornos.importar`` of the bank's retorno (parse, keep the file, ocorrências
  once, ``liquidacao_lote`` over ``pagamentos.lote``: same rules, batched reads and writes), one
  transaction, commit.

Prints per path the median (of ``--runs``) wall time, CPU time of this process (PostgreSQL's own CPU is
not in it), ms per título, and the load average before and after, plus the 100,000-título
extrapolation. The machine is shared: read the per-título figures with the load next to them.
``--sem-antes`` skips the slow path (for a large bulk-only run).

    .venv/bin/python benchmarks/cobranca_retorno.py [--runs 3] [--cotas 300] [--por-cota 2] [--parcelas 60]
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

from devstack import dados_pessoais, stack
from devstack.config import StackConfig
from tenant_app.cobranca import liquidacao, retornos
from tenant_app.cobranca.bancos import CarteiraBB
from tenant_app.cobranca.boleto import montar_boleto
from tenant_app.cobranca.demo import retorno_do_banco
from tenant_app.cobranca.models import ContaCobranca, OrigemValor, StatusTitulo, Titulo
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
    uow: UnitOfWork, conta: ContaCobranca, cotas: int, parcelas: int, por_cota: int, primeiro: int
) -> list[Titulo]:
    """A running grupo, its cotas and parcelas, ``por_cota`` títulos per cota (numbers from ``primeiro``)."""
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
    cobradas: list[tuple[uuid.UUID, uuid.UUID, int, date]] = []
    lote = []
    for cid in cota_ids:
        for numero in range(1, parcelas + 1):
            pid = uuid.uuid4()
            vencimento = hoje + timedelta(days=30 * numero)
            if numero <= por_cota:
                cobradas.append((cid, pid, numero, vencimento))
            lote.append(
                {
                    "id": pid,
                    "cota_id": cid,
                    "grupo_id": grupo_id,
                    "numero": numero,
                    "vencimento": vencimento,
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
    for i, (cid, pid, parcela_numero, vencimento) in enumerate(cobradas):
        numero = primeiro + i
        b = montar_boleto(
            "001", carteira=CARTEIRA, numero=numero, vencimento=vencimento, valor=Decimal("1150.00")
        )
        titulos.append(
            Titulo(
                id=uuid.uuid4(),
                conta_id=conta.id,
                parcela_id=pid,
                cota_id=cid,
                grupo_id=grupo_id,
                parcela_numero=parcela_numero,
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
    for inicio in range(0, len(titulos), 2000):
        await s.execute(
            insert(Titulo), [{k: getattr(t, k) for k in _COLUNAS} for t in titulos[inicio : inicio + 2000]]
        )
    await uow.commit()
    return titulos


async def um_a_um(uow: UnitOfWork, conta: ContaCobranca, titulos: list[Titulo], credito: date) -> int:
    """Before: each título through ``liquidacao.liquidar`` (the per-título money path), one transaction."""
    pagos = 0
    for t in titulos:
        titulo = await liquidacao.titulo_por_nosso_numero(uow, conta.id, t.nosso_numero)
        r = liquidacao.Recebimento(OrigemValor.RETORNO, t.nosso_numero, t.valor, credito)
        pagos += (await liquidacao.liquidar(uow, titulo, r)).pagamento is not None
    await uow.commit()
    return pagos


async def em_lote(uow: UnitOfWork, conteudo: bytes, conta: ContaCobranca, n: int) -> int:
    """After: the bank's retorno (``demo.retorno_do_banco``, written before the clock starts: the
    bank's work, not the import's) through ``retornos.importar`` (bulk settlement), one transaction."""
    lido = retornos.ler(conteudo)
    async with uow.one_transaction():
        resumo = await retornos.importar(uow, f"B{n}.RET", conteudo, lido, conta)
    return resumo.contagem.get("liquidado", 0)


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


async def medir(runs: int, cotas: int, parcelas: int, por_cota: int, sem_antes: bool) -> None:
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
        caminhos = {"um a um": um_a_um, "em lote": None}
        if sem_antes:
            del caminhos["um a um"]
        n_titulos = cotas * por_cota
        medidas: dict[str, tuple[list[float], list[float]]] = {c: ([], []) for c in caminhos}
        carga_antes = os.getloadavg()
        numero = 1
        for _run in range(runs):
            for caminho in caminhos:
                async with UnitOfWork.start(fabrica, Actor(None, "benchmark")) as uow:
                    titulos = await semear(uow, conta, cotas, parcelas, por_cota, numero)
                numero += len(titulos)
                conteudo = retorno_do_banco(conta, titulos, date.today(), numero)
                # A tenant's tables in steady state, not rows bulk-loaded a second ago: statistics
                # taken and hint bits set now, not by an autovacuum running beside the import.
                banco = await asyncpg.connect(dsn)
                await banco.execute("VACUUM ANALYZE")
                await banco.close()
                async with UnitOfWork.start(fabrica, Actor(None, "benchmark")) as uow:
                    p0, c0 = time.perf_counter(), time.process_time()
                    if caminho == "um a um":
                        pagos = await um_a_um(uow, conta, titulos, date.today())
                    else:
                        pagos = await em_lote(uow, conteudo, conta, numero)
                    parede, cpu = time.perf_counter() - p0, time.process_time() - c0
                assert pagos == len(titulos), f"{caminho}: {pagos} of {len(titulos)} settled"
                medidas[caminho][0].append(parede)
                medidas[caminho][1].append(cpu)
        await engine.dispose()
        carga = os.getloadavg()
        print(
            f"retorno of {n_titulos} títulos ({por_cota} per cota) against {cotas} cotas × {parcelas}"
            f" parcelas,"
            f" {runs} runs per path; load average before {carga_antes[0]:.2f} {carga_antes[1]:.2f}"
            f" {carga_antes[2]:.2f}, after {carga[0]:.2f} {carga[1]:.2f} {carga[2]:.2f}"
        )
        for caminho, (paredes, cpus) in medidas.items():
            parede, cpu = statistics.median(paredes), statistics.median(cpus)
            print(
                f"  {caminho:8}: median {parede:.2f} s wall ({parede / n_titulos * 1000:.2f} ms/título;"
                f" min {min(paredes):.2f} max {max(paredes):.2f}), {cpu:.2f} s CPU of this process"
                f" ({cpu / n_titulos * 1000:.3f} ms CPU/título); extrapolated to 100,000 títulos:"
                f" {parede / n_titulos * 100_000:.0f} s wall, {cpu / n_titulos * 100_000:.0f} s CPU"
                " (target <= 20 s)"
            )
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{nome}" WITH (FORCE)')
        await admin.close()


def main() -> None:
    dados_pessoais.usar_chave_dev()  # personal data is encrypted at rest: the test key
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cotas", type=int, default=300)
    parser.add_argument("--parcelas", type=int, default=60)
    parser.add_argument("--por-cota", type=int, default=2, help="títulos per cota (its first parcelas)")
    parser.add_argument("--sem-antes", action="store_true", help="only the bulk path")
    args = parser.parse_args()
    if not 1 <= args.por_cota <= args.parcelas:
        parser.error("--por-cota must be between 1 and --parcelas")
    asyncio.run(medir(args.runs, args.cotas, args.parcelas, args.por_cota, args.sem_antes))


if __name__ == "__main__":
    main()
