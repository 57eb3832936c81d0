"""Brazilian formatting of what the screens show (pure functions, Jinja filters).

Money and numbers through Babel's pt_BR locale data (``R$ 1.234,56``), dates
``dd/mm/aaaa`` and times in the tenant's time zone, CPF ``000.000.000-00`` and
CNPJ ``00.000.000/0000-00`` (the alphanumeric CNPJ of 2026 keeps the mask). The
API sends money as strings with two decimals; they are read as ``Decimal``,
never float. A value that cannot be read is shown as it came, never hidden.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

import segno
from babel.numbers import format_currency, format_decimal

from tenant_app.ui.rotulos import rotulo

LOCALE = "pt_BR"
FUSO_PADRAO = ZoneInfo("America/Sao_Paulo")


def _decimal(valor: object) -> Decimal | None:
    if valor is None or valor == "":
        return None
    try:
        return Decimal(str(valor))
    except InvalidOperation:
        return None


def dinheiro(valor: object) -> str:
    """``R$ 1.234,56`` (a normal space after R$, so screen readers and copies behave)."""
    numero = _decimal(valor)
    if numero is None:
        return "—" if valor in (None, "") else str(valor)
    return format_currency(numero, "BRL", locale=LOCALE).replace("\xa0", " ")


def numero(valor: object, casas: int = 0) -> str:
    """``12.345`` or ``12.345,67``."""
    n = _decimal(valor)
    if n is None:
        return "—" if valor in (None, "") else str(valor)
    formato = "#,##0" + ("." + "0" * casas if casas else "")
    return format_decimal(n, format=formato, locale=LOCALE)


def percentual(valor: object, casas: int = 2) -> str:
    """``12,34 %`` from ``12.34`` (the API's percentages are already ×100)."""
    n = _decimal(valor)
    if n is None:
        return "—" if valor in (None, "") else str(valor)
    return numero(n, casas) + " %"


def _como_data(valor: object) -> date | datetime | None:
    if isinstance(valor, datetime | date):
        return valor
    if isinstance(valor, str) and valor:
        try:
            return datetime.fromisoformat(valor) if "T" in valor else date.fromisoformat(valor)
        except ValueError:
            return None
    return None


def data(valor: object) -> str:
    """``31/12/2026``."""
    d = _como_data(valor)
    if d is None:
        return "—" if valor in (None, "") else str(valor)
    if isinstance(d, datetime):
        d = d.astimezone(FUSO_PADRAO) if d.tzinfo else d
    return d.strftime("%d/%m/%Y")


def data_hora(valor: object, fuso: ZoneInfo = FUSO_PADRAO) -> str:
    """``31/12/2026 18:05`` in the tenant's time zone."""
    d = _como_data(valor)
    if d is None:
        return "—" if valor in (None, "") else str(valor)
    if not isinstance(d, datetime):
        return data(d)
    if d.tzinfo:
        d = d.astimezone(fuso)
    return d.strftime("%d/%m/%Y %H:%M")


_NAO_ALFANUMERICO = re.compile(r"[^0-9A-Za-z]")


def documento(valor: object) -> str:
    """CPF (11 digits) or CNPJ (14 characters) with its mask; anything else unchanged."""
    if not isinstance(valor, str):
        return "—" if valor is None else str(valor)
    limpo = _NAO_ALFANUMERICO.sub("", valor).upper()
    if len(limpo) == 11 and limpo.isdigit():
        return f"{limpo[:3]}.{limpo[3:6]}.{limpo[6:9]}-{limpo[9:]}"
    if len(limpo) == 14:
        return f"{limpo[:2]}.{limpo[2:5]}.{limpo[5:8]}/{limpo[8:12]}-{limpo[12:]}"
    return valor


def reais_do_formulario(texto: str) -> str:
    """What a person types (``1.234,56``, ``1234,56``, ``R$ 80``, ``1234.56``) as the API's ``1234.56``.

    Unreadable text is passed on unchanged so the API's error names the field.
    """
    limpo = texto.strip().replace("R$", "").replace(" ", "").replace("\xa0", "")
    if "," in limpo:
        limpo = limpo.replace(".", "").replace(",", ".")
    try:
        return str(Decimal(limpo).quantize(Decimal("0.01")))
    except InvalidOperation:
        return texto.strip()


def percentual_do_formulario(texto: str) -> str:
    """``12,5`` or ``12.5`` (percent) as the API's ``12.5``; unreadable text unchanged."""
    limpo = texto.strip().replace("%", "").replace(" ", "").replace(",", ".")
    try:
        return str(Decimal(limpo))
    except InvalidOperation:
        return texto.strip()


def apenas_documento(texto: str) -> str:
    """CPF/CNPJ as typed (``123.456.789-09``) without the mask, as the API stores it."""
    return _NAO_ALFANUMERICO.sub("", texto).upper()


def qr_do_pix(brcode: str, escala: int = 3) -> str:
    """The BR Code (PIX copia e cola) as an inline SVG QR code (error correction M, black on white)."""
    return str(segno.make(brcode, error="m").svg_inline(scale=escala, dark="#000", light="#fff"))


FILTROS = {
    "dinheiro": dinheiro,
    "numero": numero,
    "percentual": percentual,
    "data": data,
    "data_hora": data_hora,
    "documento": documento,
    "rotulo": rotulo,
}
