"""pt-BR formatting for documents (babel): money, percentages, dates, CPF/CNPJ. Pure functions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

LOCALE = "pt_BR"


def dinheiro(valor: Decimal) -> str:
    """``R$ 60.000,00`` (babel puts a no-break space after the symbol; a plain one reads the same in PDFs)."""
    return format_currency(valor, "BRL", locale=LOCALE).replace("\xa0", " ")


def percentual(valor: Decimal, casas_min: int = 2) -> str:
    """``15,00 %``, ``0,1250 %``: at least two decimals, up to four when the value has them."""
    padrao = "#,##0." + "0" * casas_min + "#" * max(0, 4 - casas_min)
    return f"{format_decimal(valor, format=padrao, locale=LOCALE)} %"


def data_longa(d: date) -> str:
    """``15 de janeiro de 2025``."""
    return format_date(d, format="long", locale=LOCALE)


def data_curta(d: date) -> str:
    """``15/01/2025``."""
    return format_date(d, format="dd/MM/yyyy", locale=LOCALE)


def inteiro(n: int) -> str:
    """``10.000``."""
    return format_decimal(n, format="#,##0", locale=LOCALE)


def documento(doc: str | None) -> str:
    """CPF ``529.982.247-25`` or CNPJ ``11.222.333/0001-81`` (alphanumeric CNPJs too); other text as is."""
    if not doc:
        return "—"
    d = doc.strip().upper()
    if len(d) == 11 and d.isdigit():
        return f"{d[:3]}.{d[3:6]}.{d[6:9]}-{d[9:]}"
    if len(d) == 14 and d.isalnum():
        return f"{d[:2]}.{d[2:5]}.{d[5:8]}/{d[8:12]}-{d[12:]}"
    return doc
