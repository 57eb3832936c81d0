"""Check digits used by the boleto and bank standards (módulo 10, módulo 11) and digit-string checks.

The rules are the FEBRABAN ones printed in every bank's boleto manual, e.g. Banco do Brasil,
"Especificações Técnicas para Confecção de Boleto de Pagamento", anexos "Cálculo do DV módulo 10"
and "módulo 11".
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import cycle
from operator import mul


def exigir_digitos(valor: object, nome: str, tamanho: int | None = None) -> str:
    """Return `valor` when it is a string of ASCII digits (of `tamanho` digits when given).

    `str.isdigit` alone accepts full-width and other Unicode digits ("１２３"), which no bank reads:
    only ASCII 0-9 pass.
    """
    if not isinstance(valor, str):
        raise ValueError(f"{nome}: esperado texto com dígitos, recebido {type(valor).__name__}")
    if not (valor.isascii() and valor.isdigit()):
        raise ValueError(f"{nome}: deve conter apenas dígitos de 0 a 9")
    if tamanho is not None and len(valor) != tamanho:
        raise ValueError(f"{nome}: deve ter {tamanho} dígitos, tem {len(valor)}")
    return valor


def preencher(valor: int | str, tamanho: int, nome: str) -> str:
    """Digits of `valor` zero-padded to `tamanho`; never truncates (a longer value is an error)."""
    texto = str(valor) if isinstance(valor, int) else valor
    if isinstance(valor, int) and valor < 0:
        raise ValueError(f"{nome}: não pode ser negativo")
    exigir_digitos(texto, nome)
    if len(texto) > tamanho:
        raise ValueError(f"{nome}: no máximo {tamanho} dígitos, tem {len(texto)}")
    return texto.rjust(tamanho, "0")


def modulo10(numero: str) -> int:
    """DV módulo 10: weights 2,1,2,… from the right, the digits of each product summed.

    DV = 10 − (sum mod 10), and 0 when the rest is 0 (FEBRABAN, fields of the linha digitável).
    """
    soma = 0
    peso = 2
    for caractere in reversed(numero):
        produto = (ord(caractere) - 48) * peso
        soma += produto - 9 if produto > 9 else produto
        peso = 3 - peso
    return (10 - soma % 10) % 10


def soma_ponderada(numero: str, pesos: Sequence[int]) -> int:
    """Sum of digit × weight, the weights applied cyclically from the rightmost digit."""
    # Callers pass validated ASCII digit strings; map/cycle keep the loop in C.
    return sum(map(mul, map(int, reversed(numero)), cycle(pesos)))


PESOS_2_A_9 = (2, 3, 4, 5, 6, 7, 8, 9)


def dv_geral_codigo_barras(numero43: str) -> int:
    """General DV of the 44-digit barcode (position 5): módulo 11 over the other 43 digits.

    Weights 2..9 from the right; DV = 11 − (sum mod 11), and 0, 10 or 11 become 1 (FEBRABAN; BB's
    Especificações Técnicas, "cálculo do dígito verificador do código de barras").
    """
    dv = 11 - soma_ponderada(numero43, PESOS_2_A_9) % 11
    return 1 if dv in (0, 10, 11) else dv
