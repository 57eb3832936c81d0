"""Everything an apuração depends on, frozen at the cut-off.

Stored with the assembly record; the apuração is a pure function of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import ClassVar

from tenant_app.assembleias.apuracao.lances import Lance
from tenant_app.assembleias.apuracao.regras import RegrasAssembleia
from tenant_app.assembleias.apuracao.texto_decimal import decimal_texto
from tenant_app.assembleias.erros import ErroCampo, RegraViolada
from tenant_app.assembleias.sorteio.extracao import ExtracaoLoteria
from tenant_app.dinheiro.amortizacao import LancePaga

ZERO = Decimal(0)


def _curto(valor: Decimal) -> Decimal:
    """The canonical spelling of a decimal (10.50 -> 10.5); non-finite values are left for ``erros``."""
    return Decimal(decimal_texto(valor)) if valor.is_finite() else valor


@dataclass(frozen=True, slots=True)
class CotaAtiva:
    """An active cota, paid up at the cut-off and not yet contemplated."""

    #: Added after format 1; written only when set (see ``RegrasAssembleia``), so old inputs keep their hash.
    __canonico_desde_formato_1__: ClassVar[Mapping[str, object]] = {"percentual_devido_integral": None}

    numero: int
    valor_credito: Decimal
    #: What the cota still owes the fundo comum, as % of the credit.
    percentual_devido: Decimal
    parcelas_restantes: int
    #: Only when the contract's lance pays whole parcelas (``RegrasAssembleia.lance_paga``): what the
    #: cota still owes of its parcelas in all (fundo comum, taxa, fundo de reserva, seguro), as % of
    #: the credit — the ceiling of its lance and the balance the lance amortises.
    percentual_devido_integral: Decimal | None = None


@dataclass(frozen=True, slots=True)
class CotaExcluida:
    """An excluded cota not yet drawn for restitution."""

    numero: int
    valor_restituicao: Decimal


@dataclass(frozen=True, slots=True)
class EntradaApuracao:
    """The stored inputs of one apuração."""

    grupo: str  #: the group's code: binds the hash to the group
    assembleia: int  #: the assembleia's number within the group
    tamanho_grupo: int
    regras: RegrasAssembleia
    extracao: ExtracaoLoteria
    cotas_ativas: tuple[CotaAtiva, ...]
    cotas_excluidas: tuple[CotaExcluida, ...]
    lances: tuple[Lance, ...]
    saldo_fundo_comum: Decimal
    saldo_fundo_reserva: Decimal
    #: Cotas whose winning lance was not paid in time: their lance no longer counts.
    lances_desclassificados: frozenset[int] = field(default_factory=frozenset)

    def normalizada(self) -> EntradaApuracao:
        """Same inputs in canonical form: sorted, and every decimal in its shortest spelling.

        Messages in the result quote percentages, so "25.00" and "25" must
        already be the same value here for the result to depend only on the
        canonical inputs.
        """
        r = self.regras
        fixo = r.lance_fixo_percentual
        regras = replace(
            r,
            lance_minimo_percentual=_curto(r.lance_minimo_percentual),
            lance_fixo_percentual=None if fixo is None else _curto(fixo),
            embutido_maximo_percentual=_curto(r.embutido_maximo_percentual),
        )
        return replace(
            self,
            regras=regras,
            cotas_ativas=tuple(
                CotaAtiva(
                    c.numero,
                    _curto(c.valor_credito),
                    _curto(c.percentual_devido),
                    c.parcelas_restantes,
                    None if c.percentual_devido_integral is None else _curto(c.percentual_devido_integral),
                )
                for c in sorted(self.cotas_ativas, key=lambda c: c.numero)
            ),
            cotas_excluidas=tuple(
                CotaExcluida(c.numero, _curto(c.valor_restituicao))
                for c in sorted(self.cotas_excluidas, key=lambda c: c.numero)
            ),
            lances=tuple(
                Lance(lance.cota, lance.tipo, _curto(lance.percentual), _curto(lance.percentual_embutido))
                for lance in sorted(self.lances, key=lambda lance: lance.cota)
            ),
            saldo_fundo_comum=_curto(self.saldo_fundo_comum),
            saldo_fundo_reserva=_curto(self.saldo_fundo_reserva),
            lances_desclassificados=frozenset(self.lances_desclassificados),
        )

    def erros(self) -> list[ErroCampo]:
        """Structural problems that make the inputs unusable."""
        erros = self.regras.erros(self.tamanho_grupo)
        vistas: set[int] = set()
        for nome, numeros in (
            ("cotas_ativas", [c.numero for c in self.cotas_ativas]),
            ("cotas_excluidas", [c.numero for c in self.cotas_excluidas]),
        ):
            for n in numeros:
                if not 1 <= n <= self.tamanho_grupo:
                    erros.append(
                        ErroCampo(nome, f"A cota {n} não existe em um grupo de {self.tamanho_grupo}.")
                    )
                elif n in vistas:
                    erros.append(ErroCampo(nome, f"A cota {n} aparece mais de uma vez."))
                vistas.add(n)
        for c in self.cotas_ativas:
            if not c.valor_credito > ZERO:
                erros.append(ErroCampo("cotas_ativas", f"A cota {c.numero} tem crédito não positivo."))
            if c.percentual_devido < ZERO or c.parcelas_restantes < 0:
                erros.append(ErroCampo("cotas_ativas", f"A cota {c.numero} tem saldo devedor negativo."))
            integral = c.percentual_devido_integral
            if self.regras.lance_paga is LancePaga.PARCELA_INTEGRAL and (
                integral is None or not integral.is_finite() or integral < c.percentual_devido
            ):
                erros.append(
                    ErroCampo(
                        "cotas_ativas",
                        f"A cota {c.numero} precisa do saldo das parcelas inteiras "
                        "(lance paga parcela integral), não menor que o do fundo comum.",
                    )
                )
        for e in self.cotas_excluidas:
            if e.valor_restituicao < ZERO:
                erros.append(ErroCampo("cotas_excluidas", f"A cota {e.numero} tem restituição negativa."))
        com_lance: set[int] = set()
        for lance in self.lances:
            if lance.cota in com_lance:
                erros.append(ErroCampo("lances", f"A cota {lance.cota} tem mais de um lance ativo."))
            com_lance.add(lance.cota)
        saldos = {
            "saldo_fundo_comum": self.saldo_fundo_comum,
            "saldo_fundo_reserva": self.saldo_fundo_reserva,
        }
        for nome, valor in saldos.items():
            if not valor.is_finite() or valor < ZERO:
                erros.append(ErroCampo(nome, "O saldo deve ser um valor não negativo."))
        return erros

    def validar(self) -> None:
        """Raise ``RegraViolada`` when ``erros`` finds anything."""
        erros = self.erros()
        if erros:
            raise RegraViolada(erros, "Entrada de apuração inválida")
