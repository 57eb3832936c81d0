"""Read-only aggregates for the dashboard (one statement each, over the tenant's tables).

* **previsto** of a month: what the parcelas due in it charge (``valor_total``);
* **arrecadado**: money received in it — confirmed payments by payment date,
  ``valor - valor_embutido`` (the embedded part of a lance is credit, not cash);
* **inadimplência**: active cotas with at least one parcela past due and not
  paid, over active cotas;
* **próximas assembleias**: scheduled or receiving lances, from today on.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, cast, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.assembleias.models import Assembleia, StatusAssembleia
from tenant_app.cotas.models import Cota, StatusCota
from tenant_app.grupos.models import Grupo, StatusGrupo
from tenant_app.pagamentos.models import Pagamento, StatusPagamento
from tenant_app.parcelas.models import Parcela, StatusParcela

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Mes:
    """One month's money."""

    inicio: date
    previsto: Decimal
    arrecadado: Decimal


@dataclass(frozen=True)
class ProximaAssembleia:
    """An upcoming assembleia."""

    id: uuid.UUID
    grupo_codigo: str
    numero: int
    data_assembleia: date
    status: str


@dataclass(frozen=True)
class Painel:
    """Everything the dashboard shows."""

    hoje: date
    meses: list[Mes]
    cotas_ativas: int
    cotas_contempladas: int
    cotas_inadimplentes: int
    grupos_em_andamento: int
    proximas_assembleias: list[ProximaAssembleia]

    @property
    def mes_atual(self) -> Mes:
        return self.meses[-1]

    @property
    def inadimplencia_pct(self) -> Decimal:
        """Delinquent active cotas as a percentage (two decimals)."""
        if not self.cotas_ativas:
            return Decimal("0.00")
        return (Decimal(self.cotas_inadimplentes) * 100 / self.cotas_ativas).quantize(Decimal("0.01"))


def inicio_do_mes(d: date, recuar: int = 0) -> date:
    """First day of the month ``recuar`` months before ``d``'s. Pure."""
    indice = d.year * 12 + (d.month - 1) - recuar
    return date(indice // 12, indice % 12 + 1, 1)


def _por_mes(linhas: Any) -> dict[date, Decimal]:
    # Not dict(result): a Result has keys() (its columns), so dict() would read it as a mapping.
    return {mes: valor for mes, valor in linhas}


async def painel(session: AsyncSession, hoje: date, meses: int = 6) -> Painel:
    """The dashboard's numbers as of ``hoje`` (the last ``meses`` months, this one included)."""
    inicio = inicio_do_mes(hoje, meses - 1)
    fim = inicio_do_mes(hoje, -1)
    mes_parcela = cast(func.date_trunc("month", Parcela.vencimento), Date)
    previstos: dict[date, Decimal] = _por_mes(
        await session.execute(
            select(mes_parcela, func.sum(Parcela.valor_total))
            .where(Parcela.vencimento >= inicio, Parcela.vencimento < fim)
            .group_by(mes_parcela)
        )
    )
    mes_pagamento = cast(func.date_trunc("month", Pagamento.data_pagamento), Date)
    arrecadados: dict[date, Decimal] = _por_mes(
        await session.execute(
            select(mes_pagamento, func.sum(Pagamento.valor - Pagamento.valor_embutido))
            .where(
                Pagamento.data_pagamento >= inicio,
                Pagamento.data_pagamento < fim,
                Pagamento.status == StatusPagamento.CONFIRMADO,
            )
            .group_by(mes_pagamento)
        )
    )
    vencida = exists().where(
        Parcela.cota_id == Cota.id, Parcela.vencimento < hoje, Parcela.status != StatusParcela.PAGA
    )
    cotas = (
        await session.execute(
            select(
                func.count(),
                func.count().filter(Cota.contemplada.is_(True)),
                func.count().filter(vencida),
            ).where(Cota.status == StatusCota.ATIVA)
        )
    ).one()
    grupos = (
        await session.execute(
            select(func.count()).select_from(Grupo).where(Grupo.status == StatusGrupo.EM_ANDAMENTO)
        )
    ).scalar_one()
    proximas = (
        await session.execute(
            select(Assembleia, Grupo.codigo)
            .join(Grupo, Grupo.id == Assembleia.grupo_id)
            .where(
                Assembleia.data_assembleia >= hoje,
                Assembleia.status.in_([StatusAssembleia.AGENDADA, StatusAssembleia.RECEBENDO_LANCES]),
            )
            .order_by(Assembleia.data_assembleia, Grupo.codigo)
            .limit(5)
        )
    ).all()
    lista_meses = [inicio_do_mes(hoje, k) for k in range(meses - 1, -1, -1)]
    return Painel(
        hoje=hoje,
        meses=[Mes(m, previstos.get(m) or ZERO, arrecadados.get(m) or ZERO) for m in lista_meses],
        cotas_ativas=int(cotas[0]),
        cotas_contempladas=int(cotas[1]),
        cotas_inadimplentes=int(cotas[2]),
        grupos_em_andamento=int(grupos),
        proximas_assembleias=[
            ProximaAssembleia(a.id, codigo, a.numero, a.data_assembleia, a.status.value)
            for a, codigo in proximas
        ],
    )
