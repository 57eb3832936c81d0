"""Boleto de pagamento (FEBRABAN): fator de vencimento, código de barras, linha digitável, pure.

Source: FEBRABAN's boleto layout as every bank prints it, e.g. Banco do Brasil, "Especificações
Técnicas para Confecção de Boleto de Pagamento" (Doc5175Bloqueto), sections on the código de
barras (44 positions) and the linha digitável (5 fields), and FEBRABAN's communication on the
fator de vencimento reaching 9999 on 2025-02-21 and restarting at 1000 on 2025-02-22.

Barcode (44 digits): banco (3) moeda (1, 9 = Real) DV geral (1) fator (4) valor em centavos (10)
campo livre (25). Linha digitável (47 digits): campo 1 = banco + moeda + campo livre 1-5 + DV;
campo 2 = campo livre 6-15 + DV; campo 3 = campo livre 16-25 + DV (each DV módulo 10);
campo 4 = DV geral; campo 5 = fator + valor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from tenant_app.cobranca.bancos import Carteira
from tenant_app.cobranca.digitos import dv_geral_codigo_barras, exigir_digitos, modulo10

DATA_BASE = date(1997, 10, 7)
# Factor 1000 is 2000-07-03 (1000 days after the base); from there the factor runs 1000..9999 and
# restarts at 1000 every 9000 days (first restart on 2025-02-22).
PRIMEIRO_VENCIMENTO = DATA_BASE + timedelta(days=1000)
CICLO = 9000
MOEDA_REAL = "9"
VALOR_MAXIMO = Decimal("99999999.99")
BANCOS_SUPORTADOS = frozenset({"001", "237", "341"})


def fator_vencimento(d: date) -> int:
    """The 4-digit due-date factor of `d`: ((d − 1997-10-07).days − 1000) mod 9000 + 1000."""
    dias = (d - DATA_BASE).days
    if dias < 1000:
        raise ValueError(f"vencimento {d.isoformat()} anterior a 03/07/2000 não tem fator de vencimento")
    return (dias - 1000) % CICLO + 1000


def vencimento_do_fator(fator: int, referencia: date) -> date:
    """The due date of `fator` nearest `referencia` (the factor repeats every 9000 days).

    On an exact tie (the reference 4500 days from two candidates) the earlier date wins.
    Factor 0000 ("sem vencimento") has no date: ValueError.
    """
    if isinstance(fator, bool) or not isinstance(fator, int) or not 1000 <= fator <= 9999:
        raise ValueError(f"fator de vencimento inválido: {fator!r} (esperado de 1000 a 9999)")
    desde_primeiro = (referencia - PRIMEIRO_VENCIMENTO).days
    ciclo = round((desde_primeiro - (fator - 1000)) / CICLO)
    candidatos = [
        PRIMEIRO_VENCIMENTO + timedelta(days=(fator - 1000) + CICLO * c)
        for c in (ciclo - 1, ciclo, ciclo + 1)
        if c >= 0
    ]
    return min(candidatos, key=lambda d: (abs((d - referencia).days), d))


def valor_em_centavos(valor: Decimal) -> str:
    """The barcode's 10-digit amount field: reais with 2 decimals, as cents, zero-padded."""
    if not isinstance(valor, Decimal) or not valor.is_finite():
        raise ValueError("valor do boleto deve ser Decimal")
    if valor < 0 or valor > VALOR_MAXIMO:
        raise ValueError(f"valor do boleto fora do intervalo 0,00 a {VALOR_MAXIMO}")
    centavos = valor * 100
    if centavos != centavos.to_integral_value():
        raise ValueError("valor do boleto com mais de duas casas decimais")
    return f"{int(centavos):010d}"


def _limpar_linha(linha: str) -> str:
    # The printed form separates fields with dots and spaces: "00190.50095 40144.816069 ...".
    if not isinstance(linha, str):
        raise ValueError("linha digitável deve ser texto")
    return linha.replace(".", "").replace(" ", "")


def _validar_codigo_barras(codigo: str) -> str:
    exigir_digitos(codigo, "código de barras", 44)
    if codigo[3] != MOEDA_REAL:
        raise ValueError(f"código de barras: moeda {codigo[3]} não suportada (9 = Real)")
    esperado = dv_geral_codigo_barras(codigo[:4] + codigo[5:])
    if int(codigo[4]) != esperado:
        raise ValueError(f"código de barras: DV geral {codigo[4]} inválido (esperado {esperado})")
    return codigo


def codigo_barras_para_linha(codigo: str) -> str:
    """The 47-digit linha digitável of a 44-digit barcode (its general DV checked first)."""
    _validar_codigo_barras(codigo)
    campo1 = codigo[0:4] + codigo[19:24]
    campo2 = codigo[24:34]
    campo3 = codigo[34:44]
    return (
        campo1
        + str(modulo10(campo1))
        + campo2
        + str(modulo10(campo2))
        + campo3
        + str(modulo10(campo3))
        + codigo[4]
        + codigo[5:19]
    )


def linha_para_codigo_barras(linha: str) -> str:
    """The 44-digit barcode of a linha digitável (dots and spaces of the printed form allowed).

    Every check digit is verified: the three módulo-10 field DVs and the general módulo-11 DV.
    """
    digitos = _limpar_linha(linha)
    exigir_digitos(digitos, "linha digitável", 47)
    for numero, (inicio, fim) in enumerate(((0, 9), (10, 20), (21, 31)), start=1):
        esperado = modulo10(digitos[inicio:fim])
        if int(digitos[fim]) != esperado:
            raise ValueError(f"linha digitável: DV do campo {numero} inválido (esperado {esperado})")
    codigo = digitos[0:4] + digitos[32] + digitos[33:47] + digitos[4:9] + digitos[10:20] + digitos[21:31]
    return _validar_codigo_barras(codigo)


def formatar_linha(linha: str) -> str:
    """The printed form: "AAAAA.AAAAA BBBBB.BBBBBB CCCCC.CCCCCC D EEEEEEEEEEEEEE"."""
    d = _limpar_linha(linha)
    exigir_digitos(d, "linha digitável", 47)
    return f"{d[0:5]}.{d[5:10]} {d[10:15]}.{d[15:21]} {d[21:26]}.{d[26:32]} {d[32]} {d[33:47]}"


def montar_codigo_barras(banco: str, vencimento: date | None, valor: Decimal, campo_livre: str) -> str:
    """The 44-digit barcode from its parts (`vencimento` None: factor 0000, no due date)."""
    exigir_digitos(banco, "código do banco", 3)
    exigir_digitos(campo_livre, "campo livre", 25)
    fator = "0000" if vencimento is None else f"{fator_vencimento(vencimento):04d}"
    sem_dv = banco + MOEDA_REAL + fator + valor_em_centavos(valor) + campo_livre
    return sem_dv[:4] + str(dv_geral_codigo_barras(sem_dv)) + sem_dv[4:]


@dataclass(frozen=True)
class DadosCodigoBarras:
    banco: str
    vencimento: date | None
    valor: Decimal
    campo_livre: str


def ler_codigo_barras(codigo: str, referencia: date) -> DadosCodigoBarras:
    """Bank, due date (nearest `referencia`; None for factor 0000), amount and campo livre of a barcode."""
    _validar_codigo_barras(codigo)
    fator = int(codigo[5:9])
    vencimento = None if fator == 0 else vencimento_do_fator(fator, referencia)
    return DadosCodigoBarras(
        banco=codigo[0:3],
        vencimento=vencimento,
        valor=Decimal(int(codigo[9:19])).scaleb(-2),
        campo_livre=codigo[19:44],
    )


@dataclass(frozen=True)
class Boleto:
    banco: str
    codigo_barras: str
    linha_digitavel: str
    nosso_numero: str
    vencimento: date
    valor: Decimal

    @property
    def linha_formatada(self) -> str:
        return formatar_linha(self.linha_digitavel)


def montar_boleto(banco: str, *, carteira: Carteira, numero: int, vencimento: date, valor: Decimal) -> Boleto:
    """A boleto of título `numero` in `carteira` (CarteiraBB, CarteiraItau, CarteiraBradesco).

    `banco` (the FEBRABAN code, "001", "341", "237") must be the carteira's bank.
    """
    if banco not in BANCOS_SUPORTADOS:
        suportados = ", ".join(sorted(BANCOS_SUPORTADOS))
        raise ValueError(f"banco {banco!r} não suportado (suportados: {suportados})")
    if banco != carteira.banco:
        raise ValueError(f"banco {banco!r} não corresponde à carteira informada (banco {carteira.banco})")
    codigo = montar_codigo_barras(banco, vencimento, valor, carteira.campo_livre(numero))
    return Boleto(
        banco=banco,
        codigo_barras=codigo,
        linha_digitavel=codigo_barras_para_linha(codigo),
        nosso_numero=carteira.nosso_numero(numero),
        vencimento=vencimento,
        valor=valor,
    )
