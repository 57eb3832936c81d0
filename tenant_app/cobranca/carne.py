"""The carnê PDF: one A4 page per título — the boleto's fields, the linha digitável, the ITF-25 barcode
(FEBRABAN: 44 digits, interleaved 2 of 5, narrow bar ≥ 0.25 mm, wide = 3 × narrow, 13 mm high) and the
PIX QR code (BR Code) when the título has one. Pure: data in, bytes out (reportlab; QR matrix: segno)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import segno
from reportlab.graphics.barcode.common import I2of5
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from tenant_app.cobranca.boleto import formatar_linha

MARGEM = 15 * mm
BARRA_FINA = 0.33 * mm
ALTURA_BARRAS = 13 * mm
QR_LADO = 45 * mm


@dataclass(frozen=True)
class FolhaCarne:
    """What one page prints."""

    banco: str
    beneficiario: str
    beneficiario_documento: str
    agencia_conta: str
    pagador: str
    pagador_documento: str
    grupo: str
    cota: int
    parcela: int
    nosso_numero: str
    vencimento: date
    valor: Decimal
    linha_digitavel: str
    codigo_barras: str
    brcode: str | None


def _reais(valor: Decimal) -> str:
    inteiro, _, centavos = f"{valor:.2f}".partition(".")
    grupos: list[str] = []
    while inteiro:
        grupos.insert(0, inteiro[-3:])
        inteiro = inteiro[:-3]
    return f"R$ {'.'.join(grupos)},{centavos}"


def _campo(c: Canvas, x: float, y: float, rotulo: str, valor: str, largura: float) -> None:
    c.setLineWidth(0.5)
    c.rect(x, y, largura, 11 * mm)
    c.setFont("Helvetica", 6.5)
    c.drawString(x + 1.5 * mm, y + 8 * mm, rotulo)
    c.setFont("Helvetica-Bold", 9.5)
    c.drawString(x + 1.5 * mm, y + 2.5 * mm, valor)


def _pagina(c: Canvas, f: FolhaCarne) -> None:
    largura, altura = A4
    util = largura - 2 * MARGEM
    topo = altura - MARGEM
    c.setFont("Helvetica-Bold", 13)
    c.drawString(MARGEM, topo - 6 * mm, f"Carnê — grupo {f.grupo}, cota {f.cota}, parcela {f.parcela}")
    c.setFont("Helvetica", 9)
    c.drawString(
        MARGEM, topo - 12 * mm, f"Beneficiário: {f.beneficiario} — CPF/CNPJ {f.beneficiario_documento}"
    )
    c.drawString(MARGEM, topo - 17 * mm, f"Pagador: {f.pagador} — CPF/CNPJ {f.pagador_documento}")
    # Ficha de compensação: bank code, linha digitável, the fields, then the barcode.
    y = topo - 35 * mm
    c.setLineWidth(1.2)
    c.line(MARGEM, y, largura - MARGEM, y)
    c.setFont("Helvetica-Bold", 14)
    c.drawString(MARGEM, y + 2 * mm, f"{f.banco}-{_dv_banco(f.banco)}")
    c.setFont("Courier-Bold", 11.5)
    c.drawRightString(largura - MARGEM, y + 2 * mm, formatar_linha(f.linha_digitavel))
    linhas = (
        (
            ("Vencimento", f.vencimento.strftime("%d/%m/%Y"), 0.35),
            ("Valor do documento", _reais(f.valor), 0.65),
        ),
        (("Nosso número", f.nosso_numero, 0.5), ("Agência / código do beneficiário", f.agencia_conta, 0.5)),
        (("Beneficiário", f.beneficiario[:60], 1.0),),
        (("Pagador", f"{f.pagador[:50]} — {f.pagador_documento}", 1.0),),
    )
    for linha in linhas:
        y -= 11 * mm
        x = MARGEM
        for rotulo, valor, fracao in linha:
            _campo(c, x, y, rotulo, valor, util * fracao)
            x += util * fracao
    y -= ALTURA_BARRAS + 6 * mm
    barras = I2of5(
        f.codigo_barras,
        barWidth=BARRA_FINA,
        ratio=3.0,
        barHeight=ALTURA_BARRAS,
        checksum=0,
        bearers=0,
        quiet=1,
        lquiet=6 * BARRA_FINA,
        rquiet=6 * BARRA_FINA,
        humanReadable=0,
    )
    barras.drawOn(c, MARGEM, y)
    if f.brcode:
        y -= QR_LADO + 15 * mm
        c.setFont("Helvetica-Bold", 10)
        c.drawString(MARGEM, y + QR_LADO + 4 * mm, "Pague com PIX: leia o QR Code no app do seu banco")
        _qr(c, f.brcode, MARGEM, y, QR_LADO)
        c.setFont("Courier", 6)
        texto = f.brcode
        for i, inicio in enumerate(range(0, len(texto), 80)):
            c.drawString(
                MARGEM + QR_LADO + 5 * mm, y + QR_LADO - 4 * mm - i * 3 * mm, texto[inicio : inicio + 80]
            )


def _qr(c: Canvas, texto: str, x: float, y: float, lado: float) -> None:
    """The QR code (error correction M, 4-module quiet zone) as filled rectangles, one per run of dark
    modules in a row: segno encodes it (reportlab's own widget took ~90 % of a page's time)."""
    matriz = segno.make(texto, error="m", micro=False, boost_error=False).matrix
    borda = 4
    modulo = lado / (len(matriz) + 2 * borda)
    caminho = c.beginPath()
    for i, linha in enumerate(matriz):
        topo = y + lado - (borda + i + 1) * modulo
        j = 0
        while j < len(linha):
            if linha[j]:
                inicio = j
                while j < len(linha) and linha[j]:
                    j += 1
                caminho.rect(x + (borda + inicio) * modulo, topo, (j - inicio) * modulo, modulo)
            else:
                j += 1
    c.drawPath(caminho, stroke=0, fill=1)


def _dv_banco(banco: str) -> str:
    """The bank code's check digit printed next to it (módulo 11, as on every ficha de compensação)."""
    soma = sum(int(d) * p for d, p in zip(reversed(banco), (2, 3, 4), strict=True))
    resto = 11 - soma % 11
    return "X" if resto == 10 else "0" if resto == 11 else str(resto)


def gerar_pdf(folhas: Sequence[FolhaCarne], titulo: str = "Carnê") -> bytes:
    """The carnê, one A4 page per título in the given order."""
    saida = io.BytesIO()
    c = Canvas(saida, pagesize=A4, pageCompression=1)
    c.setTitle(titulo)
    c.setAuthor("consórcio")
    for folha in folhas:
        _pagina(c, folha)
        c.showPage()
    c.save()
    return saida.getvalue()
