"""Parcelas as plain objects, for a bulk settlement: read with one query per thousands of cotas, changed
by the same ``pagamento_parcela`` functions as the ORM rows, written back with one bulk UPDATE.

Loading hundreds of thousands of ORM rows (identity map, change tracking per attribute) cost more CPU
than the settlement itself; these carry the columns and nothing else. ``ValoresDaParcela`` gives them
the ORM row's own ``saldo`` and ``encargos``.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.database import copia
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


#: The oldest open parcelas of each cota that cover what may be paid into it (see ``abertas_que_bastam``).
#: Per cota (LATERAL): its few dozen rows come by the (cota_id, numero) index and are ordered and summed
#: alone. Joining the whole list at once made PostgreSQL hash every parcela of the tenant per batch and
#: sort the lot: its cost grew with the tenant, not with the file.
_PREFIXO = f"""
    SELECT {", ".join("y." + c for c in _COLUNAS)}
    FROM unnest($1::uuid[], $2::numeric[]) AS n(cota_id, necessario)
    CROSS JOIN LATERAL (
        SELECT * FROM (
            SELECT *, max(CASE WHEN alvo THEN ordem END) OVER () AS ultimo_alvo
            FROM (
                SELECT p.*, p.id = ANY($3::uuid[]) AS alvo,
                       row_number() OVER w AS ordem,
                       coalesce(sum(p.valor_total - p.pago_fundo_comum - p.pago_taxa_administracao
                                    - p.pago_fundo_reserva - p.pago_seguro)
                                OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS antes
                FROM parcelas p
                WHERE p.cota_id = n.cota_id AND p.status != 'paga'
                WINDOW w AS (ORDER BY p.vencimento, p.numero)
            ) com_saldo
        ) x
        WHERE x.antes < n.necessario OR x.ordem <= x.ultimo_alvo
    ) y
    ORDER BY y.cota_id, y.vencimento, y.numero
    """


async def abertas_que_bastam(
    session: AsyncSession,
    necessario: Mapping[uuid.UUID, Decimal],
    alvos: Iterable[uuid.UUID] = (),
    *,
    lote: int = 2000,
) -> dict[uuid.UUID, list[ParcelaEmMemoria]]:
    """``abertas_por_cota`` cut to what a batch can touch: per cota, its open parcelas oldest first up
    to the one where their saldo (the same ``valor_total`` minus what was paid of the components as
    ``ValoresDaParcela.saldo``) reaches ``necessario[cota]`` — at least everything the batch may pay in
    — and at least up to each parcela of ``alvos`` (the títulos' own parcelas).

    Always a prefix of ``abertas_por_cota``'s list, and the whole list when the cota owes less than
    ``necessario``. That is all the money path looks at: allocation goes oldest first and stops when
    the money runs out, late charges only add to what each parcela takes, and when the money is
    more than the cota owes the list is whole, so the refusal names the same total. A retorno pays
    one or two parcelas of cotas that have sixty open: reading them all was a fifth of its time.
    """
    por_cota: dict[uuid.UUID, list[ParcelaEmMemoria]] = defaultdict(list)
    ids = sorted(necessario)
    lista_alvos = list(set(alvos))
    for inicio in range(0, len(ids), lote):
        parte = ids[inicio : inicio + lote]
        rows = await copia.ler_planejando(
            session, _PREFIXO, parte, [necessario[c] for c in parte], lista_alvos
        )
        for row in rows:
            parcela = ParcelaEmMemoria(*row)
            parcela.status = StatusParcela(parcela.status)
            por_cota[parcela.cota_id].append(parcela)
    return por_cota


def linhas(parcelas: Iterable[ParcelaEmMemoria]) -> list[tuple[Any, ...]]:
    """What ``pagamento_parcela`` changed, as rows for ``gravar_linhas`` (id, then ``ESCRITAS``)."""
    return [(p.id, *(getattr(p, nome) for nome in ESCRITAS)) for p in parcelas]


async def gravar_linhas(session: AsyncSession, linhas: Sequence[tuple[Any, ...]]) -> None:
    """Write rows of ``linhas`` back (one UPDATE; CHECK constraints still apply)."""
    await copia.atualizar(session, _TABELA, ("id", *ESCRITAS), linhas)


async def gravar(session: AsyncSession, parcelas: Sequence[ParcelaEmMemoria]) -> None:
    """Write back what ``pagamento_parcela`` changed."""
    await gravar_linhas(session, linhas(parcelas))
