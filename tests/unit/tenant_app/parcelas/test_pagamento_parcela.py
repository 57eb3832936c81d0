"""The one writer of a parcela's paid amounts: one status rule, and an estorno is the exact inverse."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tenant_app.dinheiro.alocacao import COMPONENTES, Alocacao, alocar
from tenant_app.dinheiro.amortizacao import (
    AmortizacaoLance,
    Reprogramacao,
    alocar_lance,
    reprogramar_quitadas,
)
from tenant_app.parcelas.models import Parcela, StatusParcela
from tenant_app.parcelas.pagamento_parcela import aplicar, estado, estornar, reprogramar, status_de

pytestmark = pytest.mark.unit

INICIO = date(2026, 1, 10)
CAMPOS = (
    *(f"pago_{c}" for c in COMPONENTES),
    *(f"valor_{c}" for c in COMPONENTES),
    "valor_total",
    "pago_multa",
    "pago_juros",
    "juros_pendentes",
    "juros_calculados_ate",
    "pago_ate_vencimento",
    "status",
    "paga_em",
)


def _parcela(numero: int) -> Parcela:
    # R$ 100.00 = fundo comum 88 + fundo de reserva 2 + taxa 10, due monthly from 10/01/2026.
    return Parcela(
        id=uuid.uuid4(),
        cota_id=uuid.uuid4(),
        grupo_id=uuid.uuid4(),
        numero=numero,
        vencimento=INICIO + timedelta(days=30 * (numero - 1)),
        valor_fundo_comum=Decimal("88.00"),
        valor_fundo_reserva=Decimal("2.00"),
        valor_taxa_administracao=Decimal("10.00"),
        valor_seguro=Decimal("0.00"),
        valor_total=Decimal("100.00"),
        pago_fundo_comum=Decimal("0.00"),
        pago_fundo_reserva=Decimal("0.00"),
        pago_taxa_administracao=Decimal("0.00"),
        pago_seguro=Decimal("0.00"),
        pago_multa=Decimal("0.00"),
        pago_juros=Decimal("0.00"),
        juros_pendentes=Decimal("0.00"),
        juros_calculados_ate=None,
        pago_ate_vencimento=Decimal("0.00"),
        status=StatusParcela.ABERTA,
        paga_em=None,
    )


@dataclass(frozen=True)
class Guardada:
    """What a stored PagamentoAlocacao keeps of an allocation."""

    fundo_comum: Decimal
    fundo_reserva: Decimal
    taxa_administracao: Decimal
    seguro: Decimal
    multa: Decimal
    juros: Decimal


def _guardada(a: Alocacao) -> Guardada:
    return Guardada(**{c: a.componentes[c] for c in COMPONENTES}, multa=a.multa, juros=a.juros)


def _foto(p: Parcela) -> tuple[object, ...]:
    return tuple(getattr(p, campo) for campo in CAMPOS)


def test_status_rule() -> None:
    p = _parcela(1)
    assert status_de(p) is StatusParcela.ABERTA
    p.pago_multa = Decimal("2.00")  # late charges are not the parcela
    assert status_de(p) is StatusParcela.ABERTA
    p.pago_fundo_comum = Decimal("0.01")
    assert status_de(p) is StatusParcela.PARCIAL
    p.pago_fundo_comum, p.pago_fundo_reserva, p.pago_taxa_administracao = (
        Decimal("88.00"),
        Decimal("2.00"),
        Decimal("10.00"),
    )
    assert status_de(p) is StatusParcela.PAGA


def test_paying_in_two_steps_and_reversing_the_first() -> None:
    p = _parcela(1)
    # On 09/02 (30 days late) R$ 50.00: multa 2 % of 100 = 2.00, juros 1 % a month x 30 days = 1.00, 47 fc.
    (a1,) = alocar(Decimal("50.00"), [estado(p)], date(2026, 2, 9), Decimal("2"), Decimal("1")).alocacoes
    aplicar(p, a1, date(2026, 2, 9))
    assert (p.pago_multa, p.pago_juros, p.pago_fundo_comum) == (
        Decimal("2.00"),
        Decimal("1.00"),
        Decimal("47.00"),
    )
    assert p.status is StatusParcela.PARCIAL and p.paga_em is None
    # The rest on the same day: 53.00 (41 fundo comum, 2 reserva, 10 taxa): paid that day.
    (a2,) = alocar(Decimal("53.00"), [estado(p)], date(2026, 2, 9), Decimal("2"), Decimal("1")).alocacoes
    aplicar(p, a2, date(2026, 2, 9))
    assert p.status is StatusParcela.PAGA and p.paga_em == date(2026, 2, 9)
    # Estorno of the first payment: 47.00 of principal owed again, the 1.00 of juros owed again.
    estornar(p, _guardada(a1), date(2026, 2, 9))
    assert p.status is StatusParcela.PARCIAL and p.paga_em is None
    assert p.saldo == Decimal("47.00") and p.juros_pendentes == Decimal("1.00") and p.pago_multa == 0


def test_multa_only_on_what_was_unpaid_at_the_due_date() -> None:
    """CDC art. 52 §1: R$ 60.00 paid on the due date, the rest 30 days late carries a multa on R$ 40.00."""
    p = _parcela(1)
    (a1,) = alocar(Decimal("60.00"), [estado(p)], INICIO, Decimal("2"), Decimal("1")).alocacoes
    aplicar(p, a1, INICIO)
    assert p.pago_ate_vencimento == Decimal("60.00")
    # On 09/02, 30 days late: multa 2 % x (100 - 60) = 0.80; juros 1 % x 40 x 30/30 = 0.40.
    enc = p.encargos(date(2026, 2, 9), Decimal("2"), Decimal("1"))
    assert (enc.multa, enc.juros) == (Decimal("0.80"), Decimal("0.40"))
    # A late partial payment of 20.00 pays 0.80 + 0.40 + 18.80 of principal; the base stays 40.00.
    (a2,) = alocar(Decimal("20.00"), [estado(p)], date(2026, 2, 9), Decimal("2"), Decimal("1")).alocacoes
    aplicar(p, a2, date(2026, 2, 9))
    assert (a2.multa, a2.juros, a2.principal) == (Decimal("0.80"), Decimal("0.40"), Decimal("18.80"))
    assert p.pago_ate_vencimento == Decimal("60.00")  # late money is not "in time"
    # 30 more days: no new multa (2 % x 40 = 0.80 already paid), juros 1 % x 21.20 = 0.21 (0.212).
    enc = p.encargos(date(2026, 3, 11), Decimal("2"), Decimal("1"))
    assert (enc.multa, enc.juros) == (Decimal("0.00"), Decimal("0.21"))
    # Reversing the on-time payment puts its 60.00 back into the multa's base: 2 % x 100 - 0.80 = 1.20.
    estornar(p, _guardada(a1), INICIO)
    assert p.pago_ate_vencimento == Decimal("0.00")
    assert p.encargos(date(2026, 3, 11), Decimal("2"), Decimal("1")).multa == Decimal("1.20")


def test_a_lance_reducing_the_term_leaves_the_parcelas_it_paid_off_paid() -> None:
    """Issue 12 item 10: parcelas 5 and 6 reported quitadas are paga; their taxa and reserva move to 1-4."""
    parcelas = [_parcela(n) for n in range(1, 7)]
    dia = INICIO - timedelta(days=1)  # all six not yet due
    estados = [estado(p) for p in parcelas]
    # R$ 188.00 of fundo comum: parcelas 6 and 5 whole (2 x 88 = 176), 12.00 over 1-4 (3.00 each).
    alocacoes = alocar_lance(Decimal("188.00"), estados, dia, 2, AmortizacaoLance.REDUZIR_PRAZO)
    assert {a.numero: a.componentes["fundo_comum"] for a in alocacoes} == {
        1: Decimal("3.00"),
        2: Decimal("3.00"),
        3: Decimal("3.00"),
        4: Decimal("3.00"),
        5: Decimal("88.00"),
        6: Decimal("88.00"),
    }
    for a in alocacoes:
        aplicar(parcelas[a.numero - 1], a, dia)
    assert parcelas[5].status is StatusParcela.PARCIAL  # taxa 10 + reserva 2 still due: the bug
    reprogramacoes = reprogramar_quitadas(estados, alocacoes, dia, 2, AmortizacaoLance.REDUZIR_PRAZO)
    # Taxa 2 x 10 = 20 -> 5.00 more on each of 1-4; reserva 2 x 2 = 4 -> 1.00 more each; no seguro.
    assert [(r.numero, r.variacao) for r in reprogramacoes] == [
        *(
            (
                n,
                {
                    "fundo_reserva": Decimal("1.00"),
                    "taxa_administracao": Decimal("5.00"),
                    "seguro": Decimal("0"),
                },
            )
            for n in range(1, 5)
        ),
        *(
            (
                n,
                {
                    "fundo_reserva": Decimal("-2.00"),
                    "taxa_administracao": Decimal("-10.00"),
                    "seguro": Decimal("-0.00"),
                },
            )
            for n in (5, 6)
        ),
    ]
    for r in reprogramacoes:
        reprogramar(parcelas[r.numero - 1], r.variacao, dia)
    assert [p.status for p in parcelas] == [StatusParcela.PARCIAL] * 4 + [StatusParcela.PAGA] * 2
    assert parcelas[5].paga_em == dia and parcelas[5].valor_total == Decimal("88.00")
    # Each remaining parcela: 100 + 5 + 1 = 106.00 due, 3.00 paid -> 103.00 owed; the contract's total
    # (6 x 100 = 600) is unchanged: 4 x 106 + 2 x 88.
    assert [p.valor_total for p in parcelas[:4]] == [Decimal("106.00")] * 4
    assert sum((p.valor_total for p in parcelas), Decimal(0)) == Decimal("600.00")
    assert sum((p.saldo for p in parcelas), Decimal(0)) == Decimal("600.00") - Decimal("188.00")
    # A remaining parcela cannot be due less than was paid of it: undoing would fail after it was paid.
    with pytest.raises(ValueError):
        reprogramar(parcelas[0], {"taxa_administracao": Decimal("-16.00")}, None)


def test_never_beyond_what_is_owed() -> None:
    p = _parcela(1)
    (a,) = alocar(Decimal("100.00"), [estado(p)], INICIO, Decimal("2"), Decimal("1")).alocacoes
    aplicar(p, a, INICIO)
    with pytest.raises(ValueError):
        aplicar(p, a, INICIO)
    assert p.pago_ate_vencimento == Decimal("100.00")  # paid on its due date
    estornar(p, _guardada(a), INICIO)
    assert p.pago_ate_vencimento == Decimal("0.00")
    with pytest.raises(ValueError):
        estornar(p, _guardada(a), INICIO)


@given(
    pagamentos=st.lists(
        st.tuples(st.integers(min_value=1, max_value=30_000), st.integers(min_value=0, max_value=200)),
        min_size=1,
        max_size=6,
    ),
    lance=st.integers(min_value=0, max_value=20_000),
    ordem=st.randoms(use_true_random=False),
)
@settings(max_examples=150, deadline=None)
def test_estornos_in_any_order_restore_every_parcela_exactly(
    pagamentos: list[tuple[int, int]], lance: int, ordem: object
) -> None:
    """Payments (and a lance) applied one after the other, then all reversed in any order: nothing left."""
    parcelas = {p.id: p for p in (_parcela(n) for n in range(1, 7))}
    inicial = {i: _foto(p) for i, p in parcelas.items()}
    feitos: list[tuple[date, list[Alocacao], list[Reprogramacao]]] = []
    dia = INICIO
    for centavos, dias in pagamentos:
        dia = dia + timedelta(days=dias)
        em_aberto = [estado(p) for p in parcelas.values() if p.status is not StatusParcela.PAGA]
        if not em_aberto:
            break
        r = alocar(Decimal(centavos).scaleb(-2), em_aberto, dia, Decimal("2"), Decimal("1"))
        for a in r.alocacoes:
            aplicar(parcelas[a.parcela_id], a, dia)
        feitos.append((dia, r.alocacoes, []))
    if lance:
        futuras = [estado(p) for p in parcelas.values() if p.vencimento > dia]
        fc = sum((e.devido["fundo_comum"] for e in futuras), Decimal(0))
        valor = min(Decimal(lance).scaleb(-2), fc)
        if valor > 0:
            alocacoes = alocar_lance(valor, futuras, dia, 1, AmortizacaoLance.REDUZIR_PRAZO)
            for a in alocacoes:
                aplicar(parcelas[a.parcela_id], a, dia)
            reprogramacoes = reprogramar_quitadas(futuras, alocacoes, dia, 1, AmortizacaoLance.REDUZIR_PRAZO)
            for rp in reprogramacoes:
                reprogramar(parcelas[rp.parcela_id], rp.variacao, dia)
            feitos.append((dia, alocacoes, reprogramacoes))
    for p in parcelas.values():
        assert p.status is status_de(p)
        assert (p.paga_em is not None) == (p.status is StatusParcela.PAGA)
    ordem.shuffle(feitos)  # type: ignore[attr-defined]
    for dia_pagamento, alocacoes, reprogramacoes in feitos:
        for rp in reprogramacoes:
            reprogramar(parcelas[rp.parcela_id], {c: -v for c, v in rp.variacao.items()}, None)
        for a in alocacoes:
            estornar(parcelas[a.parcela_id], _guardada(a), dia_pagamento)
    for i, p in parcelas.items():
        foto = dict(zip(CAMPOS, _foto(p), strict=True))
        antes = dict(zip(CAMPOS, inicial[i], strict=True))
        # Interest computed up to a payment date stays computed; what was settled is owed again.
        assert {k: v for k, v in foto.items() if k not in ("juros_pendentes", "juros_calculados_ate")} == {
            k: v for k, v in antes.items() if k not in ("juros_pendentes", "juros_calculados_ate")
        }
        assert p.status is StatusParcela.ABERTA and p.saldo == p.valor_total
