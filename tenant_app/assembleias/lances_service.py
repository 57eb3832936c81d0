"""Sealed lances: registered, read and withdrawn before the cut-off; their amounts stay sealed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app import calendario
from tenant_app.assembleias import elegibilidade, sigilo
from tenant_app.assembleias.apuracao.lances import Lance, erros_lance
from tenant_app.assembleias.erros import RegraViolada
from tenant_app.assembleias.models import (
    LanceAssembleia,
    StatusAssembleia,
    StatusLance,
)
from tenant_app.assembleias.schemas import LanceCreate
from tenant_app.assembleias.service import get_assembleia, get_grupo, get_regras, problema, regras_puras
from tenant_app.cotas.models import Cota, StatusCota
from tenant_app.erros import ConflitoError, NaoEncontrado, RegraVioladaError
from tenant_app.unit_of_work import UnitOfWork


async def registrar_lance(
    uow: UnitOfWork, assembleia_id: uuid.UUID, data: LanceCreate, user_id: uuid.UUID | None
) -> tuple[LanceAssembleia, int]:
    """Accept a sealed bid if the assembleia, the cota and the contract allow it."""
    session = uow.session
    assembleia = await get_assembleia(session, assembleia_id)
    agora = datetime.now(UTC)
    if assembleia.status is not StatusAssembleia.RECEBENDO_LANCES:
        situacao_atual = assembleia.status.value.replace("_", " ")
        raise ConflitoError(
            f"A assembleia não está recebendo lances (situação: {situacao_atual}).", code="lances_fechados"
        )
    if agora >= assembleia.corte_lances_em:
        raise RegraVioladaError(
            f"O prazo de lances terminou em {assembleia.corte_lances_em.isoformat()}.", code="prazo_encerrado"
        )
    grupo = await get_grupo(session, assembleia.grupo_id)
    regras = regras_puras(await get_regras(session, grupo.id))
    situacao = await elegibilidade.situacoes(
        session, grupo.id, calendario.hoje(agora), cota_numero=data.cota_numero
    )
    if not situacao:
        raise RegraVioladaError(f"A cota {data.cota_numero} não existe neste grupo.", campo="cota_numero")
    s = situacao[0]
    if s.status is not StatusCota.ATIVA:
        raise RegraVioladaError(
            "Cota excluída não pode dar lance.", campo="cota_numero", code="cota_inelegivel"
        )
    if s.contemplada:
        raise RegraVioladaError("A cota já foi contemplada.", campo="cota_numero", code="cota_inelegivel")
    if s.em_atraso:
        raise RegraVioladaError(
            "A cota tem parcela vencida em aberto e não pode dar lance.",
            campo="cota_numero",
            code="cota_inelegivel",
        )
    lance = Lance(data.cota_numero, data.tipo, data.percentual, data.percentual_embutido)
    erros = erros_lance(
        lance, regras, percentual_devido=elegibilidade.teto_lance(grupo, s, regras.lance_paga)
    )
    if erros:
        raise problema(RegraViolada(erros, "Lance inválido"))
    ativo = await session.scalar(
        select(LanceAssembleia.id).where(
            LanceAssembleia.assembleia_id == assembleia.id,
            LanceAssembleia.cota_id == s.cota_id,
            LanceAssembleia.status == StatusLance.ATIVO,
        )
    )
    if ativo is not None:
        raise ConflitoError(
            "A cota já tem um lance ativo nesta assembleia; cancele-o para registrar outro.",
            code="lance_duplicado",
        )
    row = LanceAssembleia(
        assembleia_id=assembleia.id,
        cota_id=s.cota_id,
        tipo=data.tipo,
        percentual=data.percentual,
        percentual_embutido=data.percentual_embutido,
        status=StatusLance.ATIVO,
        registrado_em=agora,
        registrado_por=user_id,
    )
    uow.add(row)
    await uow.commit()
    return row, s.numero


async def cancelar_lance(
    uow: UnitOfWork, assembleia_id: uuid.UUID, lance_id: uuid.UUID
) -> tuple[LanceAssembleia, int]:
    """Withdraw a bid; only before the cut-off."""
    session = uow.session
    assembleia = await get_assembleia(session, assembleia_id)
    row, numero = await get_lance(session, assembleia_id, lance_id, lock=True)
    if row.status is StatusLance.CANCELADO:
        raise ConflitoError("O lance já foi cancelado.", code="lance_cancelado")
    agora = datetime.now(UTC)
    if assembleia.status is not StatusAssembleia.RECEBENDO_LANCES or agora >= assembleia.corte_lances_em:
        raise RegraVioladaError("Lances só podem ser cancelados antes do corte.", code="prazo_encerrado")
    uow.track(row)
    row.status = StatusLance.CANCELADO
    row.cancelado_em = agora
    await uow.commit()
    return row, numero


async def get_lance(
    session: AsyncSession, assembleia_id: uuid.UUID, lance_id: uuid.UUID, *, lock: bool = False
) -> tuple[LanceAssembleia, int]:
    """A lance of this assembleia with its cota number, or 404."""
    stmt = (
        select(LanceAssembleia, Cota.numero)
        .join(Cota, Cota.id == LanceAssembleia.cota_id)
        .where(LanceAssembleia.id == lance_id, LanceAssembleia.assembleia_id == assembleia_id)
    )
    if lock:
        stmt = stmt.with_for_update(of=LanceAssembleia)
    found = (await session.execute(stmt)).first()
    if found is None:
        raise NaoEncontrado("Lance")
    return found[0], found[1]


async def consultar_lance(
    session: AsyncSession, assembleia_id: uuid.UUID, lance_id: uuid.UUID
) -> tuple[LanceAssembleia, int, bool]:
    """A lance, its cota number and whether its percentages are still sealed (404 when unknown)."""
    assembleia = await get_assembleia(session, assembleia_id)
    row, numero = await get_lance(session, assembleia_id, lance_id)
    return row, numero, sigilo.selada(assembleia.status)


async def listar_lances(session: AsyncSession, assembleia_id: uuid.UUID) -> list[tuple[LanceAssembleia, int]]:
    """All lances, only once the assembleia was apurada: until then they are sealed."""
    assembleia = await get_assembleia(session, assembleia_id)
    if sigilo.selada(assembleia.status):
        raise ConflitoError("Os lances são sigilosos até a apuração da assembleia.", code="lances_sigilosos")
    rows = await session.execute(
        select(LanceAssembleia, Cota.numero)
        .join(Cota, Cota.id == LanceAssembleia.cota_id)
        .where(LanceAssembleia.assembleia_id == assembleia_id)
        .order_by(Cota.numero, LanceAssembleia.registrado_em)
    )
    return [(r[0], r[1]) for r in rows]
