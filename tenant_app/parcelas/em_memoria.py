"""Parcelas as plain objects, for a bulk settlement: read with one query per thousands of cotas, changed
by the same ``pagamento_parcela`` functions as the ORM rows, written back with one bulk UPDATE.

Loading hundreds of thousands of ORM rows (identity map, change tracking per attribute) cost more CPU
than the settlement itself; these carry the columns and nothing else. ``ValoresDaParcela`` gives them
the ORM row's own ``saldo`` and ``encargos``.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.parcelas.models import Parcela, StatusParcela, ValoresDaParcela

_TABELA = cast(Table, Parcela.__table__)
#: What ``pagamento_parcela.aplicar`` may change: written back for every parcela a batch touched.
ESCRITAS = (
    "pago_fundo_comum",
    "pago_taxa_administracao",
    "pago_fundo_reserva",
    "pago_seguro",
    "pago_multa",
    "pago_juros",
    "pago_ate_vencimento",
    "juros_pendentes",
    "juros_calculados_ate",
    "status",
    "paga_em",
)


@dataclass(slots=True, eq=False)
class ParcelaEmMemoria(ValoresDaParcela):
    id: uuid.UUID
    cota_id: uuid.UUID
    grupo_id: uuid.UUID
    numero: int
    vencimento: date
    valor_fundo_comum: Decimal
    valor_taxa_administracao: Decimal
    valor_fundo_reserva: Decimal
    valor_seguro: Decimal
    valor_total: Decimal
    pago_fundo_comum: Decimal
    pago_taxa_administracao: Decimal
    pago_fundo_reserva: Decimal
    pago_seguro: Decimal
    pago_multa: Decimal
    pago_juros: Decimal
    status: StatusParcela
    paga_em: date | None
    juros_calculados_ate: date | None
    juros_pendentes: Decimal
    pago_ate_vencimento: Decimal


_COLUNAS = [f.name for f in fields(ParcelaEmMemoria)]


async def abertas_por_cota(
    session: AsyncSession, cota_ids: Iterable[uuid.UUID], *, lote: int = 2000
) -> dict[uuid.UUID, list[ParcelaEmMemoria]]:
    """Each cota's parcelas not fully paid, oldest first (``parcelas_em_aberto``'s order and filter)."""
    por_cota: dict[uuid.UUID, list[ParcelaEmMemoria]] = defaultdict(list)
    ids = sorted(set(cota_ids))
    colunas = [_TABELA.c[nome] for nome in _COLUNAS]
    for inicio in range(0, len(ids), lote):
        rows = await session.execute(
            select(*colunas)
            .where(_TABELA.c.cota_id.in_(ids[inicio : inicio + lote]), _TABELA.c.status != StatusParcela.PAGA)
            .order_by(_TABELA.c.cota_id, _TABELA.c.vencimento, _TABELA.c.numero)
        )
        for row in rows:
            parcela = ParcelaEmMemoria(*row)
            por_cota[parcela.cota_id].append(parcela)
    return por_cota


async def gravar(session: AsyncSession, parcelas: Sequence[ParcelaEmMemoria]) -> None:
    """Write back what ``pagamento_parcela`` changed (one executemany; CHECK constraints still apply)."""
    if not parcelas:
        return
    stmt = (
        update(_TABELA)
        .where(_TABELA.c.id == bindparam("_id"))
        .values({nome: bindparam(nome) for nome in ESCRITAS})
    )
    linhas: list[dict[str, Any]] = [
        {"_id": p.id, **{nome: getattr(p, nome) for nome in ESCRITAS}} for p in parcelas
    ]
    await session.execute(stmt, linhas)
