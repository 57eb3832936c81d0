"""Recursos não procurados: what closed groups keep for people who gave no account (the report).

Lei 11.795/2008 arts. 33–34: the amounts not claimed at a group's closing are recursos não
procurados, kept by the administradora apart from its own money and invested; they are reported to
the Banco Central (Doc 2080) until claimed or until the claim expires, 5 years after the closing
(Lei 11.795/2008). Each line is the cota's line of its group's final accounts (destino
``nao_procurado``); the money sits in ``Fundo.NAO_PROCURADOS`` of the group's ledger.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.dinheiro.centavos import ZERO
from tenant_app.encerramento.calculo import DestinoValor
from tenant_app.encerramento.models import Encerramento, EncerramentoCota
from tenant_app.grupos.models import Grupo
from tenant_app.http.pagination import PageParams

#: The claim against the group expires 5 years after the closing.
ANOS_PARA_PRESCRICAO = 5


@dataclass(frozen=True, slots=True)
class NaoProcurado:
    """One amount kept for a consorciado of a closed group."""

    linha: EncerramentoCota
    grupo_codigo: str
    data_encerramento: date

    @property
    def prescreve_em(self) -> date:
        """The day the claim expires (29 February falls back to the 28th)."""
        d = self.data_encerramento
        ano = d.year + ANOS_PARA_PRESCRICAO
        try:
            return d.replace(year=ano)
        except ValueError:
            return d.replace(year=ano, day=28)


async def listar(
    session: AsyncSession, page: PageParams, grupo_id: uuid.UUID | None = None
) -> tuple[list[NaoProcurado], int, Decimal]:
    """One page (oldest closing first), the count and the sum of every amount kept."""
    filtro = [EncerramentoCota.destino == DestinoValor.NAO_PROCURADO]
    if grupo_id is not None:
        filtro.append(EncerramentoCota.grupo_id == grupo_id)
    total, soma = (
        await session.execute(
            select(func.count(EncerramentoCota.id), func.coalesce(func.sum(EncerramentoCota.total), 0)).where(
                *filtro
            )
        )
    ).one()
    rows = await session.execute(
        select(EncerramentoCota, Grupo.codigo, Encerramento.data_encerramento)
        .join(Encerramento, Encerramento.id == EncerramentoCota.encerramento_id)
        .join(Grupo, Grupo.id == EncerramentoCota.grupo_id)
        .where(*filtro)
        .order_by(Encerramento.data_encerramento, Grupo.codigo, EncerramentoCota.cota_numero)
        .limit(page.limit)
        .offset(page.offset)
    )
    itens = [NaoProcurado(linha, codigo, data) for linha, codigo, data in rows if data is not None]
    return itens, int(total), Decimal(soma) if soma else ZERO
