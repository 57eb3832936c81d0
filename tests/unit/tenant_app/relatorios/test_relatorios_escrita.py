"""Report writers and the Doc 2080's dates, without services: what a spreadsheet or the BCB gets."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from tenant_app.documentos.arquivos import detectar_tipo
from tenant_app.relatorios import doc2080
from tenant_app.relatorios.definicoes import Coluna, TipoColuna
from tenant_app.relatorios.escritores import escritor
from tenant_app.relatorios.xlsx import _letra

pytestmark = pytest.mark.unit

COLUNAS = [
    Coluna("Grupo"),
    Coluna("Cota", TipoColuna.INTEIRO),
    Coluna("Data", TipoColuna.DATA),
    Coluna("Valor", TipoColuna.DINHEIRO, True),
    Coluna("Lance", TipoColuna.PERCENTUAL),
]
LINHAS = [
    ("G-1 & <A>", 7, date(2025, 2, 10), Decimal("1175.50"), Decimal("2.5")),
    ('=HYPERLINK("x")', 8, date(2025, 3, 10), Decimal("-3.00"), None),
    ("Total", None, None, Decimal("1172.50"), None),
]


def _escrever(formato: str) -> bytes:
    out = io.BytesIO()
    w = escritor(formato, out, "Extrato da cota", COLUNAS)
    for linha in LINHAS[:-1]:
        w.linha(linha)
    w.fechar(LINHAS[-1])
    return out.getvalue()


def test_csv_is_for_a_pt_br_spreadsheet_and_formula_safe() -> None:
    dados = _escrever("csv")
    assert dados.startswith(b"\xef\xbb\xbf")
    linhas = list(csv.reader(io.StringIO(dados.decode("utf-8-sig")), delimiter=";"))
    assert linhas[0] == ["Grupo", "Cota", "Data", "Valor", "Lance"]
    assert linhas[1] == ["G-1 & <A>", "7", "10/02/2025", "1175,50", "2,5000"]
    assert linhas[2][0] == '\'=HYPERLINK("x")'  # a spreadsheet shows it, never runs it
    assert linhas[3] == ["Total", "", "", "1172,50", ""]


def test_xlsx_streamed_reads_back_with_types_and_formats() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(_escrever("xlsx")))
    ws = wb.active
    assert ws.title == "Extrato da cota" and ws.freeze_panes == "A2"
    valores = [[c.value for c in r] for r in ws.iter_rows()]
    assert valores[1] == ["G-1 & <A>", 7, datetime(2025, 2, 10), 1175.5, 2.5]
    assert valores[2][0] == '=HYPERLINK("x")' and ws["A3"].data_type == "s"  # text, not a formula
    assert valores[3] == ["Total", None, None, 1172.5, None]
    assert ws["D2"].number_format == '"R$"\\ #,##0.00' and ws["C2"].number_format == "dd/mm/yyyy"
    assert ws["A1"].font.b
    assert [_letra(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]


def test_pdf_report_is_a_pdf_with_the_rows() -> None:
    assert _escrever("pdf").startswith(b"%PDF-")


def test_doc_2080_dates() -> None:
    assert doc2080.data_base("2026-02") == date(2026, 2, 28)
    assert doc2080.data_base("2024-02") == date(2024, 2, 29)
    # Due by day 30 of the following month (28/29 in February).
    assert doc2080._prazo(date(2026, 1, 31)) == date(2026, 2, 28)
    assert doc2080._prazo(date(2026, 11, 30)) == date(2026, 12, 30)
    assert doc2080._prazo(date(2026, 12, 31)) == date(2027, 1, 30)
    assert [s[0] for s in doc2080.SEGMENTOS] == ["I", "II", "III", "IV", "V", "VI"]


def test_upload_type_is_read_from_the_content() -> None:
    assert detectar_tipo(b"%PDF-1.7\n...") == ("application/pdf", "pdf")
    assert detectar_tipo(b"\x89PNG\r\n\x1a\n....") == ("image/png", "png")
    assert detectar_tipo(b"\xff\xd8\xff\xe1....") == ("image/jpeg", "jpg")
    for outro in (b"GIF89a", b"PK\x03\x04", b"<svg", b"%PD", b""):
        assert detectar_tipo(outro) is None
