"""The annual IR statement: figures per cota, CSV for a pt-BR spreadsheet, the PDF read back."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from tenant_app.credito.informe import csv_do_informe, linhas_do_informe, pdf_do_informe

pytestmark = pytest.mark.unit
D = Decimal


def test_linhas_e_csv() -> None:
    # Cota 7 paid 4,680.00 before the year and 28,080.00 in it; cota 2 (contemplated) 2,340.00 in it.
    linhas = linhas_do_informe(
        [("G1", 7, False, D("4680.00"), D("28080.00")), ("G1", 2, True, D("0"), D("2340.00"))]
    )
    assert [(x.cota, x.saldo_em_31_12) for x in linhas] == [(2, D("2340.00")), (7, D("32760.00"))]
    texto = csv_do_informe("Ana; Souza", "52998224725", 2026, linhas)
    assert texto.startswith("\ufeffconsorciado;documento;ano;")
    assert (
        texto.split("\r\n")[2]
        == "Ana  Souza;52998224725;2026;G1;7;nao contemplada;28.080,00;4.680,00;32.760,00"
    )


def test_pdf_tem_os_mesmos_valores() -> None:
    linhas = linhas_do_informe([("G1", 7, False, D("4680.00"), D("28080.00"))])
    pdf = pdf_do_informe("ACME Consórcios", "Ana Souza", "52998224725", 2026, linhas)
    texto = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    for trecho in ("ano-calendário 2026", "Ana Souza", "52998224725", "28.080,00", "32.760,00", "4.680,00"):
        assert trecho in texto
