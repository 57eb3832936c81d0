"""Fixed-width fields of CNAB 240 records: writing (padding rules) and reading (errors carry the line).

FEBRABAN, "Layout Padrão de Arquivos — CNAB 240 posições" (versão 10.11), "Descrição de campos":
numeric fields (N) right-aligned and zero-filled, alphanumeric fields (A) left-aligned, space-filled,
uppercase without accents; dates DDMMAAAA (zeros when empty); values with 2 implied decimals.
Positions in this package are written as in the manual: 1-based, both ends included.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tenant_app.cobranca.texto import sem_acentos

TAMANHO_LINHA = 240
FIM_DE_LINHA = "\r\n"


class ErroCnab(ValueError):
    """A CNAB file that cannot be read: which line (1-based; 0 for the file as a whole) and why."""

    def __init__(self, linha: int, motivo: str) -> None:
        self.linha = linha
        self.motivo = motivo
        super().__init__(f"linha {linha}: {motivo}" if linha else motivo)


# --- writing -----------------------------------------------------------------------------------


def num(valor: int | str, tamanho: int, nome: str) -> str:
    """A numeric field: ASCII digits, zero-filled on the left; a value too long is an error (never cut)."""
    texto = str(valor) if isinstance(valor, int) else valor
    if isinstance(valor, int) and valor < 0:
        raise ValueError(f"CNAB: {nome} não pode ser negativo")
    if not (texto.isascii() and texto.isdigit()):
        raise ValueError(f"CNAB: {nome} deve conter apenas dígitos, recebido {texto!r}")
    if len(texto) > tamanho:
        raise ValueError(f"CNAB: {nome} tem {len(texto)} dígitos, o campo comporta {tamanho}")
    return texto.rjust(tamanho, "0")


def alfa(texto: str, tamanho: int) -> str:
    """An alphanumeric field: uppercase ASCII without accents, cut to `tamanho`, space-filled on the right."""
    return sem_acentos(texto).upper()[:tamanho].ljust(tamanho)


def alfa_exato(texto: str, tamanho: int, nome: str) -> str:
    """An alphanumeric identifier (nosso número, convênio): like `alfa`, but too long is an error, not cut."""
    limpo = sem_acentos(texto).upper()
    if len(limpo) > tamanho:
        raise ValueError(f"CNAB: {nome} tem {len(limpo)} caracteres, o campo comporta {tamanho}")
    return limpo.ljust(tamanho)


def brancos(tamanho: int) -> str:
    return " " * tamanho


def zeros(tamanho: int) -> str:
    return "0" * tamanho


def data(d: date | None) -> str:
    """DDMMAAAA, or 8 zeros when there is no date."""
    return "00000000" if d is None else f"{d.day:02d}{d.month:02d}{d.year:04d}"


def dinheiro(valor: Decimal, tamanho: int, nome: str) -> str:
    """A value with 2 implied decimals (13+2 or 15+2 digits): exact cents only, not negative."""
    if not isinstance(valor, Decimal) or not valor.is_finite():
        raise ValueError(f"CNAB: {nome} deve ser Decimal")
    if valor < 0:
        raise ValueError(f"CNAB: {nome} não pode ser negativo")
    centavos = valor * 100
    if centavos != centavos.to_integral_value():
        raise ValueError(f"CNAB: {nome} com mais de duas casas decimais")
    return num(int(centavos), tamanho, nome)


def linha(*partes: str) -> str:
    """One record from its fields, in order; a total other than 240 is a bug in the layout table."""
    registro = "".join(partes)
    if len(registro) != TAMANHO_LINHA:  # pragma: no cover - guards the layout tables themselves
        raise AssertionError(f"registro CNAB com {len(registro)} posições")
    return registro


# --- reading -----------------------------------------------------------------------------------


class Leitor:
    """Reads the fields of one 240-character record; errors carry the line number."""

    __slots__ = ("numero", "registro")

    def __init__(self, registro: str, numero: int) -> None:
        self.registro = registro
        self.numero = numero

    def erro(self, motivo: str) -> ErroCnab:
        return ErroCnab(self.numero, motivo)

    def texto(self, inicio: int, fim: int) -> str:
        """Alphanumeric field, trailing spaces removed."""
        return self.registro[inicio - 1 : fim].rstrip()

    def bruto(self, inicio: int, fim: int) -> str:
        return self.registro[inicio - 1 : fim]

    def digitos(self, inicio: int, fim: int, nome: str) -> str:
        valor = self.registro[inicio - 1 : fim]
        if not (valor.isascii() and valor.isdigit()):
            raise self.erro(f"{nome} (posições {inicio} a {fim}) deve ser numérico, contém {valor!r}")
        return valor

    def inteiro(self, inicio: int, fim: int, nome: str) -> int:
        return int(self.digitos(inicio, fim, nome))

    def dinheiro(self, inicio: int, fim: int, nome: str) -> Decimal:
        return Decimal(int(self.digitos(inicio, fim, nome))).scaleb(-2)

    def data(self, inicio: int, fim: int, nome: str) -> date | None:
        valor = self.registro[inicio - 1 : fim]
        if valor in ("00000000", "        "):
            return None
        self.digitos(inicio, fim, nome)
        try:
            return date(int(valor[4:8]), int(valor[2:4]), int(valor[0:2]))
        except ValueError:
            raise self.erro(
                f"{nome} (posições {inicio} a {fim}) não é uma data DDMMAAAA válida: {valor}"
            ) from None
