"""After a lance, a seguro on the saldo devedor follows the new saldo (issue 12, items 10-11).

Res. CNSP 439/2022: the seguro prestamista insures the saldo devedor; with the contract's
``mensal_saldo_devedor`` clause each parcela's seguro is ``seguro_pct`` % of what the cota still
owes from that parcela on. A lance lowers that saldo, so the seguro of the parcelas left is
recomputed and the parcelas paid off owe none (the fixed clause moves it as before).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest

from tenant_app.dinheiro.alocacao import EstadoParcela
from tenant_app.dinheiro.amortizacao import AmortizacaoLance, alocar_lance, reprogramar_quitadas

pytestmark = pytest.mark.unit

D = Decimal
HOJE = date(2026, 12, 6)
PCT = D("0.1")  # % a month of the saldo devedor


def _futuras() -> list[EstadoParcela]:
    """4 parcelas not yet due: 1 000 fc + 100 taxa + 50 fr = 1 150, seguro 0.1 % of the saldo.

    Saldos before each: 4 600, 3 450, 2 300, 1 150 -> seguro 4.60, 3.45, 2.30, 1.15.
    """
    seguros = [D("4.60"), D("3.45"), D("2.30"), D("1.15")]
    return [
        EstadoParcela(
            id=uuid.uuid4(),
            numero=i,
            vencimento=HOJE + timedelta(days=30 * i),
            valor_total=D("1150.00") + seguros[i - 1],
            devido={
                "fundo_comum": D("1000.00"),
                "taxa_administracao": D("100.00"),
                "fundo_reserva": D("50.00"),
                "seguro": seguros[i - 1],
            },
        )
        for i in range(1, 5)
    ]


def _variacoes(valor: str, quitadas: int, modo: AmortizacaoLance, pct: Decimal | None) -> dict[int, dict]:  # type: ignore[type-arg]
    parcelas = _futuras()
    alocacoes = alocar_lance(D(valor), parcelas, HOJE, quitadas, modo)
    return {
        r.numero: r.variacao
        for r in reprogramar_quitadas(parcelas, alocacoes, HOJE, quitadas, modo, seguro_mensal_pct=pct)
    }


def test_reducing_the_term_the_seguro_is_recomputed_on_the_lower_saldo() -> None:
    v = _variacoes("1000.00", 1, AmortizacaoLance.REDUZIR_PRAZO, PCT)
    # Parcela 4 paid off: it owes no taxa, reserva or seguro any more.
    assert v[4] == {"fundo_reserva": D("-50.00"), "taxa_administracao": D("-100.00"), "seguro": D("-1.15")}
    # Its taxa 100 and reserva 50 move onto 1..3: 33.34 / 33.33 / 33.33 and 16.67 / 16.67 / 16.66.
    # What each then owes without seguro: 1 200.01, 1 200.00, 1 199.99. Saldos: 3 600.00, 2 399.99,
    # 1 199.99 -> seguro 3.60, 2.40 (2.39999), 1.20 (1.19999): changes -1.00, -1.05, -1.10.
    assert [v[n]["seguro"] for n in (1, 2, 3)] == [D("-1.00"), D("-1.05"), D("-1.10")]
    assert (v[1]["taxa_administracao"], v[1]["fundo_reserva"]) == (D("33.34"), D("16.67"))


def test_reducing_the_parcela_the_seguro_falls_with_each_parcela() -> None:
    v = _variacoes("400.00", 0, AmortizacaoLance.REDUZIR_PARCELA, PCT)
    # 400 spread: 100 less fundo comum in each, 1 050 owed each: saldos 4 200, 3 150, 2 100, 1 050
    # -> 4.20, 3.15, 2.10, 1.05: changes -0.40, -0.30, -0.20, -0.10; nothing else moves.
    assert v == {
        1: {"seguro": D("-0.40")},
        2: {"seguro": D("-0.30")},
        3: {"seguro": D("-0.20")},
        4: {"seguro": D("-0.10")},
    }


def test_the_fixed_clause_moves_the_seguro_as_before() -> None:
    v = _variacoes("1000.00", 1, AmortizacaoLance.REDUZIR_PRAZO, None)
    # percentual_credito: parcela 4's 1.15 moves onto 1..3 as 0.39 / 0.38 / 0.38.
    assert [v[n]["seguro"] for n in (1, 2, 3, 4)] == [D("0.39"), D("0.38"), D("0.38"), D("-1.15")]
    assert _variacoes("400.00", 0, AmortizacaoLance.REDUZIR_PARCELA, None) == {}
