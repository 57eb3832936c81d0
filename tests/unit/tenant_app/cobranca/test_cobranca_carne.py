"""The carnê PDF, read back: rendered to PNG (pdftoppm) and decoded (zbar), every page's ITF-25 barcode
gives the título's linha digitável and its QR code the BR Code."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from tenant_app.cobranca.bancos import Carteira, CarteiraBB, CarteiraBradesco, CarteiraItau
from tenant_app.cobranca.boleto import codigo_barras_para_linha, montar_boleto
from tenant_app.cobranca.carne import FolhaCarne, gerar_pdf
from tenant_app.cobranca.pix import montar_brcode, validar_brcode
from tests.support.leitor_codigos import codigos_por_pagina

pytestmark = pytest.mark.unit

CARTEIRAS: dict[str, Carteira] = {
    "001": CarteiraBB("1234567"),
    "341": CarteiraItau("0057", "12345"),
    "237": CarteiraBradesco("1234", "0012345"),
}


def _folha(banco: str, parcela: int, valor: str, pix: bool = True) -> FolhaCarne:
    vencimento = date(2027, 1, 10 + parcela)
    b = montar_boleto(
        banco, carteira=CARTEIRAS[banco], numero=1000 + parcela, vencimento=vencimento, valor=Decimal(valor)
    )
    brcode = (
        montar_brcode(
            "11222333000181",
            nome="Administradora Ação",
            cidade="São Paulo",
            valor=b.valor,
            txid=f"P{parcela}",
        )
        if pix
        else None
    )
    return FolhaCarne(
        banco=banco,
        beneficiario="Administradora Ação Ltda",
        beneficiario_documento="11222333000181",
        agencia_conta="1606-3 / 68093-X",
        pagador="José da Conceição",
        pagador_documento="52998224725",
        grupo="G-001",
        cota=17,
        parcela=parcela,
        nosso_numero=b.nosso_numero,
        vencimento=vencimento,
        valor=b.valor,
        linha_digitavel=b.linha_digitavel,
        codigo_barras=b.codigo_barras,
        brcode=brcode,
    )


def test_every_page_decodes_to_its_linha_digitavel_and_brcode() -> None:
    folhas = [
        _folha("001", 1, "5250.33"),
        _folha("341", 2, "0.01"),
        _folha("237", 3, "99999.99"),
        _folha("001", 4, "1234.56", pix=False),
    ]
    pdf = gerar_pdf(folhas)
    paginas = codigos_por_pagina(pdf)
    assert len(paginas) == len(folhas)
    for folha, lido in zip(folhas, paginas, strict=True):
        (codigo,) = lido["I25"]
        assert codigo == folha.codigo_barras
        assert codigo_barras_para_linha(codigo) == folha.linha_digitavel
        if folha.brcode:
            (qr,) = lido["QRCODE"]
            assert qr == folha.brcode and validar_brcode(qr)["valor"] == folha.valor
        else:
            assert "QRCODE" not in lido


def test_pages_are_a4() -> None:
    leitor = PdfReader(io.BytesIO(gerar_pdf([_folha("001", 1, "10.00")] * 3)))
    assert len(leitor.pages) == 3
    for pagina in leitor.pages:
        # A4 = 210 × 297 mm = 595.27 × 841.89 pt
        assert round(float(pagina.mediabox.width)) == 595 and round(float(pagina.mediabox.height)) == 842
