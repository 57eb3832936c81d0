"""Report writers: CSV, XLSX and PDF, row by row into a file object (nothing held whole in memory
but the PDF, which is capped).

CSV follows the app's other export (``/api/pagamentos/exportacao``) for a pt-BR spreadsheet: ``;``,
decimal comma, UTF-8 BOM, cells that a spreadsheet would run as formulas prefixed with ``'``.
XLSX is streamed into the zip row by row (``xlsx.py``; why not xlsxwriter is said there), with
money as numbers in a ``R$ #.##0,00`` format. PDF is for reading, so it is capped at
``PDF_MAX_LINHAS`` rows: bigger reports are asked for as CSV or XLSX.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any, Protocol

from tenant_app.erros import RegraVioladaError
from tenant_app.relatorios.definicoes import Coluna, TipoColuna
from tenant_app.relatorios.xlsx import EscritorXlsxStream

PDF_MAX_LINHAS = 20_000
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


class Escritor(Protocol):
    def linha(self, valores: Sequence[Any]) -> None: ...

    def fechar(self, totais: Sequence[Any] | None) -> None: ...


def _decimal_br(v: Decimal, casas: int) -> str:
    return f"{v:.{casas}f}".replace(".", ",")


def _texto(v: Any, tipo: TipoColuna) -> str:
    if v is None:
        return ""
    if tipo is TipoColuna.DINHEIRO and isinstance(v, str):
        return v.replace(".", ",")  # already "1234.56" from the database (NUMERIC(14,2) as text)
    if isinstance(v, Decimal) or tipo in (TipoColuna.DINHEIRO, TipoColuna.PERCENTUAL):
        return _decimal_br(Decimal(v), 4 if tipo is TipoColuna.PERCENTUAL else 2)
    if isinstance(v, (date, datetime)):
        return v.strftime("%d/%m/%Y")
    texto = str(v)
    return "'" + texto if texto.startswith(_FORMULA) else texto


class EscritorCsv:
    def __init__(self, destino: IO[bytes], titulo: str, colunas: Sequence[Coluna]) -> None:
        self._bin = destino
        self._txt = io.TextIOWrapper(destino, encoding="utf-8-sig", newline="", write_through=False)
        self._csv = csv.writer(self._txt, delimiter=";", lineterminator="\r\n")
        self._tipos = [c.tipo for c in colunas]
        self._csv.writerow([c.titulo for c in colunas])

    def linha(self, valores: Sequence[Any]) -> None:
        self._csv.writerow([_texto(v, t) for v, t in zip(valores, self._tipos, strict=True)])

    def fechar(self, totais: Sequence[Any] | None) -> None:
        if totais is not None:
            self.linha(totais)
        self._txt.flush()
        self._txt.detach()  # leave the binary file open for the upload


class EscritorPdf:
    def __init__(self, destino: IO[bytes], titulo: str, colunas: Sequence[Coluna]) -> None:
        self._destino, self._titulo, self._colunas = destino, titulo, list(colunas)
        self._linhas: list[list[str]] = [[c.titulo for c in colunas]]

    def linha(self, valores: Sequence[Any]) -> None:
        if len(self._linhas) > PDF_MAX_LINHAS:
            raise RegraVioladaError(
                f"O relatório passa de {PDF_MAX_LINHAS} linhas: peça-o em CSV ou XLSX.",
                campo="formato",
                code="relatorio_grande_demais",
            )
        self._linhas.append([_pdf(v, c.tipo) for v, c in zip(valores, self._colunas, strict=True)])

    def fechar(self, totais: Sequence[Any] | None) -> None:
        from reportlab.lib import colors
        from reportlab.lib.pagesizes import A4, landscape
        from reportlab.lib.styles import getSampleStyleSheet
        from reportlab.lib.units import mm
        from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, TableStyle

        if totais is not None:
            self._linhas.append([_pdf(v, c.tipo) for v, c in zip(totais, self._colunas, strict=True)])
        doc = SimpleDocTemplate(
            self._destino,
            pagesize=landscape(A4),
            leftMargin=8 * mm,
            rightMargin=8 * mm,
            topMargin=10 * mm,
            bottomMargin=10 * mm,
            title=self._titulo,
            invariant=1,
        )
        tabela = LongTable(self._linhas, repeatRows=1)
        estilo = [
            ("FONT", (0, 0), (-1, -1), "Helvetica", 6.5),
            ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 6.5),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
        ]
        for i, c in enumerate(self._colunas):
            if c.tipo in (TipoColuna.DINHEIRO, TipoColuna.PERCENTUAL, TipoColuna.INTEIRO):
                estilo.append(("ALIGN", (i, 1), (i, -1), "RIGHT"))
        if totais is not None:
            estilo.append(("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 6.5))
        tabela.setStyle(TableStyle(estilo))
        doc.build([Paragraph(self._titulo, getSampleStyleSheet()["Heading2"]), tabela])


def _pdf(v: Any, tipo: TipoColuna) -> str:
    if v is None:
        return ""
    if tipo is TipoColuna.DINHEIRO:
        from tenant_app.documentos.contrato.formatacao import dinheiro

        return dinheiro(Decimal(v))
    return _texto(v, tipo).lstrip("'")


def escritor(formato: str, destino: IO[bytes], titulo: str, colunas: Sequence[Coluna]) -> Escritor:
    classes: dict[str, Any] = {"csv": EscritorCsv, "xlsx": EscritorXlsxStream, "pdf": EscritorPdf}
    return classes[formato](destino, titulo, colunas)  # type: ignore[no-any-return]


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "json": "application/json",
}
