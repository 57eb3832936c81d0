"""Running an apuração: one at a time per group, recorded with its input hash, never twice.

Three guards stop a second apuração of the same assembleia: a Redis lock per
group (fails closed when Redis is down), the assembleia row lock with its
status check, and the database's unique (assembleia, revisão).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from decimal import Decimal

import anyio
from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app import calendario
from tenant_app.assembleias import elegibilidade
from tenant_app.assembleias.apuracao import (
    Contemplacao,
    EntradaApuracao,
    Lance,
    Modalidade,
    apurar,
    apurar_com_entrada,
    entrada_de_json,
    hash_entrada,
    resultado_canonico,
)
from tenant_app.assembleias.erros import RegraViolada
from tenant_app.assembleias.models import (
    Apuracao,
    Assembleia,
    ContemplacaoCota,
    LanceAssembleia,
    StatusAssembleia,
    StatusLance,
)
from tenant_app.assembleias.prazo_lance import prazo_pagamento_lance
from tenant_app.assembleias.service import get_assembleia, get_regras, problema, regras_puras
from tenant_app.assembleias.sorteio.extracao import ExtracaoLoteria, parse_extracao
from tenant_app.cotas.models import Cota, CotaEvento, TipoEventoCota
from tenant_app.credito.abertura import abrir_cartas
from tenant_app.erros import ConflitoError, IndisponivelError, NaoEncontrado
from tenant_app.eventos.tipos import ASSEMBLEIA_APURADA, COTA_CONTEMPLADA
from tenant_app.grupos.models import Grupo
from tenant_app.ledger.models import Fundo, OrigemLancamento
from tenant_app.pagamentos.devolucoes import registrar_devolucao
from tenant_app.settings import Settings
from tenant_app.system.redis_keys import lock_key
from tenant_app.system.redis_lock import LockBusy, LockLost, LockUnavailable, RedisLock
from tenant_app.unit_of_work import UnitOfWork

_EM_ANDAMENTO = "Já existe uma apuração em andamento para este grupo. Aguarde o resultado."
_JA_APURADA = "Esta assembleia já foi apurada; o resultado está registrado e não pode ser refeito."


def chave_trava(settings: Settings, grupo_id: uuid.UUID) -> str:
    """The lock key, inside the tenant's Redis prefix."""
    return lock_key(settings.redis, f"apuracao:{grupo_id}")


def _extracao(concurso: object, premios: object) -> ExtracaoLoteria:
    try:
        return parse_extracao(concurso, premios)
    except RegraViolada as err:
        raise problema(err) from None


async def executar_apuracao(
    uow: UnitOfWork,
    redis: Redis,
    settings: Settings,
    assembleia_id: uuid.UUID,
    concurso: object,
    premios: object,
    user_id: uuid.UUID | None,
) -> tuple[Apuracao, list[ContemplacaoCota]]:
    """Apurar the assembleia with this extraction, once, under the group's lock."""
    extracao = _extracao(concurso, premios)
    grupo_id = (await get_assembleia(uow.session, assembleia_id)).grupo_id
    # Give the connection back while waiting: the lock, not the pool, serialises callers.
    await uow.rollback()
    async with trava_do_grupo(redis, settings, grupo_id) as trava:
        return await apurar_com_trava(uow, trava, settings, assembleia_id, extracao, user_id)


@asynccontextmanager
async def trava_do_grupo(redis: Redis, settings: Settings, grupo_id: uuid.UUID) -> AsyncIterator[RedisLock]:
    """Hold the group's apuração lock; 409 when someone holds it, 503 when Redis cannot say."""
    trava = RedisLock(redis, chave_trava(settings, grupo_id))
    try:
        await trava.acquire()
    except LockBusy:
        raise ConflitoError(_EM_ANDAMENTO, code="apuracao_em_andamento") from None
    except LockUnavailable:
        raise IndisponivelError(
            "O serviço de travas (Redis) está indisponível; por segurança a apuração não foi executada. "
            "Tente novamente em instantes.",
            code="trava_indisponivel",
            headers={"Retry-After": "30"},
        ) from None
    try:
        yield trava
    finally:
        await trava.release()


async def commit_travado(uow: UnitOfWork, trava: RedisLock) -> None:
    """Commit only while the lock is still ours; a duplicate revision is a 409."""
    try:
        await uow.flush()
        # Past this point a lost lease could mean a second holder: refuse to commit.
        trava.ensure_held()
        await uow.commit()
    except IntegrityError:
        await uow.rollback()
        raise ConflitoError(_JA_APURADA, code="assembleia_apurada") from None
    except LockLost:
        await uow.rollback()
        raise ConflitoError(_EM_ANDAMENTO, code="apuracao_em_andamento") from None


async def apurar_com_trava(
    uow: UnitOfWork,
    trava: RedisLock,
    settings: Settings,
    assembleia_id: uuid.UUID,
    extracao: ExtracaoLoteria,
    user_id: uuid.UUID | None,
) -> tuple[Apuracao, list[ContemplacaoCota]]:
    """The apuração proper, for a caller already holding ``trava``: row lock, checks, record, commit."""
    session = uow.session
    assembleia = await get_assembleia(session, assembleia_id, lock=True)
    uow.track(assembleia)
    if assembleia.status in (StatusAssembleia.APURADA, StatusAssembleia.ENCERRADA):
        raise ConflitoError(_JA_APURADA, code="assembleia_apurada")
    if assembleia.status is not StatusAssembleia.RECEBENDO_LANCES:
        raise ConflitoError("A assembleia ainda não abriu o período de lances.", code="transicao_invalida")
    agora = datetime.now(UTC)
    if agora < assembleia.corte_lances_em:
        raise ConflitoError(
            f"Os lances estão abertos até {assembleia.corte_lances_em.isoformat()}; apure depois do corte.",
            code="lances_abertos",
        )
    grupo = await session.get(Grupo, assembleia.grupo_id, with_for_update=True)
    assert grupo is not None  # the foreign key guarantees it
    entrada, ids, lances_por_cota = await montar_entrada(session, settings, grupo, assembleia, extracao)
    # CPU-bound for big groups: off the event loop, so lease renewal and other requests go on.
    try:
        resultado, canonica = await anyio.to_thread.run_sync(apurar_com_entrada, entrada)
    except RegraViolada as err:
        raise problema(err) from None
    # Ids up front: the ledger entries refer to rows not flushed yet.
    apuracao = Apuracao(
        id=uuid.uuid4(),
        assembleia_id=assembleia.id,
        revisao=1,
        hash_entrada=resultado.hash_entrada,
        entrada_canonica=canonica.decode(),
        resultado_canonico=resultado_canonico(resultado).decode(),
        apurada_em=agora,
        apurada_por=user_id,
    )
    uow.add(apuracao)
    regras_row = await get_regras(session, grupo.id)
    prazo = prazo_pagamento_lance(calendario.hoje(agora), regras_row.prazo_pagamento_lance_dias)
    contemplacoes = await registrar_contemplacoes(
        uow, grupo, assembleia, apuracao, resultado.contemplacoes, ids, lances_por_cota, prazo
    )
    assembleia.status = StatusAssembleia.APURADA
    assembleia.extracao_concurso = extracao.concurso
    assembleia.extracao_premios = list(extracao.premios)
    assembleia.hash_entrada = resultado.hash_entrada
    assembleia.apurada_em = agora
    uow.publicar(
        ASSEMBLEIA_APURADA,
        {
            "assembleia_id": assembleia.id,
            "assembleia_numero": assembleia.numero,
            "apuracao_id": apuracao.id,
            "grupo_id": grupo.id,
            "grupo_codigo": grupo.codigo,
            "data_assembleia": assembleia.data_assembleia,
            "contemplacoes": [
                {"cota_numero": c.cota_numero, "modalidade": c.modalidade, "valor_liberado": c.valor_liberado}
                for c in contemplacoes
            ],
        },
        chave=f"assembleia:{assembleia.id}",
    )
    await commit_travado(uow, trava)
    return apuracao, contemplacoes


async def montar_entrada(
    session: AsyncSession, settings: Settings, grupo: Grupo, assembleia: Assembleia, extracao: ExtracaoLoteria
) -> tuple[EntradaApuracao, dict[int, uuid.UUID], dict[int, uuid.UUID]]:
    """The stored inputs (rules, eligibility at the cut-off, active lances, fund balances),
    the cota ids by number and the lance ids by cota number."""
    regras = regras_puras(await get_regras(session, grupo.id))
    dia_corte = calendario.hoje(assembleia.corte_lances_em)
    ativas, excluidas, ids = await elegibilidade.snapshot(session, grupo, dia_corte, regras.lance_paga)
    # Plain columns: thousands of lances need no ORM identity map.
    rows = (
        await session.execute(
            select(
                Cota.numero,
                LanceAssembleia.id,
                LanceAssembleia.tipo,
                LanceAssembleia.percentual,
                LanceAssembleia.percentual_embutido,
            )
            .join(Cota, Cota.id == LanceAssembleia.cota_id)
            .where(
                LanceAssembleia.assembleia_id == assembleia.id, LanceAssembleia.status == StatusLance.ATIVO
            )
        )
    ).all()
    entrada = EntradaApuracao(
        grupo=grupo.codigo,
        assembleia=assembleia.numero,
        tamanho_grupo=grupo.numero_cotas,
        regras=regras,
        extracao=extracao,
        cotas_ativas=ativas,
        cotas_excluidas=excluidas,
        lances=tuple(Lance(numero, tipo, pct, emb) for numero, _, tipo, pct, emb in rows),
        saldo_fundo_comum=grupo.saldo_fundo_comum,
        saldo_fundo_reserva=grupo.saldo_fundo_reserva,
    )
    return entrada, ids, {r[0]: r[1] for r in rows}


async def registrar_contemplacoes(
    uow: UnitOfWork,
    grupo: Grupo,
    assembleia: Assembleia,
    apuracao: Apuracao,
    premios: Iterable[Contemplacao],
    ids: dict[int, uuid.UUID],
    lances_por_cota: dict[int, uuid.UUID],
    prazo_lance: date | None = None,
) -> list[ContemplacaoCota]:
    """Record awards: contemplação rows, the cota's flag and event, and the ledger movements.

    ``prazo_lance`` is the payment deadline given to the lance winners among ``premios``.
    """
    rows: list[ContemplacaoCota] = []
    premios = list(premios)
    # One statement locks every contemplated cota (instead of one SELECT each).
    a_marcar = [ids[c.cota] for c in premios if c.modalidade is not Modalidade.RESTITUICAO]
    cotas = (
        {
            cota.id: cota
            for cota in (
                await uow.session.scalars(select(Cota).where(Cota.id.in_(a_marcar)).with_for_update())
            ).all()
        }
        if a_marcar
        else {}
    )
    # One ledger movement per fund for the whole apuração's contemplações (referencing it);
    # the per-cota split is in the contemplação rows. A movement per cota made
    # the group's balance row the bottleneck of big assemblies. Restitutions (a few per AGO)
    # are paid per cota through pagamentos.devolucoes.
    movimentos = {
        o: {Fundo.FUNDO_COMUM: Decimal(0), Fundo.FUNDO_RESERVA: Decimal(0)}
        for o in (OrigemLancamento.CONTEMPLACAO,)
    }
    for c in premios:
        cota_id = ids[c.cota]
        lance = c.lance
        row = ContemplacaoCota(
            id=uuid.uuid4(),
            grupo_id=grupo.id,
            assembleia_id=assembleia.id,
            apuracao_id=apuracao.id,
            cota_id=cota_id,
            cota_numero=c.cota,
            modalidade=c.modalidade,
            valor_credito=c.valor_credito,
            valor_liberado=c.valor_liberado,
            percentual_lance=None if lance is None else lance.percentual,
            valor_lance=None if lance is None else lance.valor_lance,
            valor_embutido=None if lance is None else lance.valor_embutido,
            valor_lance_a_pagar=None if lance is None else lance.valor_recursos_proprios,
            do_fundo_comum=c.debito.do_fundo_comum,
            do_fundo_reserva=c.debito.do_fundo_reserva,
            prazo_pagamento_lance=prazo_lance if lance is not None else None,
            detalhe=None
            if c.amortizacao is None
            else {
                "lance_id": str(lances_por_cota[c.cota]),
                "amortizacao": {
                    "parcelas_quitadas": c.amortizacao.parcelas_quitadas,
                    "parcelas_restantes": c.amortizacao.parcelas_restantes,
                    "percentual_devido": str(c.amortizacao.percentual_devido),
                    "percentual_por_parcela": str(c.amortizacao.percentual_por_parcela),
                },
            },
        )
        uow.add(row)
        rows.append(row)
        descricao = f"Assembleia {assembleia.numero}: {c.modalidade.value} da cota {c.cota}"
        origem = (
            OrigemLancamento.RESTITUICAO
            if c.modalidade is Modalidade.RESTITUICAO
            else OrigemLancamento.CONTEMPLACAO
        )
        if c.modalidade is Modalidade.RESTITUICAO:
            # Money paid to the excluded consorciado: the one path for money out, one ledger
            # row per fund carrying the cota (Lei 11.795 art. 30).
            await registrar_devolucao(
                uow,
                grupo.id,
                cota_id,
                do_fundo_comum=c.debito.do_fundo_comum,
                do_fundo_reserva=c.debito.do_fundo_reserva,
                conta_conhecida=True,
                origem=origem,
                referencia_id=apuracao.id,
                descricao=descricao,
                defer_balance=False,  # the apuração's answer reads the balances
            )
        else:
            # Only the net cost leaves the funds now: the part of a lance winner's carta
            # that its own lance money covers is booked when that money comes in
            # (pagamento_lance), so the ledger never counts cash not yet received.
            movimentos[origem][Fundo.FUNDO_COMUM] -= c.debito.do_fundo_comum
            movimentos[origem][Fundo.FUNDO_RESERVA] -= c.debito.do_fundo_reserva
        if c.modalidade is not Modalidade.RESTITUICAO:
            cota = cotas[cota_id]
            uow.track(cota)
            cota.contemplada = True
            cota.contemplada_em = assembleia.data_assembleia
            uow.add(
                CotaEvento(
                    cota_id=cota_id,
                    tipo=TipoEventoCota.CONTEMPLACAO,
                    motivo=descricao,
                    detalhe=f"apuracao {apuracao.id}",
                )
            )
        uow.publicar(
            COTA_CONTEMPLADA,
            {
                "contemplacao_id": row.id,
                "cota_id": cota_id,
                "cota_numero": c.cota,
                "consorciado_id": cotas[cota_id].consorciado_id if cota_id in cotas else None,
                "grupo_id": grupo.id,
                "grupo_codigo": grupo.codigo,
                "assembleia_id": assembleia.id,
                "assembleia_numero": assembleia.numero,
                "modalidade": c.modalidade,
                "valor_credito": c.valor_credito,
                "valor_liberado": c.valor_liberado,
                "prazo_pagamento_lance": row.prazo_pagamento_lance,
            },
            chave=f"cota:{cota_id}",
        )
    for origem, valores in movimentos.items():
        await uow.lancar(
            grupo.id,
            list(valores.items()),
            origem,
            referencia_id=apuracao.id,
            descricao=f"Assembleia {assembleia.numero}, apuração revisão {apuracao.revisao}: {origem.value}",
        )
    # Each contemplated cota gets its carta de crédito in the same transaction (tenant_app.credito).
    await abrir_cartas(uow, assembleia, rows)
    return rows


async def get_apuracao(
    session: AsyncSession, assembleia_id: uuid.UUID
) -> tuple[Apuracao, list[ContemplacaoCota]]:
    """The latest apuração revision and every award of the assembleia (disqualified ones last), or 404."""
    apuracao = await session.scalar(
        select(Apuracao)
        .where(Apuracao.assembleia_id == assembleia_id)
        .order_by(Apuracao.revisao.desc())
        .limit(1)
    )
    if apuracao is None:
        await get_assembleia(session, assembleia_id)
        raise NaoEncontrado("Apuração")
    contemplacoes = (
        await session.scalars(select(ContemplacaoCota).where(ContemplacaoCota.assembleia_id == assembleia_id))
    ).all()
    ordem = {c["cota"]: c["ordem"] for c in json.loads(apuracao.resultado_canonico)["contemplacoes"]}
    fim = len(ordem) + 1
    return apuracao, sorted(contemplacoes, key=lambda c: (ordem.get(c.cota_numero, fim), c.cota_numero))


def verificar(apuracao: Apuracao) -> tuple[str, bool]:
    """Recompute from the stored inputs: (hash recomputed, result identical byte for byte)."""
    entrada = entrada_de_json(apuracao.entrada_canonica)
    recalculado = hash_entrada(entrada)
    mesmo = resultado_canonico(apurar(entrada)).decode() == apuracao.resultado_canonico
    return recalculado, mesmo
