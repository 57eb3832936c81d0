"""Cota rules: adesão with the 10 % cap (``limite.py``), cessão, exclusão, readmissão."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app import calendario
from tenant_app.consorciados.models import CPF_CONJUGE, DOCUMENTO, Consorciado, TipoPessoa
from tenant_app.cotas.limite import medir_venda
from tenant_app.cotas.models import Cota, CotaEvento, MotivoExclusao, StatusCota, TipoEventoCota
from tenant_app.dados_pessoais import indices
from tenant_app.erros import NaoEncontrado, RegraVioladaError
from tenant_app.eventos.tipos import COTA_ADERIDA, COTA_EXCLUIDA
from tenant_app.grupos.models import Grupo, StatusGrupo
from tenant_app.grupos.service import get_grupo
from tenant_app.http.pagination import PageParams, paginate_rows
from tenant_app.parcelas.service import generate_schedules
from tenant_app.unit_of_work import UnitOfWork


async def get_cota(session: AsyncSession, cota_id: uuid.UUID, *, lock: bool = False) -> Cota:
    """The cota or 404."""
    stmt = select(Cota).where(Cota.id == cota_id)
    if lock:
        stmt = stmt.with_for_update()
    cota = (await session.execute(stmt)).scalar_one_or_none()
    if cota is None:
        raise NaoEncontrado("Cota")
    return cota


async def listar_cotas(
    session: AsyncSession,
    grupo_id: uuid.UUID,
    fields: Sequence[str],
    page: PageParams,
    *,
    status: StatusCota | None = None,
    contemplada: bool | None = None,
    consorciado_id: uuid.UUID | None = None,
) -> tuple[list[Any], int]:
    """One page of the group's cotas by number (rows of ``fields``) and the total; 404 for no group."""
    stmt = _pagina_de_cotas(tuple(fields), status is not None, contemplada, consorciado_id is not None)
    values = {"grupo_id": grupo_id, "status": status, "consorciado_id": consorciado_id}
    rows, total = await paginate_rows(session, stmt, page, values)
    if total == 0:
        await get_grupo(session, grupo_id)  # 404 for an unknown group, only checked when empty
    return rows, total


@functools.lru_cache(maxsize=64)
def _pagina_de_cotas(
    fields: tuple[str, ...], by_status: bool, contemplada: bool | None, by_consorciado: bool
) -> Select[Any]:
    """The list statement for one set of columns and filters, built once per process.

    Column select, not ORM objects: this is the busiest list of the app. The
    values are bound per request, so the statement (and its compiled form) is
    reused instead of being rebuilt and re-keyed for SQLAlchemy's cache each time.
    """
    c = Cota.__table__.c
    stmt = select(*(c[name] for name in fields)).where(c.grupo_id == bindparam("grupo_id")).order_by(c.numero)
    if by_status:
        stmt = stmt.where(c.status == bindparam("status"))
    if contemplada is not None:
        stmt = stmt.where(c.contemplada.is_(contemplada))
    if by_consorciado:
        stmt = stmt.where(c.consorciado_id == bindparam("consorciado_id"))
    return stmt


async def _active_consorciado(session: AsyncSession, consorciado_id: uuid.UUID) -> Consorciado:
    obj = await session.get(Consorciado, consorciado_id)
    if obj is None:
        raise RegraVioladaError(
            "Consorciado não encontrado.", campo="consorciado_id", code="consorciado_inexistente"
        )
    if obj.anonimizado_em is not None:
        raise RegraVioladaError("Titular anonimizado não pode aderir a cotas.", campo="consorciado_id")
    return obj


async def _titular_e_conjuge(session: AsyncSession, consorciado_id: uuid.UUID) -> set[uuid.UUID]:
    """The consorciado and its cônjuge/companheiro, the link recorded on either of them."""
    pessoa = await session.get(Consorciado, consorciado_id)
    ids = {consorciado_id}
    if pessoa is None:
        return ids
    vinculos: list[ColumnElement[bool]] = []
    # Through the blind indexes: the CPFs themselves are encrypted (dados_pessoais).
    if pessoa.cpf_conjuge is not None:
        vinculos.append(Consorciado.documento_indice == indices.indice(DOCUMENTO, pessoa.cpf_conjuge))
    if pessoa.documento is not None and pessoa.tipo_pessoa is TipoPessoa.FISICA:
        vinculos.append(Consorciado.cpf_conjuge_indice == indices.indice(CPF_CONJUGE, pessoa.documento))
    if vinculos:
        ids |= set((await session.execute(select(Consorciado.id).where(or_(*vinculos)))).scalars())
    return ids


def _ativa_em(data: date) -> ColumnElement[bool]:
    """A cota active on ``data``: sold by then and not excluded (or excluded only later)."""
    return and_(
        Cota.data_adesao <= data,
        or_(Cota.status == StatusCota.ATIVA, and_(Cota.excluida_em.is_not(None), Cota.excluida_em > data)),
    )


async def _check_cap(
    session: AsyncSession,
    grupo: Grupo,
    consorciado_id: uuid.UUID,
    data: date,
    *,
    cota_cedida: uuid.UUID | None = None,
) -> None:
    """Res. BCB 285/2023: with this cota, the buyer and its cônjuge hold at most 10 % of the active cotas.

    ``cota_cedida`` is the cota of a cessão: already active, and not yet the buyer's.
    """
    titulares = await _titular_e_conjuge(session, consorciado_id)
    ativa = _ativa_em(data)
    doutros = Cota.id != cota_cedida if cota_cedida is not None else Cota.id.is_not(None)
    ativas, detidas = (
        await session.execute(
            select(
                func.count(Cota.id).filter(ativa),
                func.count(Cota.id).filter(ativa, Cota.consorciado_id.in_(titulares), doutros),
            ).where(Cota.grupo_id == grupo.id)
        )
    ).one()
    medida = medir_venda(data, detidas, ativas, cota_ja_ativa=cota_cedida is not None)
    if not medida.permitido:
        raise RegraVioladaError(medida.explicacao(), campo="consorciado_id", code="limite_10_por_cento")


def _event(
    cota: Cota,
    tipo: TipoEventoCota,
    user_id: uuid.UUID | None,
    de: uuid.UUID | None = None,
    para: uuid.UUID | None = None,
    motivo: str | None = None,
) -> CotaEvento:
    return CotaEvento(
        cota_id=cota.id,
        tipo=tipo,
        de_consorciado_id=de,
        para_consorciado_id=para,
        motivo=motivo,
        user_id=user_id,
    )


async def adesao(
    uow: UnitOfWork,
    grupo_id: uuid.UUID,
    consorciado_id: uuid.UUID,
    numero: int | None,
    data_adesao: date,
) -> Cota:
    """Sell a cota. The group row is locked so numbering and the cap are checked without races."""
    grupo = await get_grupo(uow.session, grupo_id, lock=True)
    if grupo.status is StatusGrupo.ENCERRADO:
        raise RegraVioladaError("Grupo encerrado não aceita adesões.", code="grupo_encerrado")
    await _active_consorciado(uow.session, consorciado_id)
    await _check_cap(uow.session, grupo, consorciado_id, data_adesao)
    taken = set((await uow.session.execute(select(Cota.numero).where(Cota.grupo_id == grupo.id))).scalars())
    if len(taken) >= grupo.numero_cotas:
        raise RegraVioladaError("Todas as cotas do grupo já foram vendidas.", code="grupo_completo")
    if numero is None:
        numero = next(n for n in range(1, grupo.numero_cotas + 1) if n not in taken)
    elif numero > grupo.numero_cotas:
        raise RegraVioladaError(f"O grupo tem {grupo.numero_cotas} cotas.", campo="numero")
    elif numero in taken:
        raise RegraVioladaError(f"A cota {numero} já pertence a outro consorciado.", campo="numero")
    cota = Cota(
        id=uuid.uuid4(),
        grupo_id=grupo.id,
        numero=numero,
        consorciado_id=consorciado_id,
        data_adesao=data_adesao,
    )
    uow.add(cota)
    uow.add(_event(cota, TipoEventoCota.ADESAO, uow.actor.user_id, para=consorciado_id))
    if grupo.status is StatusGrupo.EM_ANDAMENTO:
        await uow.flush()
        if await generate_schedules(uow, grupo, [cota], data_adesao) == 0:
            raise RegraVioladaError("O grupo não tem mais parcelas a vencer para uma nova adesão.")
    uow.publicar(
        COTA_ADERIDA,
        {
            "cota_id": cota.id,
            "cota_numero": numero,
            "grupo_id": grupo.id,
            "grupo_codigo": grupo.codigo,
            "consorciado_id": consorciado_id,
            "data_adesao": data_adesao,
        },
        chave=f"cota:{cota.id}",
    )
    await uow.commit()
    return cota


async def cessao(
    uow: UnitOfWork,
    cota_id: uuid.UUID,
    novo_id: uuid.UUID,
    motivo: str | None,
) -> Cota:
    """Transfer an active cota; the receiver is subject to the same 10 % cap."""
    cota = await get_cota(uow.session, cota_id, lock=True)
    uow.track(cota)
    grupo = await get_grupo(uow.session, cota.grupo_id, lock=True)
    if cota.status is not StatusCota.ATIVA:
        raise RegraVioladaError("Só uma cota ativa pode ser cedida.", code="cota_inativa")
    if novo_id == cota.consorciado_id:
        raise RegraVioladaError("A cota já pertence a este consorciado.", campo="consorciado_id")
    await _active_consorciado(uow.session, novo_id)
    await _check_cap(uow.session, grupo, novo_id, calendario.hoje(), cota_cedida=cota.id)
    anterior = cota.consorciado_id
    cota.consorciado_id = novo_id
    uow.add(_event(cota, TipoEventoCota.CESSAO, uow.actor.user_id, de=anterior, para=novo_id, motivo=motivo))
    await uow.commit()
    return cota


async def exclusao(
    uow: UnitOfWork,
    cota_id: uuid.UUID,
    motivo: MotivoExclusao,
    data: date,
    observacao: str | None = None,
) -> Cota:
    """Exclude an active, non-contemplated cota (a contemplated member can never be excluded)."""
    cota = await get_cota(uow.session, cota_id, lock=True)
    uow.track(cota)
    if cota.contemplada:
        raise RegraVioladaError("Cota contemplada não pode ser excluída.", code="cota_contemplada")
    if cota.status is not StatusCota.ATIVA:
        raise RegraVioladaError("A cota já está excluída.", code="cota_inativa")
    cota.status = StatusCota.EXCLUIDA
    cota.motivo_exclusao = motivo
    cota.excluida_em = data
    uow.add(
        _event(
            cota,
            TipoEventoCota.EXCLUSAO,
            uow.actor.user_id,
            de=cota.consorciado_id,
            motivo=observacao or motivo,
        )
    )
    uow.publicar(
        COTA_EXCLUIDA,
        {
            "cota_id": cota.id,
            "cota_numero": cota.numero,
            "grupo_id": cota.grupo_id,
            "consorciado_id": cota.consorciado_id,
            "motivo": motivo,
            "data_exclusao": data,
        },
        chave=f"cota:{cota.id}",
    )
    await uow.commit()
    return cota


async def readmissao(uow: UnitOfWork, cota_id: uuid.UUID) -> Cota:
    """Bring an excluded cota back (group still running, cap respected)."""
    cota = await get_cota(uow.session, cota_id, lock=True)
    uow.track(cota)
    grupo = await get_grupo(uow.session, cota.grupo_id, lock=True)
    if cota.status is not StatusCota.EXCLUIDA:
        raise RegraVioladaError("Só uma cota excluída pode ser readmitida.", code="cota_ativa")
    if grupo.status is StatusGrupo.ENCERRADO:
        raise RegraVioladaError("Grupo encerrado não readmite cotas.", code="grupo_encerrado")
    await _check_cap(uow.session, grupo, cota.consorciado_id, calendario.hoje())
    cota.status = StatusCota.ATIVA
    cota.motivo_exclusao = None
    cota.excluida_em = None
    uow.add(_event(cota, TipoEventoCota.READMISSAO, uow.actor.user_id, para=cota.consorciado_id))
    await uow.commit()
    return cota
