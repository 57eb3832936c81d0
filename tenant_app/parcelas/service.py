"""Writing schedules to the database (set-based, for speed) and index correction of the remaining plan."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.cotas.models import Cota, StatusCota
from tenant_app.grupos.models import Grupo
from tenant_app.parcelas.business_days import add_months, monthly_due_dates
from tenant_app.parcelas.models import Parcela, StatusParcela
from tenant_app.parcelas.ordered_ids import MAX_COUNTER, new_ordered_id_prefix
from tenant_app.parcelas.schedule import (
    ComponentesParcela,
    PlanoCredito,
    apply_index,
    corrected_amounts,
    diferenca_de_prestacao,
    schedule_amounts,
)
from tenant_app.unit_of_work import UnitOfWork

# One cota's template (numbers, due dates, amounts) multiplied by the cotas inside
# PostgreSQL. The LATERAL subquery refers to the outer cota, so the plan is a
# nested loop over the cotas in the order sent (no sort, no spill to disk) and
# the id expression is evaluated for every row: ``prefix || counter`` with the
# counter numbering rows in (cota, numero) order, so the primary key, the
# (cota_id, numero) key and the (grupo_id, vencimento) index are all written
# in or near key order. See ``ordered_ids`` for the id layout.
_INSERT_FROM_TEMPLATE = """
INSERT INTO parcelas (
    id, cota_id, grupo_id, numero, vencimento,
    valor_fundo_comum, valor_taxa_administracao, valor_fundo_reserva, valor_seguro, valor_total,
    pago_fundo_comum, pago_taxa_administracao, pago_fundo_reserva, pago_seguro, pago_multa, pago_juros,
    status, juros_pendentes, valor_taxa_antecipada
)
SELECT t.id, c.cota_id, $9, t.numero, t.vencimento, t.fc, t.ta, t.fr, t.sg, t.total,
       0, 0, 0, 0, 0, 0, 'aberta', 0, CASE WHEN t.numero = 1 THEN $12::numeric ELSE 0 END
FROM unnest($1::uuid[]) WITH ORDINALITY AS c(cota_id, ordem)
CROSS JOIN LATERAL (
    SELECT ($10::text || lpad(to_hex((c.ordem - 1) * $11::int + u.numero), 8, '0'))::uuid AS id, u.*
    FROM unnest(
        $2::int[], $3::date[], $4::numeric[], $5::numeric[], $6::numeric[], $7::numeric[], $8::numeric[]
    ) AS u(numero, vencimento, fc, ta, fr, sg, total)
    OFFSET 0
) AS t
"""


async def parcelas_em_aberto(session: AsyncSession, cota_id: uuid.UUID) -> list[Parcela]:
    """The cota's parcelas not fully paid, oldest first (the order payments cover them)."""
    rows = await session.execute(
        select(Parcela)
        .where(Parcela.cota_id == cota_id, Parcela.status != StatusParcela.PAGA)
        .order_by(Parcela.vencimento, Parcela.numero)
    )
    return list(rows.scalars())


def plano_of(grupo: Grupo) -> PlanoCredito:
    """The group's contract percentages and current credit."""
    return PlanoCredito(
        valor_credito=grupo.valor_credito,
        taxa_administracao_pct=grupo.taxa_administracao_pct,
        fundo_reserva_pct=grupo.fundo_reserva_pct,
        seguro_pct=grupo.seguro_pct,
        seguro_modo=grupo.seguro_modo,
        taxa_antecipada_pct=grupo.taxa_antecipada_pct,
    )


def months_between(start: date, end: date) -> int:
    """Whole calendar months from ``start``'s month to ``end``'s month."""
    return (end.year - start.year) * 12 + end.month - start.month


def remaining_parcelas(grupo: Grupo, adesao: date) -> tuple[int, int, int]:
    """(parcelas, first due year, first due month) for a cota joining on ``adesao``.

    Before the group starts every cota pays the full ``prazo_meses`` from the month
    after the start; a late member pays the remaining months (still 100 % of the credit).
    """
    assert grupo.data_inicio is not None
    start_from = max(grupo.data_inicio, adesao)
    elapsed = months_between(grupo.data_inicio, start_from)
    year, month = add_months(start_from.year, start_from.month, 1)
    return grupo.prazo_meses - elapsed, year, month


async def generate_schedules(uow: UnitOfWork, grupo: Grupo, cotas: Sequence[Cota], adesao: date) -> int:
    """Create the parcelas of ``cotas`` (all joining on ``adesao``) in one statement; returns rows written."""
    return await generate_schedules_for(uow, grupo, [c.id for c in cotas], adesao)


async def generate_schedules_for(
    uow: UnitOfWork, grupo: Grupo, cota_ids: Sequence[uuid.UUID], adesao: date
) -> int:
    """``generate_schedules`` by cota id (a grupo start need not load thousands of Cota objects)."""
    if not cota_ids:
        return 0
    n, year, month = remaining_parcelas(grupo, adesao)
    if n < 1:
        return 0
    if len(cota_ids) * n > MAX_COUNTER:
        raise ValueError("too many parcelas for one statement")
    amounts = schedule_amounts(plano_of(grupo), n)
    dates = monthly_due_dates(year, month, grupo.dia_vencimento, n)
    # The amounts and dates are the same for every cota joining together: send the
    # one-cota template once and let PostgreSQL multiply it by the cotas, instead
    # of building and shipping cotas × parcelas rows from Python.
    conn = await uow.session.connection()
    raw = await conn.get_raw_connection()
    status = await raw.driver_connection.execute(  # type: ignore[union-attr]
        _INSERT_FROM_TEMPLATE,
        # Sorted like the (cota_id, numero) key, so that index is written front to back.
        sorted(cota_ids),
        list(range(1, n + 1)),
        dates,
        [a.fundo_comum for a in amounts],
        [a.taxa_administracao for a in amounts],
        [a.fundo_reserva for a in amounts],
        [a.seguro for a in amounts],
        [a.total for a in amounts],
        grupo.id,
        new_ordered_id_prefix(),
        n,
        amounts[0].taxa_antecipada,
    )
    written = int(status.rsplit(" ", 1)[1])
    uow.auditar(
        "parcelas_geradas",
        "grupos",
        str(grupo.id),
        depois={"cotas": len(cota_ids), "parcelas_por_cota": n, "valor_parcela": str(amounts[0].total)},
    )
    return written


async def apply_correction(
    uow: UnitOfWork,
    grupo: Grupo,
    indice_pct: Decimal,
    referencia: str,
    *,
    vencimento_cobrado: date | None = None,
) -> int:
    """Correct the credit by an index and re-price every untouched parcela of active cotas.

    Parcelas that already received money keep their amounts (what was billed
    and paid stays); the remaining plan keeps its percentage of the new credit.
    ``vencimento_cobrado``: the due date of the period's parcelas whose billing
    documents were issued at the old price before the AGO; they keep their amounts
    and the diferença de prestação goes into each cota's next parcela (Res. BCB
    285/2023 art. 25-A).
    """
    plano = plano_of(grupo)
    novo = apply_index(grupo.valor_credito, indice_pct)
    counts = (
        await uow.session.execute(
            select(Parcela.cota_id, func.count(Parcela.id))
            .join(Cota, Cota.id == Parcela.cota_id)
            .where(Parcela.grupo_id == grupo.id, Cota.status == StatusCota.ATIVA)
            .group_by(Parcela.cota_id)
        )
    ).all()
    by_size: dict[int, list[uuid.UUID]] = defaultdict(list)
    for cota_id, n in counts:
        by_size[int(n)].append(cota_id)
    untouched = (
        (Parcela.status == StatusParcela.ABERTA)
        & (Parcela.pago_fundo_comum == 0)
        & (Parcela.pago_taxa_administracao == 0)
        & (Parcela.pago_fundo_reserva == 0)
        & (Parcela.pago_seguro == 0)
    )
    cobradas: list[tuple[uuid.UUID, int, ComponentesParcela]] = []
    if vencimento_cobrado is not None:
        untouched = untouched & (Parcela.vencimento != vencimento_cobrado)
        cobradas = [
            (r[0], r[1], ComponentesParcela(r[2], r[3], r[4], r[5], r[6]))
            for r in await uow.session.execute(
                select(
                    Parcela.cota_id,
                    Parcela.numero,
                    Parcela.valor_fundo_comum,
                    Parcela.valor_taxa_administracao,
                    Parcela.valor_fundo_reserva,
                    Parcela.valor_seguro,
                    Parcela.valor_taxa_antecipada,
                )
                .join(Cota, Cota.id == Parcela.cota_id)
                .where(
                    Parcela.grupo_id == grupo.id,
                    Cota.status == StatusCota.ATIVA,
                    Parcela.vencimento == vencimento_cobrado,
                )
            )
        ]
    updated = 0
    for n, cota_ids in by_size.items():
        amounts = corrected_amounts(plano, n, range(1, n + 1), novo)
        for numero, c in amounts.items():
            result = await uow.session.execute(
                update(Parcela)
                .where(Parcela.cota_id.in_(cota_ids), Parcela.numero == numero, untouched)
                .values(
                    valor_fundo_comum=c.fundo_comum,
                    valor_taxa_administracao=c.taxa_administracao,
                    valor_fundo_reserva=c.fundo_reserva,
                    valor_seguro=c.seguro,
                    valor_total=c.total,
                    valor_taxa_antecipada=c.taxa_antecipada,
                )
                .execution_options(synchronize_session=False)
            )
            updated += result.rowcount  # type: ignore[attr-defined]
    diferencas = await _lancar_diferencas(
        uow, plano, novo, cobradas, {c: n for n, cs in by_size.items() for c in cs}
    )
    uow.track(grupo)
    uow.auditar(
        "correcao_indice",
        "grupos",
        str(grupo.id),
        antes={"valor_credito": grupo.valor_credito},
        depois={
            "valor_credito": novo,
            "indice_pct": indice_pct,
            "referencia": referencia,
            "parcelas": updated,
            "diferencas_de_prestacao": diferencas,
        },
    )
    grupo.valor_credito = novo
    return updated


async def _lancar_diferencas(
    uow: UnitOfWork,
    plano: PlanoCredito,
    novo_credito: Decimal,
    cobradas: Sequence[tuple[uuid.UUID, int, ComponentesParcela]],
    tamanho: dict[uuid.UUID, int],
) -> int:
    """Res. BCB 285 art. 25-A: each billed parcela's difference goes into the cota's next untouched one."""
    if not cobradas:
        return 0
    por_cota = {cota_id: (numero, valores) for cota_id, numero, valores in cobradas}
    proximas: dict[uuid.UUID, uuid.UUID] = {}
    rows = await uow.session.execute(
        select(Parcela.cota_id, Parcela.id, Parcela.numero)
        .where(
            Parcela.cota_id.in_(list(por_cota)),
            Parcela.status == StatusParcela.ABERTA,
            Parcela.pago_fundo_comum == 0,
            Parcela.pago_taxa_administracao == 0,
            Parcela.pago_fundo_reserva == 0,
            Parcela.pago_seguro == 0,
        )
        .order_by(Parcela.cota_id, Parcela.numero)
    )
    for cota_id, parcela_id, numero in rows:
        if cota_id not in proximas and numero > por_cota[cota_id][0]:
            proximas[cota_id] = parcela_id
    t = Parcela.__table__
    assert isinstance(t, Table)
    params = []
    for cota_id, (numero, cobrada) in por_cota.items():
        if cota_id not in proximas:
            continue  # the cota has no parcela left to carry it (its last parcela was the billed one)
        corrigida = corrected_amounts(plano, tamanho[cota_id], [numero], novo_credito)[numero]
        d = diferenca_de_prestacao(cobrada, corrigida)
        params.append(
            {
                "pid": proximas[cota_id],
                "dfc": d.fundo_comum,
                "dta": d.taxa_administracao,
                "dfr": d.fundo_reserva,
                "dsg": d.seguro,
                "dtot": d.total,
            }
        )
    if params:
        await uow.session.execute(
            update(t)
            .where(t.c.id == bindparam("pid"))
            .values(
                valor_fundo_comum=t.c.valor_fundo_comum + bindparam("dfc"),
                valor_taxa_administracao=t.c.valor_taxa_administracao + bindparam("dta"),
                valor_fundo_reserva=t.c.valor_fundo_reserva + bindparam("dfr"),
                valor_seguro=t.c.valor_seguro + bindparam("dsg"),
                valor_total=t.c.valor_total + bindparam("dtot"),
            ),
            params,
        )
    return len(params)
