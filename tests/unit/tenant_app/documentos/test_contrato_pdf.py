"""The contrato de adesão PDF: rendered, rasterised (pdftoppm) and read back (pdftotext, poppler-utils)."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from tenant_app.documentos.contrato import formatacao as fmt
from tenant_app.documentos.contrato.dados import ComponentePrimeiraParcela, DadosContrato
from tenant_app.documentos.contrato.pdf import renderizar

pytestmark = pytest.mark.unit

D = Decimal


def dados(**over: object) -> DadosContrato:
    base = DadosContrato(
        modelo_versao=3,
        administradora_nome="Administradora Exemplo de Consórcios Ltda.",
        administradora_cnpj="11222333000181",
        administradora_endereco="Av. Paulista, 1000, São Paulo/SP",
        autorizacao_bcb="Ofício BCB nº 123/2020",
        foro="São Paulo/SP",
        consorciado_nome="Maria José da Conceição",
        consorciado_documento="52998224725",
        consorciado_tipo="PF",
        consorciado_endereco="Rua das Flores, 10, Centro, São Paulo/SP, CEP 01001-000",
        consorciado_email="maria@example.com",
        grupo_codigo="G-1234",
        segmento="automovel",
        valor_credito=D("87654.32"),
        prazo_meses=72,
        numero_cotas=1500,
        max_cotas_por_consorciado=150,
        cota_numero=417,
        data_adesao=date(2026, 3, 5),
        data_inicio=date(2026, 3, 15),
        dia_vencimento=10,
        dia_assembleia=15,
        taxa_administracao_pct=D("16.5"),
        taxa_antecipada_pct=D("1.25"),
        fundo_reserva_pct=D("2.5"),
        seguro_pct=D("0.0375"),
        seguro_modo="mensal_saldo_devedor",
        indice_correcao="IPCA",
        multa_pct=D("2"),
        juros_mensal_pct=D("1"),
        encargos_fundo_comum_pct=D("100"),
        parcelas_para_exclusao=3,
        clausula_penal_pct=D("10"),
        primeira_parcela=[
            ComponentePrimeiraParcela("Fundo comum", D("1217.42"), D("1.3889")),
            ComponentePrimeiraParcela("Taxa de administração", D("185.66"), D("0.2118")),
            ComponentePrimeiraParcela("Antecipação da taxa de administração", D("1095.68"), D("1.2500")),
            ComponentePrimeiraParcela("Fundo de reserva", D("30.44"), D("0.0347")),
            ComponentePrimeiraParcela("Seguro prestamista", D("32.87"), D("0.0375")),
            ComponentePrimeiraParcela("Total", D("2562.07"), D("2.9229")),
        ],
        gerado_em=date(2026, 12, 6),
        clausulas_adicionais=[{"titulo": "Assembleias virtuais", "texto": "Transmitidas pela internet."}],
    )
    return replace(base, **over)  # type: ignore[arg-type]


def test_formatting_is_pt_br() -> None:
    assert fmt.dinheiro(D("1234567.8")) == "R$ 1.234.567,80"
    assert fmt.percentual(D("16.5")) == "16,50 %"
    assert fmt.percentual(D("0.0375")) == "0,0375 %"
    assert fmt.data_longa(date(2026, 3, 5)) == "5 de março de 2026"
    assert fmt.documento("52998224725") == "529.982.247-25"
    assert fmt.documento("12ABC34501DE35") == "12.ABC.345/01DE-35"
    assert fmt.inteiro(10000) == "10.000"


def test_pdf_renders_to_png_and_its_text_holds_the_grupos_numbers(tmp_path: Path) -> None:
    pdf = renderizar(dados())
    assert pdf.startswith(b"%PDF-")
    arquivo = tmp_path / "contrato.pdf"
    arquivo.write_bytes(pdf)

    subprocess.run(["pdftoppm", "-png", "-r", "60", str(arquivo), str(tmp_path / "pagina")], check=True)
    paginas = sorted(tmp_path.glob("pagina*.png"))
    assert paginas and all(p.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") for p in paginas)
    assert paginas[0].stat().st_size > 10_000  # a page with text, not a blank one

    texto = subprocess.run(
        ["pdftotext", "-layout", str(arquivo), "-"], check=True, capture_output=True, text=True
    ).stdout
    plano = " ".join(texto.split())
    for esperado in (
        "CONTRATO DE PARTICIPAÇÃO EM GRUPO DE CONSÓRCIO, POR ADESÃO",
        "Modelo versão 3",
        "G-1234",
        "cota nº 417",
        "R$ 87.654,32",  # credit
        "72 meses",
        "1.500",  # cotas
        "16,50 %",  # taxa de administração
        "1,25 %",  # antecipação
        "2,50 %",  # fundo de reserva
        "0,0375 %",  # seguro
        "R$ 1.217,42",  # first parcela, fundo comum
        "1,3889 %",
        "R$ 1.095,68",
        "R$ 2.562,07",  # first parcela total
        "2,9229 %",
        "IPCA",
        "2,00 %",  # multa
        "1,00 % ao mês",  # juros
        "3 parcelas consecutivas",
        "10,00 %",  # cláusula penal
        "529.982.247-25",
        "11.222.333/0001-81",
        "5 de março de 2026",
        "Veículos automotores leves",
        "Assembleias virtuais",
        "São Paulo/SP",
    ):
        assert esperado in plano, esperado


def test_same_data_same_bytes_and_optional_parts_leave_no_trace() -> None:
    assert renderizar(dados()) == renderizar(dados())  # reproducible: the hash identifies the content
    simples = dados(
        taxa_antecipada_pct=D("0"), seguro_pct=D("0"), clausula_penal_pct=D("0"), data_inicio=None
    )
    texto = _texto(renderizar(simples))
    assert "Antecipação da taxa" not in texto.split("Primeira parcela")[0]
    assert "Sem seguro prestamista" in texto
    assert "cláusula penal" not in texto
    assert "a definir na assembleia de constituição" in texto


def _texto(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, check=True, capture_output=True).stdout
    return " ".join(out.decode().split())
