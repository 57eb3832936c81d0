"""Campo livre (barcode positions 20-44) and nosso número of each supported bank, pure.

Each bank publishes the layout of the 25-digit campo livre and of its nosso número:

* Banco do Brasil (001) — "Especificações Técnicas para Confecção de Boleto de Pagamento do Banco do
  Brasil" (Doc5175Bloqueto): for a convênio of 7 positions (carteiras 17 and 18) the nosso número
  has 17 digits (convênio + a 10-digit complement) and no check digit, and the campo livre is
  "000000" + nosso número (17) + carteira (2). For convênios of 4 and 6 positions with an
  11-digit nosso número the campo livre is nosso número (11) + agência (4) + conta (8) + carteira (2).
* Itaú (341) — "Cobrança Bancária — Intercâmbio Eletrônico de Arquivos" (CNAB 400 manual), notes on
  the DAC and on the barcode: carteira (3) + nosso número (8) + DAC (1) + agência (4) + conta (5)
  + DAC of agência/conta (1) + "000". The nosso número DAC is módulo 10 over agência, conta,
  carteira and nosso número (carteiras 126, 131, 146, 150 and 168: carteira and nosso número only).
* Bradesco (237) — "Boleto de Pagamento Bradesco — Manual Operacional para Clientes" (and its
  CNAB 400 manual, "dígito de auto-conferência do nosso número"): agência (4) + carteira (2)
  + nosso número (11) + conta (7) + "0"; the nosso número's digit is módulo 11 base 7 over
  carteira + nosso número: rest 0 -> "0", rest 1 -> "P", else 11 - rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol

from tenant_app.cobranca.digitos import exigir_digitos, modulo10, preencher, soma_ponderada


class Carteira(Protocol):
    """A bank's carteira de cobrança as the beneficiário has it: builds nosso número and campo livre."""

    banco: ClassVar[str]

    def nosso_numero(self, numero: int) -> str: ...

    def campo_livre(self, numero: int) -> str: ...


# --- Banco do Brasil ---------------------------------------------------------------------------


def nosso_numero_bb_convenio7(convenio: str, numero: int) -> str:
    """BB nosso número for a 7-position convênio: convênio (7) + `numero` (10), 17 digits, no DV."""
    exigir_digitos(convenio, "convênio BB", 7)
    return convenio + preencher(numero, 10, "número do título (complemento do nosso número)")


def campo_livre_bb_convenio7(convenio: str, numero: int, carteira: str) -> str:
    """BB campo livre, convênio of 7 positions: "000000" + nosso número (17) + carteira (2)."""
    exigir_digitos(carteira, "carteira BB", 2)
    return "000000" + nosso_numero_bb_convenio7(convenio, numero) + carteira


def campo_livre_bb_nosso_numero11(nosso_numero: str, agencia: str, conta: str, carteira: str) -> str:
    """BB campo livre for convênios of 4 or 6 positions (nosso número of 11 digits, convênio first).

    nosso número (11) + agência (4, without DV) + conta (8, without DV) + carteira (2).
    """
    return (
        exigir_digitos(nosso_numero, "nosso número BB", 11)
        + exigir_digitos(agencia, "agência", 4)
        + exigir_digitos(conta, "conta", 8)
        + exigir_digitos(carteira, "carteira BB", 2)
    )


@dataclass(frozen=True)
class CarteiraBB:
    """Banco do Brasil, convênio of 7 positions, carteira 17 or 18."""

    convenio: str
    carteira: str = "17"
    banco: ClassVar[str] = "001"

    def __post_init__(self) -> None:
        exigir_digitos(self.convenio, "convênio BB", 7)
        if self.carteira not in ("17", "18"):
            raise ValueError("carteira BB com convênio de 7 posições: 17 ou 18")

    def nosso_numero(self, numero: int) -> str:
        return nosso_numero_bb_convenio7(self.convenio, numero)

    def campo_livre(self, numero: int) -> str:
        return campo_livre_bb_convenio7(self.convenio, numero, self.carteira)


# --- Itaú --------------------------------------------------------------------------------------

# Carteiras whose nosso número DAC leaves agência and conta out (Itaú's note on the DAC).
CARTEIRAS_ITAU_SEM_CONTA_NO_DAC = frozenset({"126", "131", "146", "150", "168"})


def dac_nosso_numero_itau(agencia: str, conta: str, carteira: str, nosso_numero: str) -> int:
    """Itaú nosso número DAC (módulo 10)."""
    exigir_digitos(agencia, "agência Itaú", 4)
    exigir_digitos(conta, "conta Itaú", 5)
    exigir_digitos(carteira, "carteira Itaú", 3)
    exigir_digitos(nosso_numero, "nosso número Itaú", 8)
    if carteira in CARTEIRAS_ITAU_SEM_CONTA_NO_DAC:
        return modulo10(carteira + nosso_numero)
    return modulo10(agencia + conta + carteira + nosso_numero)


def dac_agencia_conta_itau(agencia: str, conta: str) -> int:
    """Itaú DAC of agência (4) + conta (5), módulo 10."""
    return modulo10(exigir_digitos(agencia, "agência Itaú", 4) + exigir_digitos(conta, "conta Itaú", 5))


def nosso_numero_itau(carteira: str, numero: int, agencia: str, conta: str) -> str:
    """Itaú nosso número with its DAC: 8 digits + DAC (9 digits; printed as "carteira/nnnnnnnn-d")."""
    nosso = preencher(numero, 8, "nosso número Itaú")
    return nosso + str(dac_nosso_numero_itau(agencia, conta, carteira, nosso))


def campo_livre_itau(carteira: str, numero: int, agencia: str, conta: str) -> str:
    """Itaú campo livre: carteira + nosso número + DAC + agência + conta + DAC(agência/conta) + "000"."""
    return (
        carteira
        + nosso_numero_itau(carteira, numero, agencia, conta)
        + agencia
        + conta
        + str(dac_agencia_conta_itau(agencia, conta))
        + "000"
    )


@dataclass(frozen=True)
class CarteiraItau:
    """Itaú, a carteira with the standard campo livre (e.g. 109, direct)."""

    agencia: str
    conta: str
    carteira: str = "109"
    banco: ClassVar[str] = "341"

    def __post_init__(self) -> None:
        exigir_digitos(self.agencia, "agência Itaú", 4)
        exigir_digitos(self.conta, "conta Itaú", 5)
        exigir_digitos(self.carteira, "carteira Itaú", 3)

    def nosso_numero(self, numero: int) -> str:
        return nosso_numero_itau(self.carteira, numero, self.agencia, self.conta)

    def campo_livre(self, numero: int) -> str:
        return campo_livre_itau(self.carteira, numero, self.agencia, self.conta)


# --- Bradesco ----------------------------------------------------------------------------------


def dv_nosso_numero_bradesco(carteira: str, nosso_numero: str) -> str:
    """Bradesco nosso número digit: módulo 11 base 7 over carteira (2) + nosso número (11); may be "P"."""
    numero = exigir_digitos(carteira, "carteira Bradesco", 2) + exigir_digitos(
        nosso_numero, "nosso número Bradesco", 11
    )
    resto = soma_ponderada(numero, (2, 3, 4, 5, 6, 7)) % 11
    if resto == 0:
        return "0"
    if resto == 1:
        return "P"
    return str(11 - resto)


def nosso_numero_bradesco(carteira: str, numero: int) -> str:
    """Bradesco nosso número with its digit: 11 digits + digit ("P" possible), 12 characters."""
    nosso = preencher(numero, 11, "nosso número Bradesco")
    return nosso + dv_nosso_numero_bradesco(carteira, nosso)


def campo_livre_bradesco(agencia: str, carteira: str, numero: int, conta: str) -> str:
    """Bradesco campo livre: agência (4) + carteira (2) + nosso número (11) + conta (7) + "0"."""
    return (
        exigir_digitos(agencia, "agência Bradesco", 4)
        + exigir_digitos(carteira, "carteira Bradesco", 2)
        + preencher(numero, 11, "nosso número Bradesco")
        + exigir_digitos(conta, "conta Bradesco", 7)
        + "0"
    )


@dataclass(frozen=True)
class CarteiraBradesco:
    """Bradesco, carteira 09 (or another with the standard campo livre)."""

    agencia: str
    conta: str
    carteira: str = "09"
    banco: ClassVar[str] = "237"

    def __post_init__(self) -> None:
        exigir_digitos(self.agencia, "agência Bradesco", 4)
        exigir_digitos(self.conta, "conta Bradesco", 7)
        exigir_digitos(self.carteira, "carteira Bradesco", 2)

    def nosso_numero(self, numero: int) -> str:
        return nosso_numero_bradesco(self.carteira, numero)

    def campo_livre(self, numero: int) -> str:
        return campo_livre_bradesco(self.agencia, self.carteira, numero, self.conta)
