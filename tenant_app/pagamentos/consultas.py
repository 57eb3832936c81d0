"""Read side of payments: a cota's payments page by page; the tenant's or a grupo's by date, forma, status."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.cotas.models import Cota
from tenant_app.cotas.service import get_cota
from tenant_app.grupos.models import Grupo
from tenant_app.http.pagination import PageParams, paginate
from tenant_app.pagamentos.models import FormaPagamento, Pagamento, StatusPagamento

#: The most rows one CSV export carries (narrow the dates beyond it).
MAX_EXPORTACAO = 100_000


async def listar_pagamentos_da_cota(
    session: AsyncSession,
    cota_id: uuid.UUID,
    page: PageParams,
    *,
    status: StatusPagamento | None = None,
    desde: date | None = None,
    ate: date | None = None,
) -> tuple[list[Pagamento], int]:
    """Payments of a cota, newest first, filtered by status and payment date; 404 for no cota."""
    await get_cota(session, cota_id)
    stmt = (
        select(Pagamento)
        .where(Pagamento.cota_id == cota_id)
        .order_by(Pagamento.data_pagamento.desc(), Pagamento.registrado_em.desc())
    )
    if status is not None:
        stmt = stmt.where(Pagamento.status == status)
    if desde is not None:
        stmt = stmt.where(Pagamento.data_pagamento >= desde)
    if ate is not None:
        stmt = stmt.where(Pagamento.data_pagamento <= ate)
    return await paginate(session, stmt, page)


@dataclass(frozen=True)
class FiltroPagamentos:
    """Which payments a listing or an export shows (every field optional)."""

    grupo_id: uuid.UUID | None = None
    desde: date | None = None
    ate: date | None = None
    forma: FormaPagamento | None = None
    status: StatusPagamento | None = None


def _consulta(filtro: FiltroPagamentos) -> Select[Pagamento, int, str]:
    stmt = (
        select(Pagamento, Cota.numero, Grupo.codigo)
        .join(Cota, Cota.id == Pagamento.cota_id)
        .join(Grupo, Grupo.id == Pagamento.grupo_id)
        .order_by(Pagamento.data_pagamento.desc(), Pagamento.registrado_em.desc(), Pagamento.id)
    )
    if filtro.grupo_id is not None:
        stmt = stmt.where(Pagamento.grupo_id == filtro.grupo_id)
    if filtro.desde is not None:
        stmt = stmt.where(Pagamento.data_pagamento >= filtro.desde)
    if filtro.ate is not None:
        stmt = stmt.where(Pagamento.data_pagamento <= filtro.ate)
    if filtro.forma is not None:
        stmt = stmt.where(Pagamento.forma == filtro.forma)
    if filtro.status is not None:
        stmt = stmt.where(Pagamento.status == filtro.status)
    return stmt


async def listar_pagamentos(
    session: AsyncSession, page: PageParams, filtro: FiltroPagamentos
) -> tuple[list[tuple[Pagamento, int, str]], int]:
    """One page of the tenant's (or a grupo's) payments, newest first, with cota number and grupo code."""
    stmt = _consulta(filtro)
    total = (
        await session.execute(select(func.count()).select_from(stmt.order_by(None).subquery()))
    ).scalar_one()
    rows = await session.execute(stmt.limit(page.limit).offset(page.offset))
    return [(r[0], r[1], r[2]) for r in rows], int(total)


async def exportar_pagamentos(
    session: AsyncSession, filtro: FiltroPagamentos
) -> list[tuple[Pagamento, int, str]]:
    """Every payment the filter selects (at most ``MAX_EXPORTACAO``), for a spreadsheet."""
    rows = await session.execute(_consulta(filtro).limit(MAX_EXPORTACAO))
    return [(r[0], r[1], r[2]) for r in rows]
