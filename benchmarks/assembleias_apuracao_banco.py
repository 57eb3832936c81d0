"""Service-path timing for ``assembleias_apuracao.py --banco`` (real PostgreSQL + Redis from devstack).

One identical group is seeded per run (bulk inserts), then ``executar_apuracao``
runs for real: lock, snapshot, apuração, record, awards, ledger, commit.
"""

from __future__ import annotations

import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import asyncpg
from redis.asyncio import Redis
from sqlalchemy import insert

from devstack import dados_pessoais, stack
from devstack.config import StackConfig
from tenant_app.assembleias.apuracao import EntradaApuracao
from tenant_app.assembleias.apuracao_service import executar_apuracao
from tenant_app.assembleias.models import Assembleia, LanceAssembleia, RegrasAssembleiaGrupo, StatusAssembleia
from tenant_app.consorciados.models import Consorciado, TipoPessoa
from tenant_app.cotas.models import Cota, StatusCota
from tenant_app.database.session import create_engine, create_session_factory
from tenant_app.grupos.models import Grupo, StatusGrupo, TipoBem
from tenant_app.ledger.models import Fundo, OrigemLancamento
from tenant_app.migrations import runner
from tenant_app.parcelas.models import Parcela, StatusParcela
from tenant_app.settings import Settings
from tenant_app.unit_of_work import Actor, UnitOfWork


async def _semear(uow: UnitOfWork, e: EntradaApuracao) -> uuid.UUID:
    """A group whose snapshot at the cut-off reproduces ``e``; returns the assembleia id."""
    session = uow.session
    hoje = datetime.now(UTC).date()
    grupo_id = uuid.uuid4()
    valor = Decimal("120000.00")
    await session.execute(
        insert(Grupo).values(
            id=grupo_id,
            codigo=f"B{grupo_id.hex[:10]}",
            tipo_bem=TipoBem.IMOVEL,
            valor_credito=valor,
            prazo_meses=100,
            numero_cotas=e.tamanho_grupo,
            taxa_administracao_pct=Decimal("18"),
            dia_assembleia=10,
            dia_vencimento=5,
            status=StatusGrupo.EM_ANDAMENTO,
            data_inicio=hoje - timedelta(days=70),
        )
    )
    ativas = {c.numero for c in e.cotas_ativas}
    excluidas = {c.numero for c in e.cotas_excluidas}
    pessoas = [
        {"id": uuid.uuid4(), "tipo_pessoa": TipoPessoa.FISICA, "nome": f"C{n}"}
        for n in range(e.tamanho_grupo)
    ]
    await session.execute(insert(Consorciado), pessoas)
    cotas = {n: uuid.uuid4() for n in range(1, e.tamanho_grupo + 1)}
    await session.execute(
        insert(Cota),
        [
            {
                "id": cotas[n],
                "grupo_id": grupo_id,
                "numero": n,
                "consorciado_id": pessoas[n - 1]["id"],
                "data_adesao": hoje - timedelta(days=70),
                "status": StatusCota.EXCLUIDA if n in excluidas else StatusCota.ATIVA,
            }
            for n in cotas
        ],
    )
    fc = Decimal("1200.00")
    parcelas = []
    for n, cota_id in cotas.items():
        for numero, dias in ((1, 60), (2, 30)):
            pago = numero == 1 or n in ativas
            parcelas.append(
                {
                    "id": uuid.uuid4(),
                    "cota_id": cota_id,
                    "grupo_id": grupo_id,
                    "numero": numero,
                    "vencimento": hoje - timedelta(days=dias),
                    "valor_fundo_comum": fc,
                    "valor_taxa_administracao": Decimal("216.00"),
                    "valor_fundo_reserva": Decimal("0.00"),
                    "valor_seguro": Decimal("0.00"),
                    "valor_total": Decimal("1416.00"),
                    "pago_fundo_comum": fc if pago else Decimal("0.00"),
                    "pago_taxa_administracao": Decimal("216.00") if pago else Decimal("0.00"),
                    "status": StatusParcela.PAGA if pago else StatusParcela.ABERTA,
                    "paga_em": hoje - timedelta(days=dias) if pago else None,
                }
            )
    await session.execute(insert(Parcela), parcelas)
    r = e.regras
    await session.execute(
        insert(RegrasAssembleiaGrupo).values(
            grupo_id=grupo_id,
            metodo_sorteio=r.metodo_sorteio,
            zero_vale_mil=r.zero_vale_mil,
            direcao_aproximacao=r.direcao_aproximacao,
            contemplacoes_sorteio=r.contemplacoes_sorteio,
            sorteios_restituicao=r.sorteios_restituicao,
            tipos_lance=sorted(t.value for t in r.tipos_lance),
            lance_minimo_percentual=r.lance_minimo_percentual,
            lance_fixo_percentual=r.lance_fixo_percentual,
            embutido_maximo_percentual=r.embutido_maximo_percentual,
            fundo_reserva_completa_sorteios=r.fundo_reserva_completa_sorteios,
            fundo_reserva_sorteios_extras=r.fundo_reserva_sorteios_extras,
            amortizacao_lance=r.amortizacao_lance,
        )
    )
    assembleia_id = uuid.uuid4()
    await session.execute(
        insert(Assembleia).values(
            id=assembleia_id,
            grupo_id=grupo_id,
            numero=1,
            data_assembleia=hoje,
            corte_lances_em=datetime.now(UTC) - timedelta(minutes=1),
            status=StatusAssembleia.RECEBENDO_LANCES,
        )
    )
    await session.execute(
        insert(LanceAssembleia),
        [
            {
                "id": uuid.uuid4(),
                "assembleia_id": assembleia_id,
                "cota_id": cotas[lance.cota],
                "tipo": lance.tipo,
                "percentual": lance.percentual,
                "percentual_embutido": lance.percentual_embutido,
                "registrado_em": datetime.now(UTC) - timedelta(hours=1),
            }
            for lance in e.lances
        ],
    )
    await uow.lancar(
        grupo_id,
        [(Fundo.FUNDO_COMUM, e.saldo_fundo_comum), (Fundo.FUNDO_RESERVA, e.saldo_fundo_reserva)],
        OrigemLancamento.AJUSTE,
    )
    await uow.commit()
    return assembleia_id


async def medir_servico(entrada: EntradaApuracao, runs: int) -> None:
    """Seed ``runs`` identical groups and time one real apuração on each."""
    dados_pessoais.usar_chave_dev()  # personal data is encrypted at rest: the test key
    cfg = StackConfig.from_env()
    stack.up(cfg, ["postgres", "redis"], log=lambda _msg: None)
    nome = f"bench_assembleias_{uuid.uuid4().hex[:8]}"
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
        redis = Redis.from_url(settings.redis.url, decode_responses=True)
        ids = []
        inicio = time.perf_counter()
        for _ in range(runs):
            async with UnitOfWork.start(fabrica, Actor(None, "benchmark")) as uow:
                ids.append(await _semear(uow, entrada))
        semeadura = time.perf_counter() - inicio
        tempos = []
        contemplacoes = 0
        for assembleia_id in ids:
            async with UnitOfWork.start(fabrica, Actor(None, "benchmark")) as uow:
                t0 = time.perf_counter()
                _, premios = await executar_apuracao(
                    uow, redis, settings, assembleia_id, 6001, list(entrada.extracao.premios), None
                )
                tempos.append((time.perf_counter() - t0) * 1000)
                contemplacoes = len(premios)
        await redis.aclose()  # type: ignore[attr-defined]
        await engine.dispose()
        print(
            f"service path (PostgreSQL + Redis): {entrada.tamanho_grupo} cotas, {len(entrada.lances)} lances,"
            f" {contemplacoes} contemplações; seeding {runs} groups took {semeadura:.1f} s"
        )
        print(
            f"  median {statistics.median(tempos):.1f} ms  min {min(tempos):.1f} ms  max {max(tempos):.1f} ms"
            f"  over {runs} runs (lock + snapshot + apuração + record + ledger + commit)"
        )
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{nome}" WITH (FORCE)')
        await admin.close()
