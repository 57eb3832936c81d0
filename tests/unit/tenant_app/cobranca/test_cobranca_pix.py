"""PIX BR Code: CRC-16/CCITT-FALSE, building and validating (BCB, Manual de Padrões para Iniciação do Pix)."""

from __future__ import annotations

import contextlib
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tenant_app.cobranca.pix import crc16, montar_brcode, validar_brcode

pytestmark = pytest.mark.unit

# The static BR Code example of the BCB's "Manual de Padrões para Iniciação do Pix" (BR Code section:
# random key, no amount, txid "***"), which ends in CRC 1D3D.
EXEMPLO_MANUAL_BCB = (
    "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-426655440000"
    "5204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D"
)


def test_crc16_check_value() -> None:
    # The catalogue check value of CRC-16/CCITT-FALSE.
    assert crc16("123456789") == "29B1"
    assert crc16("") == "FFFF"


def test_manual_example_crc_and_rebuild() -> None:
    assert crc16(EXEMPLO_MANUAL_BCB[:-4]) == "1D3D"
    gerado = montar_brcode("123e4567-e12b-12d1-a456-426655440000", nome="Fulano de Tal", cidade="BRASILIA")
    assert gerado == EXEMPLO_MANUAL_BCB


def test_manual_example_parses() -> None:
    dados = validar_brcode(EXEMPLO_MANUAL_BCB)
    assert dados["chave"] == "123e4567-e12b-12d1-a456-426655440000"
    assert dados["nome"] == "Fulano de Tal"
    assert dados["cidade"] == "BRASILIA"
    assert dados["txid"] == "***"
    assert dados["valor"] is None
    assert dados["iniciacao"] is None
    assert dados["crc"] == "1D3D"
    assert dados["campos"]["26"] == {"00": "br.gov.bcb.pix", "01": "123e4567-e12b-12d1-a456-426655440000"}
    assert dados["campos"]["62"] == {"05": "***"}


def test_static_with_amount_txid_description_and_trimmed_transliterated_names() -> None:
    codigo = montar_brcode(
        "contato@administradora.com.br",
        nome="Consórcio São João das Águas Administradora Ltda",
        cidade="São José dos Campos do Sul",
        valor=Decimal("1234.50"),
        txid="PARCELA000123",
        descricao="Parcela 12 — cota 045",
        cep="12345678",
    )
    dados = validar_brcode(codigo)
    assert dados["nome"] == "Consorcio Sao Joao das Ag"  # 25 characters, no accents
    assert len(dados["nome"]) == 25
    assert dados["cidade"] == "Sao Jose dos Ca"  # 15
    assert dados["valor"] == Decimal("1234.50")
    assert "54071234.50" in codigo
    assert dados["txid"] == "PARCELA000123"
    assert dados["descricao"] == "Parcela 12 - cota 045"
    assert dados["cep"] == "12345678"
    assert codigo.isascii()


def test_dynamic_url_field_25() -> None:
    codigo = montar_brcode(
        url="https://psp.example.com/qr/v2/cobv/9d36b84f-c70b-478f-b95c-12729b90ca25",
        nome="ACME",
        cidade="Sao Paulo",
        valor=Decimal("10.00"),
    )
    dados = validar_brcode(codigo)
    assert dados["iniciacao"] == "12"
    assert dados["url"] == "psp.example.com/qr/v2/cobv/9d36b84f-c70b-478f-b95c-12729b90ca25"
    assert dados["chave"] is None
    assert dados["txid"] == "***"
    assert codigo.startswith("000201010212")


def test_single_use_static() -> None:
    assert (
        validar_brcode(montar_brcode("+5511999998888", nome="A", cidade="B", unico=True))["iniciacao"] == "12"
    )


@pytest.mark.parametrize(
    ("argumentos", "mensagem"),
    [
        ({"chave": None}, "chave"),
        ({"url": "x.example/qr"}, "não ambos"),
        ({"txid": "com espaço"}, "txid"),
        ({"txid": "A" * 26}, "txid"),
        ({"valor": Decimal("0")}, "positivo"),
        ({"valor": Decimal("1.001")}, "duas casas"),
        ({"valor": Decimal("12345678901.00")}, "máximo"),
        ({"nome": "   "}, "nome"),
        ({"cidade": "の"}, "cidade"),
        ({"cep": "1234-567"}, "CEP"),
        ({"chave": "x" * 78}, "chave"),
    ],
)
def test_montar_rejects(argumentos: dict[str, object], mensagem: str) -> None:
    base: dict[str, object] = {"chave": "a@b.com", "nome": "ACME", "cidade": "RIO"}
    base.update(argumentos)
    chave = base.pop("chave")
    with pytest.raises(ValueError, match=mensagem):
        montar_brcode(chave, **base)  # type: ignore[arg-type]


def test_bad_crc_is_rejected_with_portuguese_message() -> None:
    errado = EXEMPLO_MANUAL_BCB[:-4] + "1D3E"
    with pytest.raises(ValueError, match="CRC inválido"):
        validar_brcode(errado)


def test_lowercase_crc_is_accepted() -> None:
    assert validar_brcode(EXEMPLO_MANUAL_BCB[:-4] + "1d3d")["crc"] == "1D3D"


def _com_crc(sem_crc: str) -> str:
    return sem_crc + crc16(sem_crc)


def _tlv(identificador: str, valor: str) -> str:
    return f"{identificador}{len(valor):02d}{valor}"


def _payload(**trocas: str | None) -> str:
    """A BR Code without CRC from named fields; a field set to None is left out."""
    campos: dict[str, str | None] = {
        "00": "01",
        "26": _tlv("00", "br.gov.bcb.pix") + _tlv("01", "a@b.com"),
        "52": "0000",
        "53": "986",
        "58": "BR",
        "59": "ACME",
        "60": "RIO",
        "62": _tlv("05", "***"),
    }
    campos.update({k.removeprefix("f"): v for k, v in trocas.items()})
    return "".join(_tlv(k, v) for k, v in campos.items() if v is not None) + "6304"


def test_payload_helper_is_valid() -> None:
    assert validar_brcode(_com_crc(_payload()))["chave"] == "a@b.com"


@pytest.mark.parametrize(
    ("sem_crc", "mensagem"),
    [
        ("000201269914br.gov.bcb.pix6304", "declara"),
        ("0002012658XX14br.gov.bcb.pix6304", "declara"),
        ("000201XX586304", "estrutura"),
        (_payload(f26=_tlv("00", "br.gov.bcb.xxx") + _tlv("01", "a@b.com")), "conta Pix"),
        (_payload(f26=_tlv("00", "br.gov.bcb.pix")), "chave"),
        (_payload(f26=_tlv("00", "br.gov.bcb.pix") + _tlv("01", "a") + _tlv("25", "x.y/z")), "chave"),
        (_payload(f53="840"), "986"),
        (_payload(f58="US"), "BR"),
        (_payload(f59=None), "59"),
        (_payload(f60=None), "60"),
        (_payload(f01="13"), "iniciação"),
        (_payload(f59="A" * 26), "nome"),
        (_payload(f60="B" * 16), "cidade"),
        (_payload(f54="1,00"), "valor"),
        (_payload(f54="01.00"), "valor"),
        (_payload(f62=None), "62"),
        (_payload(f62=_tlv("01", "x")), "txid"),
        (_payload(f62=_tlv("05", "com espaco")), "txid"),
        (_payload(f00="02"), "Payload Format"),
        ("5204000000020163040000"[:-4], "Payload Format"),
        (_payload()[:-4] + _tlv("52", "0000") + "6304", "repetido"),
        (_payload(f26="0014br.gov.bcb.pix01"), "estrutura"),
        (_payload(f26="0014br.gov.bcb.pix0110ab"), "declara"),
    ],
)
def test_structure_errors(sem_crc: str, mensagem: str) -> None:
    with pytest.raises(ValueError, match=mensagem):
        validar_brcode(_com_crc(sem_crc))


@pytest.mark.parametrize("payload", ["", "6304", "0002016304ABCD", "x" * 20])
def test_short_or_garbage(payload: str) -> None:
    with pytest.raises(ValueError, match="BR Code"):
        validar_brcode(payload)


_nomes = st.text(min_size=1, max_size=60).filter(lambda s: any(c.isalnum() and c.isascii() for c in s))


@given(
    chave=st.from_regex(r"[a-z0-9]{1,20}@[a-z]{1,10}\.com", fullmatch=True),
    nome=_nomes,
    cidade=_nomes,
    centavos=st.none() | st.integers(min_value=1, max_value=10**12 - 1),
    txid=st.none() | st.from_regex(r"[A-Za-z0-9]{1,25}", fullmatch=True),
)
def test_round_trip_static(
    chave: str, nome: str, cidade: str, centavos: int | None, txid: str | None
) -> None:
    valor = None if centavos is None else Decimal(centavos).scaleb(-2)
    codigo = montar_brcode(chave, nome=nome, cidade=cidade, valor=valor, txid=txid)
    dados = validar_brcode(codigo)
    assert dados["chave"] == chave
    assert dados["valor"] == valor
    assert dados["txid"] == (txid or "***")
    assert 1 <= len(dados["nome"]) <= 25 and dados["nome"].isascii()
    assert 1 <= len(dados["cidade"]) <= 15 and dados["cidade"].isascii()


@given(st.data())
def test_any_single_character_change_is_caught(data: st.DataObject) -> None:
    # CRC-16 detects every single-character error in the payload (a burst shorter than 16 bits).
    posicao = data.draw(st.integers(min_value=0, max_value=len(EXEMPLO_MANUAL_BCB) - 5))
    novo = data.draw(st.characters(min_codepoint=0x20, max_codepoint=0x7E))
    if novo == EXEMPLO_MANUAL_BCB[posicao]:
        return
    alterado = EXEMPLO_MANUAL_BCB[:posicao] + novo + EXEMPLO_MANUAL_BCB[posicao + 1 :]
    with pytest.raises(ValueError):
        validar_brcode(alterado)


@given(st.text(max_size=120))
def test_garbage_raises_only_value_error(payload: str) -> None:
    with contextlib.suppress(ValueError):
        validar_brcode(payload)


@given(st.data())
def test_garbage_with_a_right_crc_raises_only_value_error(data: st.DataObject) -> None:
    # With a correct CRC the parser itself is exercised on arbitrary structures.
    corpo = data.draw(st.text(alphabet="0123456789abAB.*@ ", max_size=80))
    payload = corpo + "6304"
    with contextlib.suppress(ValueError):
        validar_brcode(payload + crc16(payload))
