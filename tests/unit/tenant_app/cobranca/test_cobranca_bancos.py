"""Campo livre and nosso número per bank, against the examples of each bank's published manual."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tenant_app.cobranca.bancos import (
    CarteiraBB,
    CarteiraBradesco,
    CarteiraItau,
    campo_livre_bb_convenio7,
    campo_livre_bb_nosso_numero11,
    campo_livre_bradesco,
    campo_livre_itau,
    dac_agencia_conta_itau,
    dac_nosso_numero_itau,
    dv_nosso_numero_bradesco,
    nosso_numero_bb_convenio7,
    nosso_numero_bradesco,
    nosso_numero_itau,
)
from tenant_app.cobranca.boleto import codigo_barras_para_linha, linha_para_codigo_barras, montar_boleto
from tenant_app.cobranca.digitos import modulo10

pytestmark = pytest.mark.unit


# --- Banco do Brasil ---------------------------------------------------------------------------


def test_bb_manual_example_campo_livre() -> None:
    # BB, "Especificações Técnicas para Confecção de Boleto de Pagamento do Banco do Brasil"
    # (Doc5175Bloqueto), worked example of the código de barras: nosso número 05009401448,
    # agência 1606, conta 06809350, carteira 31 -> the campo livre of barcode
    # 00193373700000001000500940144816060680935031.
    assert (
        campo_livre_bb_nosso_numero11("05009401448", "1606", "06809350", "31") == "0500940144816060680935031"
    )


def test_bb_convenio7_layout() -> None:
    # Same manual, table "convênio de 7 posições": positions 20-25 zeros, 26-42 the 17-digit nosso número
    # (convênio + 10-digit complement, no DV), 43-44 the carteira.
    assert nosso_numero_bb_convenio7("1234567", 1) == "12345670000000001"
    campo = campo_livre_bb_convenio7("1234567", 9_876_543_210, "18")
    assert campo == "000000" + "1234567" + "9876543210" + "18"
    assert len(campo) == 25


def test_bb_convenio7_real_boleto() -> None:
    # Not from the manual (it shows no convênio-7 example): a boleto BB issued for convênio 3453481,
    # carteira 17, título 393, due 2027-01-18 (after the 2025 factor restart), R$ 3.327,00, as quoted
    # in a public project that checked its code against it.
    boleto = montar_boleto(
        "001",
        carteira=CarteiraBB(convenio="3453481", carteira="17"),
        numero=393,
        vencimento=date(2027, 1, 18),
        valor=Decimal("3327.00"),
    )
    assert boleto.linha_formatada == "00190.00009 03453.481008 00000.393173 1 16950000332700"
    assert boleto.nosso_numero == "34534810000000393"


@pytest.mark.parametrize(
    ("argumentos", "mensagem"),
    [
        (("123456", 1, "17"), "7 dígitos"),
        (("1234567", 10**10, "17"), "10 dígitos"),
        (("1234567", -1, "17"), "negativo"),
        (("1234567", 1, "7"), "2 dígitos"),
        (("12345６7", 1, "17"), "apenas dígitos"),
    ],
)
def test_bb_convenio7_rejects(argumentos: tuple[str, int, str], mensagem: str) -> None:
    with pytest.raises(ValueError, match=mensagem):
        campo_livre_bb_convenio7(*argumentos)


def test_carteira_bb_only_17_or_18() -> None:
    with pytest.raises(ValueError, match="17 ou 18"):
        CarteiraBB(convenio="1234567", carteira="11")


# --- Itaú --------------------------------------------------------------------------------------

# Itaú, "Cobrança Bancária — Intercâmbio Eletrônico de Arquivos" (CNAB 400 manual), notes on the DAC:
# agência 0057, conta 12345, carteira 110, nosso número 12345678 -> nosso número DAC 8 and
# agência/conta DAC 7; its barcode example's campos of the linha digitável carry the DVs
# 341911012-1, 3456788005-8 and 7123457000-1.


def test_itau_manual_dacs() -> None:
    assert dac_nosso_numero_itau("0057", "12345", "110", "12345678") == 8
    assert dac_agencia_conta_itau("0057", "12345") == 7
    assert nosso_numero_itau("110", 12345678, "0057", "12345") == "123456788"


def test_itau_manual_campo_livre_and_field_dvs() -> None:
    campo = campo_livre_itau("110", 12345678, "0057", "12345")
    assert campo == "110" + "12345678" + "8" + "0057" + "12345" + "7" + "000"
    assert modulo10("3419" + campo[0:5]) == 1
    assert modulo10(campo[5:15]) == 8
    assert modulo10(campo[15:25]) == 1


def test_itau_carteira_109() -> None:
    # Carteira 109 uses the same rule (agência, conta, carteira and nosso número in the DAC).
    assert dac_nosso_numero_itau("0057", "12345", "109", "12345678") == 0
    carteira = CarteiraItau(agencia="0057", conta="12345", carteira="109")
    assert carteira.campo_livre(12345678) == "109123456780005712345" + "7" + "000"


def test_itau_carteira_109_full_boleto() -> None:
    # A carteira-109 boleto used as a test vector by a public boleto library (agência 0293, conta 01328,
    # nosso número 157, due 2009-10-19, R$ 29,80): the whole barcode and linha digitável.
    boleto = montar_boleto(
        "341",
        carteira=CarteiraItau(agencia="0293", conta="01328", carteira="109"),
        numero=157,
        vencimento=date(2009, 10, 19),
        valor=Decimal("29.80"),
    )
    assert boleto.codigo_barras == "34199439500000029801090000015710293013280000"
    assert boleto.linha_formatada == "34191.09008 00015.710296 30132.800001 9 43950000002980"
    assert boleto.nosso_numero == "000001571"


def test_itau_carteiras_without_account_in_the_dac() -> None:
    # Carteiras 126, 131, 146, 150 and 168: the DAC covers carteira + nosso número only.
    assert dac_nosso_numero_itau("0057", "12345", "126", "12345678") == modulo10("12612345678")
    assert dac_nosso_numero_itau("9999", "99999", "126", "12345678") == modulo10("12612345678")


def test_itau_rejects() -> None:
    with pytest.raises(ValueError, match="8 dígitos"):
        nosso_numero_itau("109", 123456789, "0057", "12345")
    with pytest.raises(ValueError, match="5 dígitos"):
        CarteiraItau(agencia="0057", conta="1234")


# --- Bradesco ----------------------------------------------------------------------------------


def test_bradesco_nosso_numero_digit() -> None:
    # Bradesco's CNAB 400 cobrança manual, "dígito de auto-conferência do nosso número" (módulo 11 base 7
    # over carteira + nosso número): carteira 19, nosso número 00000000002 -> 8.
    assert dv_nosso_numero_bradesco("19", "00000000002") == "8"
    assert nosso_numero_bradesco("19", 2) == "000000000028"


def test_bradesco_p_and_zero_digits() -> None:
    # Rest 1 gives "P", rest 0 gives "0": find one of each among small numbers.
    digitos = {dv_nosso_numero_bradesco("09", f"{n:011d}") for n in range(40)}
    assert "P" in digitos and "0" in digitos


def test_bradesco_full_boleto() -> None:
    # A Bradesco boleto used as a test vector by a public boleto library (agência 0278, conta 0039232,
    # carteira 06, nosso número 2125525, due 2011-02-05, R$ 8.280,00).
    boleto = montar_boleto(
        "237",
        carteira=CarteiraBradesco(agencia="0278", conta="0039232", carteira="06"),
        numero=2125525,
        vencimento=date(2011, 2, 5),
        valor=Decimal("8280.00"),
    )
    assert boleto.codigo_barras == "23794486900008280000278060000212552500392320"
    assert boleto.linha_formatada == "23790.27804 60000.212559 25003.923205 4 48690000828000"


def test_bradesco_campo_livre() -> None:
    campo = campo_livre_bradesco("1234", "09", 75896452, "0012345")
    assert campo == "1234" + "09" + "00075896452" + "0012345" + "0"
    assert CarteiraBradesco(agencia="1234", conta="0012345").campo_livre(75896452) == campo


# --- every bank through montar_boleto ------------------------------------------------------------

_carteiras = st.sampled_from(
    [
        CarteiraBB(convenio="7654321", carteira="18"),
        CarteiraItau(agencia="0293", conta="01328", carteira="109"),
        CarteiraBradesco(agencia="3381", conta="0006321", carteira="09"),
    ]
)


@given(
    carteira=_carteiras,
    numero=st.integers(min_value=0, max_value=99_999_999),
    vencimento=st.dates(min_value=date(2024, 1, 1), max_value=date(2040, 12, 31)),
    centavos=st.integers(min_value=0, max_value=9_999_999_999),
)
def test_montar_boleto_every_bank(
    carteira: CarteiraBB | CarteiraItau | CarteiraBradesco, numero: int, vencimento: date, centavos: int
) -> None:
    valor = Decimal(centavos).scaleb(-2)
    boleto = montar_boleto(
        carteira.banco, carteira=carteira, numero=numero, vencimento=vencimento, valor=valor
    )
    assert boleto.codigo_barras.startswith(carteira.banco + "9")
    assert boleto.codigo_barras[19:] == carteira.campo_livre(numero)
    assert linha_para_codigo_barras(boleto.linha_digitavel) == boleto.codigo_barras
    assert codigo_barras_para_linha(boleto.codigo_barras) == boleto.linha_digitavel
    assert boleto.nosso_numero == carteira.nosso_numero(numero)
