"""The lance winner's payment deadline: business days after the apuração day (pure)."""

from __future__ import annotations

from datetime import date, timedelta

from tenant_app.parcelas.business_days import is_business_day

#: The contract default: three business days, so a weekend or a national holiday
#: right after the assembleia never eats the winner's time to transfer the money.
PRAZO_PADRAO_DIAS_UTEIS = 3


def prazo_pagamento_lance(apurada_no_dia: date, dias_uteis: int) -> date:
    """The last day to pay: the ``dias_uteis``-th business day after ``apurada_no_dia`` (inclusive)."""
    if dias_uteis < 1:
        raise ValueError("dias_uteis must be at least 1")
    dia = apurada_no_dia
    contados = 0
    while contados < dias_uteis:
        dia += timedelta(days=1)
        if is_business_day(dia):
            contados += 1
    return dia


def vencido(prazo: date, hoje: date) -> bool:
    """The deadline passed: the whole last day is still in time."""
    return hoje > prazo
