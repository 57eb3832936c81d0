"""A lance winner who does not pay in time is disqualified and the next bid wins.

The apuração is redone from the stored inputs plus the disqualified cota
(a new revision with its own hash). Removing a winner only frees money and
a vaga, so every other award stands; the awards the new result adds are
recorded and the disqualified one is reversed in the ledger.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime

import anyio
from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app import calendario
from tenant_app.assembleias.apuracao import (
    Modalidade,
    apurar_com_entrada,
    entrada_de_json,
    resultado_canonico,
)
from tenant_app.assembleias.apuracao_service import commit_travado, registrar_contemplacoes, trava_do_grupo
from tenant_app.assembleias.models import (
    Apuracao,
    Assembleia,
    ContemplacaoCota,
    LanceAssembleia,
    StatusAssembleia,
    StatusContemplacao,
    StatusLance,
)
from tenant_app.assembleias.prazo_lance import prazo_pagamento_lance
from tenant_app.assembleias.service import get_assembleia, get_regras
from tenant_app.cotas.models import Cota, CotaEvento, TipoEventoCota
from tenant_app.erros import ConflitoError, RegraVioladaError
from tenant_app.grupos.models import Grupo
from tenant_app.ledger.models import Fundo, OrigemLancamento
from tenant_app.settings import Settings
from tenant_app.unit_of_work import UnitOfWork


async def vencedora_por_lance(
    session: AsyncSession, assembleia: Assembleia, cota_numero: int
) -> ContemplacaoCota:
    """The cota's active contemplação by lance in this assembleia, row-locked; 422 otherwise."""
    vencedora = await session.scalar(
        select(ContemplacaoCota)
        .where(
            ContemplacaoCota.assembleia_id == assembleia.id,
            ContemplacaoCota.cota_numero == cota_numero,
            ContemplacaoCota.status == StatusContemplacao.ATIVA,
        )
        .with_for_update()
    )
    if vencedora is None or vencedora.modalidade is not Modalidade.LANCE:
        raise RegraVioladaError(
            f"A cota {cota_numero} não foi contemplada por lance nesta assembleia.",
            campo="cota_numero",
            code="nao_contemplada_por_lance",
        )
    return vencedora


async def desclassificar(
    uow: UnitOfWork,
    redis: Redis,
    settings: Settings,
    assembleia_id: uuid.UUID,
    cota_numero: int,
    user_id: uuid.UUID | None,
) -> tuple[Apuracao, list[ContemplacaoCota]]:
    """Disqualify the lance winner ``cota_numero`` and award the next bids the freed money covers."""
    session = uow.session
    grupo_id = (await get_assembleia(session, assembleia_id)).grupo_id
    await uow.rollback()
    async with trava_do_grupo(redis, settings, grupo_id) as trava:
        assembleia = await get_assembleia(session, assembleia_id, lock=True)
        uow.track(assembleia)
        if assembleia.status is not StatusAssembleia.APURADA:
            raise ConflitoError(
                "Só uma assembleia apurada e ainda não encerrada admite desclassificação.",
                code="transicao_invalida",
            )
        vencedora = await vencedora_por_lance(session, assembleia, cota_numero)
        if vencedora.lance_pago:
            raise RegraVioladaError(
                f"A cota {cota_numero} já pagou o lance; a contemplação não pode ser desclassificada.",
                campo="cota_numero",
                code="lance_pago",
            )
        anterior = await session.scalar(
            select(Apuracao)
            .where(Apuracao.assembleia_id == assembleia.id)
            .order_by(Apuracao.revisao.desc())
            .limit(1)
        )
        assert anterior is not None  # an active award implies an apuração
        entrada = entrada_de_json(anterior.entrada_canonica)
        entrada = dataclasses.replace(
            entrada, lances_desclassificados=entrada.lances_desclassificados | {cota_numero}
        )
        resultado, canonica = await anyio.to_thread.run_sync(apurar_com_entrada, entrada)
        novos = {c.cota: c for c in resultado.contemplacoes}
        ativas = (
            await session.scalars(
                select(ContemplacaoCota).where(
                    ContemplacaoCota.assembleia_id == assembleia.id,
                    ContemplacaoCota.status == StatusContemplacao.ATIVA,
                )
            )
        ).all()
        mantidas = {c.cota_numero for c in ativas if c.cota_numero != cota_numero}
        if not mantidas <= novos.keys():
            # Cannot happen with strict rank order; refuse rather than take a credit away.
            raise ConflitoError("A nova apuração retiraria outra contemplação; nada foi alterado.")
        revisao = anterior.revisao + 1
        apuracao = Apuracao(
            id=uuid.uuid4(),
            assembleia_id=assembleia.id,
            revisao=revisao,
            hash_entrada=resultado.hash_entrada,
            entrada_canonica=canonica.decode(),
            resultado_canonico=resultado_canonico(resultado).decode(),
            apurada_em=datetime.now(UTC),
            apurada_por=user_id,
        )
        uow.add(apuracao)
        grupo = await session.get(Grupo, assembleia.grupo_id, with_for_update=True)
        assert grupo is not None
        await _estornar(uow, grupo, vencedora, revisao)
        ids = dict(
            (await session.execute(select(Cota.numero, Cota.id).where(Cota.grupo_id == grupo.id))).all()
        )
        lances = dict(
            (
                await session.execute(
                    select(Cota.numero, LanceAssembleia.id)
                    .join(Cota, Cota.id == LanceAssembleia.cota_id)
                    .where(
                        LanceAssembleia.assembleia_id == assembleia.id,
                        LanceAssembleia.status == StatusLance.ATIVO,
                    )
                )
            ).all()
        )
        premios = [c for n, c in novos.items() if n not in mantidas]
        regras = await get_regras(session, grupo.id)
        # The next bid gets a full deadline of its own, from the day it is awarded.
        prazo = prazo_pagamento_lance(calendario.hoje(apuracao.apurada_em), regras.prazo_pagamento_lance_dias)
        novas = await registrar_contemplacoes(uow, grupo, assembleia, apuracao, premios, ids, lances, prazo)
        assembleia.hash_entrada = resultado.hash_entrada
        await commit_travado(uow, trava)
        return apuracao, novas


async def _estornar(uow: UnitOfWork, grupo: Grupo, vencedora: ContemplacaoCota, revisao: int) -> None:
    """Undo the award: status, the cota's flag, and the ledger movements it made."""
    uow.track(vencedora)
    vencedora.status = StatusContemplacao.DESCLASSIFICADA
    descricao = f"Desclassificação da cota {vencedora.cota_numero} (lance não pago), revisão {revisao}"
    # An unpaid lance never entered the ledger: only the net cost the funds paid comes back.
    # Booked as a (positive) contemplação movement, not ESTORNO: the ledger's
    # reconciliation reads ESTORNO as a payment reversal, to be matched by allocations.
    await uow.lancar(
        grupo.id,
        [
            (Fundo.FUNDO_COMUM, vencedora.do_fundo_comum),
            (Fundo.FUNDO_RESERVA, vencedora.do_fundo_reserva),
        ],
        OrigemLancamento.CONTEMPLACAO,
        cota_id=vencedora.cota_id,
        referencia_id=vencedora.id,
        descricao=descricao,
    )
    cota = await uow.session.get(Cota, vencedora.cota_id, with_for_update=True)
    assert cota is not None
    uow.track(cota)
    cota.contemplada = False
    cota.contemplada_em = None
    uow.add(
        CotaEvento(
            cota_id=cota.id, tipo=TipoEventoCota.CONTEMPLACAO, motivo=descricao, detalhe="desclassificada"
        )
    )
