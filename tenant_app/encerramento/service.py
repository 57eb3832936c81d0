"""The closing of a group: the art. 31 notice, then the final accounts and the money out (art. 32).

The cartas de crédito are the crédito feature's: their share of the yield is set aside before the
funds' remainder is computed, and the unused ones become cash when the group closes
(``credito.rendimentos.apropriar``, ``credito.especie.converter_no_encerramento``).

Everything happens under the group's row lock, in one unit of work: the lines
of the accounts (``EncerramentoCota``), the money leaving the funds for each
cota through ``pagamentos.devolucoes.registrar_devolucao`` (paid, or kept as
recursos não procurados), and the group's status. The funds end at zero.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.cotas.models import Cota, StatusCota
from tenant_app.credito.especie import converter_no_encerramento
from tenant_app.credito.rendimentos import apropriar
from tenant_app.dinheiro.centavos import ZERO
from tenant_app.encerramento import dados
from tenant_app.encerramento.calculo import (
    DIAS_APOS_COMUNICACAO,
    DIAS_PARA_ENCERRAR,
    Demonstrativo,
    DestinoValor,
    SaldoInsuficiente,
    encerrar,
)
from tenant_app.encerramento.models import Encerramento, EncerramentoCota, StatusEncerramento
from tenant_app.erros import ConflitoError, NaoEncontrado, RegraVioladaError
from tenant_app.grupos.models import Grupo, StatusGrupo
from tenant_app.ledger.models import Fundo, LancamentoFundo, OrigemLancamento
from tenant_app.pagamentos.devolucoes import registrar_devolucao
from tenant_app.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class Previa:
    """The accounts as they would be today (the notice's answer), with the cotas' ids."""

    encerramento: Encerramento
    demonstrativo: Demonstrativo
    cotas: list[dados.CotaLida]


async def _grupo(session: AsyncSession, grupo_id: uuid.UUID) -> Grupo:
    grupo = (
        await session.execute(select(Grupo).where(Grupo.id == grupo_id).with_for_update())
    ).scalar_one_or_none()
    if grupo is None:
        raise NaoEncontrado("Grupo")
    return grupo


async def _encerramento(session: AsyncSession, grupo_id: uuid.UUID) -> Encerramento | None:
    return await session.scalar(select(Encerramento).where(Encerramento.grupo_id == grupo_id))


async def _sem_assembleia_pendente(session: AsyncSession, grupo_id: uuid.UUID) -> None:
    pendentes = await dados.assembleias_pendentes(session, grupo_id)
    if pendentes:
        raise RegraVioladaError(
            f"O grupo tem {pendentes} assembleia(s) agendada(s) ou recebendo lances: o encerramento "
            "começa depois da última assembleia (Lei 11.795 art. 31).",
            code="encerramento",
        )


async def _calcular(
    session: AsyncSession, grupo: Grupo, dia: date
) -> tuple[Demonstrativo, list[dados.CotaLida]]:
    cotas = await dados.cotas_do_grupo(session, grupo, dia)
    try:
        demonstrativo = encerrar(
            [c.calculo for c in cotas],
            valor_credito=grupo.valor_credito,
            clausula_penal_pct=grupo.clausula_penal_pct,
            saldo_fundo_comum=grupo.saldo_fundo_comum,
            saldo_fundo_reserva=grupo.saldo_fundo_reserva,
            rateio_inclui_excluidas=grupo.rateio_inclui_excluidas,
        )
    except SaldoInsuficiente as e:
        raise RegraVioladaError(
            f"Os fundos do grupo (R$ {e.disponivel}) não pagam as restituições devidas aos excluídos "
            f"(R$ {e.devido}): o grupo não pode encerrar devendo a alguém (Lei 11.795 arts. 30 e 32).",
            code="encerramento_saldo_insuficiente",
        ) from None
    return demonstrativo, cotas


async def comunicar(uow: UnitOfWork, grupo_id: uuid.UUID, data_comunicacao: date, hoje: date) -> Previa:
    """Art. 31: record the notice to the consorciados; answer the accounts as they stand today."""
    session = uow.session
    grupo = await _grupo(session, grupo_id)
    if grupo.status is not StatusGrupo.EM_ANDAMENTO:
        raise ConflitoError("Só um grupo em andamento pode ser encerrado.", code="transicao_invalida")
    if await _encerramento(session, grupo.id) is not None:
        raise ConflitoError("O encerramento deste grupo já foi comunicado.", code="transicao_invalida")
    await _sem_assembleia_pendente(session, grupo.id)
    ultima = await dados.ultima_assembleia(session, grupo.id)
    if data_comunicacao > hoje or (ultima is not None and data_comunicacao < ultima):
        raise RegraVioladaError(
            "A comunicação do encerramento é posterior à última assembleia "
            f"({ultima.isoformat() if ultima else 'nenhuma'}) e não pode estar no futuro.",
            campo="data_comunicacao",
            code="datas_invalidas",
        )
    # The cartas' share of the recorded yield leaves the fundo comum first (credito, art. 24 §1).
    await apropriar(uow, grupo.id)
    demonstrativo, cotas = await _calcular(session, grupo, hoje)
    encerramento = Encerramento(
        id=uuid.uuid4(),
        grupo_id=grupo.id,
        status=StatusEncerramento.COMUNICADO,
        data_ultima_assembleia=ultima,
        data_comunicacao=data_comunicacao,
        comunicado_por=uow.actor.user_id,
        # The balances at the notice; the closing overwrites them with the ones it distributes.
        saldo_fundo_comum=grupo.saldo_fundo_comum,
        saldo_fundo_reserva=grupo.saldo_fundo_reserva,
    )
    uow.add(encerramento)
    await uow.commit()
    return Previa(encerramento, demonstrativo, cotas)


async def encerrar_grupo(uow: UnitOfWork, grupo_id: uuid.UUID, hoje: date) -> Encerramento:
    """Art. 32: the final accounts; every centavo of the funds leaves for its owner (or as não procurado)."""
    session = uow.session
    grupo = await _grupo(session, grupo_id)
    uow.track(grupo)
    if grupo.status is not StatusGrupo.EM_ANDAMENTO:
        raise ConflitoError("Só um grupo em andamento pode ser encerrado.", code="transicao_invalida")
    encerramento = await _encerramento(session, grupo.id)
    if encerramento is None:
        raise RegraVioladaError(
            "O grupo não pode ser encerrado sem a comunicação aos consorciados (Lei 11.795 art. 31): "
            "registre-a em POST .../encerramento/comunicacao.",
            code="encerramento_sem_comunicacao",
        )
    uow.track(encerramento)
    minimo = encerramento.data_comunicacao + timedelta(days=DIAS_APOS_COMUNICACAO)
    if hoje < minimo:
        raise RegraVioladaError(
            f"O encerramento só pode ocorrer {DIAS_APOS_COMUNICACAO} dias depois da comunicação de "
            f"{encerramento.data_comunicacao.isoformat()}, a partir de {minimo.isoformat()} "
            "(Lei 11.795 art. 32).",
            code="encerramento_prazo",
        )
    await _sem_assembleia_pendente(session, grupo.id)
    nao_contempladas = await session.scalar(
        select(func.count(Cota.id)).where(
            Cota.grupo_id == grupo.id, Cota.status == StatusCota.ATIVA, Cota.contemplada.is_(False)
        )
    )
    if nao_contempladas:
        raise RegraVioladaError(
            f"O grupo não pode ser encerrado: {nao_contempladas} cota(s) ativa(s) ainda não contemplada(s) "
            "(o crédito lhes é devido; Lei 11.795 arts. 22 e 32).",
            code="encerramento",
        )
    # The cartas' share of the recorded yield leaves the fundo comum before the remainder is
    # shared (credito.rendimentos, art. 24 §1; the group's balance row moves at once).
    await apropriar(uow, grupo.id)
    demonstrativo, cotas = await _calcular(session, grupo, hoje)
    por_numero = {c.calculo.numero: c for c in cotas}
    for linha in demonstrativo.linhas:
        cota = por_numero[linha.numero]
        uow.add(
            EncerramentoCota(
                encerramento_id=encerramento.id,
                grupo_id=grupo.id,
                cota_id=cota.cota_id,
                cota_numero=linha.numero,
                consorciado_id=cota.consorciado_id,
                excluida=cota.calculo.excluida,
                percentual_pago=cota.calculo.percentual_pago,
                pago_fundo_comum=cota.calculo.pago_fundo_comum,
                pago_fundo_reserva=cota.calculo.pago_fundo_reserva,
                restituicao=linha.restituicao,
                rendimento=linha.rendimento,
                rateio_fundo_comum=linha.rateio_fundo_comum,
                rateio_fundo_reserva=linha.rateio_fundo_reserva,
                total=linha.total,
                destino=linha.destino,
                a_receber=linha.a_receber,
                credito_contemplado=cota.credito_contemplado,
            )
        )
        conta = cota.calculo.conta_conhecida
        await registrar_devolucao(
            uow,
            grupo.id,
            cota.cota_id,
            do_fundo_comum=linha.restituicao - linha.restituicao_do_fundo_reserva,
            do_fundo_reserva=linha.restituicao_do_fundo_reserva,
            conta_conhecida=conta,
            origem=OrigemLancamento.RESTITUICAO,
            referencia_id=encerramento.id,
            descricao=f"Encerramento: restituição da cota excluída {linha.numero} (Lei 11.795 art. 30)",
        )
        await registrar_devolucao(
            uow,
            grupo.id,
            cota.cota_id,
            do_fundo_comum=linha.rateio_fundo_comum,
            do_fundo_reserva=linha.rateio_fundo_reserva,
            conta_conhecida=conta,
            origem=OrigemLancamento.ENCERRAMENTO,
            referencia_id=encerramento.id,
            descricao=f"Encerramento: rateio dos saldos remanescentes à cota {linha.numero}",
        )
    ultima = encerramento.data_ultima_assembleia
    encerramento.status = StatusEncerramento.ENCERRADO
    encerramento.data_encerramento = hoje
    encerramento.encerrado_por = uow.actor.user_id
    encerramento.encerrado_em = datetime.now(UTC)
    encerramento.fora_do_prazo = ultima is not None and hoje > ultima + timedelta(days=DIAS_PARA_ENCERRAR)
    encerramento.saldo_fundo_comum = demonstrativo.saldo_fundo_comum
    encerramento.saldo_fundo_reserva = demonstrativo.saldo_fundo_reserva
    encerramento.total_restituicoes = demonstrativo.soma("restituicao")
    encerramento.total_rateio_fundo_comum = demonstrativo.soma("rateio_fundo_comum")
    encerramento.total_rateio_fundo_reserva = demonstrativo.soma("rateio_fundo_reserva")
    encerramento.total_pago = demonstrativo.destinado(DestinoValor.PAGO)
    encerramento.total_nao_procurado = demonstrativo.destinado(DestinoValor.NAO_PROCURADO)
    encerramento.total_a_receber = demonstrativo.soma("a_receber")
    grupo.status = StatusGrupo.ENCERRADO
    grupo.data_encerramento = hoje
    # Art. 31 I: the cartas not used become cash, in this transaction (credito.especie).
    await converter_no_encerramento(uow, grupo.id, hoje)
    await uow.commit()
    return encerramento


@dataclass(frozen=True, slots=True)
class Conciliacao:
    """The final accounts against the ledger: each fund's movements of the closing and what is left."""

    saldo_fundo_comum: Decimal
    saldo_fundo_reserva: Decimal
    lancamentos_fundo_comum: Decimal
    lancamentos_fundo_reserva: Decimal
    saida_fundo_comum: Decimal
    saida_fundo_reserva: Decimal
    nao_procurados: Decimal
    #: Per cota, the closing's ledger movements equal its line (cota number -> ok).
    cotas_conciliadas: bool
    conciliado: bool


async def demonstrativo(
    session: AsyncSession, grupo_id: uuid.UUID
) -> tuple[Encerramento, list[EncerramentoCota], Conciliacao]:
    """The stored final accounts (or the notice) and their reconciliation with the ledger; 404 if none."""
    grupo = await session.get(Grupo, grupo_id)
    if grupo is None:
        raise NaoEncontrado("Grupo")
    encerramento = await _encerramento(session, grupo_id)
    if encerramento is None:
        raise NaoEncontrado("Encerramento")
    linhas = list(
        await session.scalars(
            select(EncerramentoCota)
            .where(EncerramentoCota.encerramento_id == encerramento.id)
            .order_by(EncerramentoCota.cota_numero)
        )
    )
    totais = {
        Fundo(f): Decimal(v)
        for f, v in await session.execute(
            select(LancamentoFundo.fundo, func.sum(LancamentoFundo.valor))
            .where(LancamentoFundo.grupo_id == grupo_id)
            .group_by(LancamentoFundo.fundo)
        )
    }
    do_encerramento = {
        (cota_id, Fundo(f)): Decimal(v)
        for cota_id, f, v in await session.execute(
            select(LancamentoFundo.cota_id, LancamentoFundo.fundo, func.sum(LancamentoFundo.valor))
            .where(LancamentoFundo.grupo_id == grupo_id, LancamentoFundo.referencia_id == encerramento.id)
            .group_by(LancamentoFundo.cota_id, LancamentoFundo.fundo)
        )
    }

    def saida(fundo: Fundo) -> Decimal:
        return -sum((v for (_, f), v in do_encerramento.items() if f is fundo), ZERO)

    cotas_ok = all(
        -do_encerramento.get((linha.cota_id, Fundo.FUNDO_COMUM), ZERO)
        - do_encerramento.get((linha.cota_id, Fundo.FUNDO_RESERVA), ZERO)
        == linha.total
        and do_encerramento.get((linha.cota_id, Fundo.NAO_PROCURADOS), ZERO)
        == (linha.total if linha.destino is DestinoValor.NAO_PROCURADO else ZERO)
        for linha in linhas
    )
    fc, fr = totais.get(Fundo.FUNDO_COMUM, ZERO), totais.get(Fundo.FUNDO_RESERVA, ZERO)
    conc = Conciliacao(
        saldo_fundo_comum=grupo.saldo_fundo_comum,
        saldo_fundo_reserva=grupo.saldo_fundo_reserva,
        lancamentos_fundo_comum=fc,
        lancamentos_fundo_reserva=fr,
        saida_fundo_comum=saida(Fundo.FUNDO_COMUM),
        saida_fundo_reserva=saida(Fundo.FUNDO_RESERVA),
        nao_procurados=sum((v for (_, f), v in do_encerramento.items() if f is Fundo.NAO_PROCURADOS), ZERO),
        cotas_conciliadas=cotas_ok,
        conciliado=False,
    )
    encerrado = encerramento.status is StatusEncerramento.ENCERRADO
    ok = (
        encerrado
        and cotas_ok
        and grupo.saldo_fundo_comum == fc == ZERO
        and grupo.saldo_fundo_reserva == fr == ZERO
        and conc.saida_fundo_comum + conc.saida_fundo_reserva == sum((x.total for x in linhas), ZERO)
        and conc.saida_fundo_comum == encerramento.saldo_fundo_comum
        and conc.saida_fundo_reserva == encerramento.saldo_fundo_reserva
    )
    return encerramento, linhas, replace(conc, conciliado=ok)
