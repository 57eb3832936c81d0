"""Grupo rules: creation, edits while em formação, start, index correction (closing: ``encerramento``)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.cotas.models import Cota, StatusCota
from tenant_app.erros import ConflitoError, NaoEncontrado, RegraVioladaError
from tenant_app.grupos.models import Grupo, StatusGrupo, TipoBem
from tenant_app.grupos.schemas import CorrecaoIn, GrupoCreate, GrupoUpdate
from tenant_app.http.pagination import PageParams, paginate
from tenant_app.ledger.service import reconcile
from tenant_app.parcelas.schedule import first_parcela_breakdown
from tenant_app.parcelas.service import apply_correction, generate_schedules_for, plano_of
from tenant_app.unit_of_work import UnitOfWork


async def get_grupo(session: AsyncSession, grupo_id: uuid.UUID, *, lock: bool = False) -> Grupo:
    """The group or 404; ``lock`` takes a row lock (serializes cota sales and lifecycle changes)."""
    stmt = select(Grupo).where(Grupo.id == grupo_id)
    if lock:
        stmt = stmt.with_for_update()
    grupo = (await session.execute(stmt)).scalar_one_or_none()
    if grupo is None:
        raise NaoEncontrado("Grupo")
    return grupo


async def listar_grupos(
    session: AsyncSession,
    page: PageParams,
    *,
    status: StatusGrupo | None = None,
    tipo_bem: TipoBem | None = None,
) -> tuple[list[Grupo], int]:
    """One page of groups by code, filtered by status and kind of good, and the total."""
    stmt = select(Grupo).order_by(Grupo.codigo)
    if status is not None:
        stmt = stmt.where(Grupo.status == status)
    if tipo_bem is not None:
        stmt = stmt.where(Grupo.tipo_bem == tipo_bem)
    return await paginate(session, stmt, page)


async def conciliar(session: AsyncSession, grupo_id: uuid.UUID) -> dict[str, Decimal | bool]:
    """The group's balances reconciled with its ledger and payments (404 for an unknown group)."""
    await get_grupo(session, grupo_id)
    return await reconcile(session, grupo_id)


async def plano(session: AsyncSession, grupo_id: uuid.UUID) -> tuple[Grupo, dict[str, dict[str, Decimal]]]:
    """The group and its first parcela broken down in R$ and % of the credit."""
    grupo = await get_grupo(session, grupo_id)
    return grupo, first_parcela_breakdown(plano_of(grupo), grupo.prazo_meses)


async def create_grupo(uow: UnitOfWork, data: GrupoCreate) -> Grupo:
    """A new group em formação."""
    data.validate()
    _antecipacao_dentro_da_taxa(data.taxa_antecipada_pct, data.taxa_administracao_pct)
    if (await uow.session.execute(select(Grupo.id).where(Grupo.codigo == data.codigo))).first():
        raise ConflitoError(f"Já existe um grupo com o código {data.codigo}.", code="codigo_duplicado")
    grupo = Grupo(
        codigo=data.codigo,
        tipo_bem=data.tipo_bem,
        valor_credito=data.valor_credito,
        prazo_meses=data.prazo_meses,
        numero_cotas=data.numero_cotas,
        taxa_administracao_pct=data.taxa_administracao_pct,
        taxa_antecipada_pct=data.taxa_antecipada_pct,
        fundo_reserva_pct=data.fundo_reserva_pct,
        seguro_pct=data.seguro_pct,
        seguro_modo=data.seguro_modo,
        indice_correcao=data.indice_correcao,
        dia_assembleia=data.dia_assembleia,
        dia_vencimento=data.dia_vencimento,
        multa_pct=data.multa_pct,
        juros_mensal_pct=data.juros_mensal_pct,
        encargos_fundo_comum_pct=data.encargos_fundo_comum_pct,
        parcelas_para_exclusao=data.parcelas_para_exclusao,
        clausula_penal_pct=data.clausula_penal_pct,
        rateio_inclui_excluidas=data.rateio_inclui_excluidas,
        despesas_relacionadas_pct=data.despesas_relacionadas_pct,
        status=StatusGrupo.EM_FORMACAO,
    )
    uow.add(grupo)
    await uow.commit()
    return grupo


async def update_grupo(uow: UnitOfWork, grupo_id: uuid.UUID, data: GrupoUpdate) -> Grupo:
    """Contract parameters change only before the group starts."""
    data.validate()
    grupo = await get_grupo(uow.session, grupo_id, lock=True)
    uow.track(grupo)
    if grupo.status is not StatusGrupo.EM_FORMACAO:
        raise RegraVioladaError("Parâmetros do contrato só podem mudar enquanto o grupo está em formação.")
    if data.numero_cotas is not None:
        vendidas = (
            await uow.session.execute(select(func.count(Cota.id)).where(Cota.grupo_id == grupo.id))
        ).scalar_one()
        if data.numero_cotas < vendidas:
            raise RegraVioladaError(
                f"O grupo já tem {vendidas} cotas; o número de cotas não pode ser menor.",
                campo="numero_cotas",
            )
    for field in data.__struct_fields__:
        value = getattr(data, field)
        if value is not None:
            setattr(grupo, field, value)
    _antecipacao_dentro_da_taxa(grupo.taxa_antecipada_pct, grupo.taxa_administracao_pct)
    await uow.commit()
    return grupo


def _antecipacao_dentro_da_taxa(antecipada: Decimal, taxa: Decimal) -> None:
    """Lei 11.795 art. 27 §3: the antecipação is part of the taxa, deducted from it."""
    if antecipada > taxa:
        raise RegraVioladaError(
            f"A antecipação da taxa de administração ({antecipada}%) não pode passar "
            f"da própria taxa ({taxa}%).",
            campo="taxa_antecipada_pct",
            code="regra_violada",
        )


async def start_grupo(uow: UnitOfWork, grupo_id: uuid.UUID, data_inicio: date) -> tuple[Grupo, int]:
    """em formação → em andamento: needs at least one active cota; generates every schedule."""
    grupo = await get_grupo(uow.session, grupo_id, lock=True)
    uow.track(grupo)
    if grupo.status is not StatusGrupo.EM_FORMACAO:
        raise ConflitoError("Só um grupo em formação pode ser iniciado.", code="transicao_invalida")
    # Ids only: a large group has tens of thousands of cotas and the schedule needs nothing else.
    cota_ids = (
        (
            await uow.session.execute(
                select(Cota.id).where(Cota.grupo_id == grupo.id, Cota.status == StatusCota.ATIVA)
            )
        )
        .scalars()
        .all()
    )
    if not cota_ids:
        raise RegraVioladaError("O grupo não tem cotas ativas para iniciar.", code="sem_cotas")
    # The plan starts for everyone at once: no cota may join after the group began.
    ultima_adesao = await uow.session.scalar(
        select(func.max(Cota.data_adesao)).where(Cota.grupo_id == grupo.id, Cota.status == StatusCota.ATIVA)
    )
    if ultima_adesao is not None and data_inicio < ultima_adesao:
        raise RegraVioladaError(
            f"O início do grupo ({data_inicio.isoformat()}) não pode ser anterior à adesão de suas cotas "
            f"(a mais recente em {ultima_adesao.isoformat()}).",
            campo="data_inicio",
            code="datas_invalidas",
        )
    grupo.status = StatusGrupo.EM_ANDAMENTO
    grupo.data_inicio = data_inicio
    written = await generate_schedules_for(uow, grupo, cota_ids, data_inicio)
    await uow.commit()
    return grupo, written


async def correct_grupo(uow: UnitOfWork, grupo_id: uuid.UUID, data: CorrecaoIn) -> tuple[Grupo, int]:
    """Apply an index variation to the credit and the remaining plan (group must be running)."""
    data.validate()
    grupo = await get_grupo(uow.session, grupo_id, lock=True)
    uow.track(grupo)
    if grupo.status is not StatusGrupo.EM_ANDAMENTO:
        raise RegraVioladaError("Correção só se aplica a grupos em andamento.")
    updated = await apply_correction(
        uow, grupo, data.indice_pct, data.referencia, vencimento_cobrado=data.vencimento_cobrado
    )
    await uow.commit()
    return grupo, updated
