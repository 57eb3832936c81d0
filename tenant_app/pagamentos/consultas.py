"""Read side of payments: one payment, a cota's payments page by page."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.cotas.service import get_cota
from tenant_app.http.pagination import PageParams, paginate
from tenant_app.pagamentos.models import Pagamento, StatusPagamento


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
