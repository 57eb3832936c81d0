"""The group's contract parameters that drive an assembleia.

Everything the contract decides is here, so the apuração is a pure function
of (rules, extraction, eligibility snapshot, lances, fund balances).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar

from tenant_app.assembleias.erros import ErroCampo, RegrasInvalidas
from tenant_app.assembleias.sorteio.aproximacao import DirecaoAproximacao
from tenant_app.assembleias.sorteio.centena import MAIOR_NUMERO_CENTENA, validar_tabela_equivalencia
from tenant_app.assembleias.sorteio.ordem import METODOS_CENTENA, MetodoSorteio
from tenant_app.dinheiro.amortizacao import AmortizacaoLance, LancePaga


class TipoLance(StrEnum):
    """Lance kinds (Res. BCB 285): own money, contract-fixed, or from the credit."""

    LIVRE = "livre"
    FIXO = "fixo"
    EMBUTIDO = "embutido"


CEM = Decimal(100)


@dataclass(frozen=True, slots=True)
class RegrasAssembleia:
    """Contract parameters of one grupo for its assembleias.

    The sorteio clause is ``metodo_sorteio`` (which digits of which prizes),
    ``zero_vale_mil`` / ``zero_vale_maior_cota`` (what "000" names),
    ``tabela_equivalencia``, and the approximation (``direcao_aproximacao``,
    ``aproximar_sem_candidato``): all of it is part of the apuração's canonical
    inputs and hash.
    """

    #: Fields added after canonical format 1, with the value that reproduces format 1: the
    #: canonical JSON carries them only when they differ, so stored inputs keep their hash.
    __canonico_desde_formato_1__: ClassVar[Mapping[str, object]] = {
        "zero_vale_maior_cota": False,
        "aproximar_sem_candidato": False,
        "lance_paga": LancePaga.FUNDO_COMUM,
    }

    metodo_sorteio: MetodoSorteio
    #: "000" (or all zeros in the finais method) names the highest number instead of being invalid.
    zero_vale_mil: bool = True
    #: "000" names the group's highest cota (e.g. cota 500 of a 500-cota group); wins over ``zero_vale_mil``.
    zero_vale_maior_cota: bool = False
    #: Centena methods: when no candidate names an eligible cota, approximate from the 1st prize's
    #: number in ``direcao_aproximacao`` (a draw always reaches an eligible cota, restitution too).
    #: False only reproduces format-1 inputs; a group's rules default to True (RegrasAssembleiaIn).
    aproximar_sem_candidato: bool = False
    #: Centena method, groups under 1,000 cotas: drawn number -> cota.
    tabela_equivalencia: Mapping[int, int] | None = None
    direcao_aproximacao: DirecaoAproximacao = DirecaoAproximacao.ALTERNADA
    #: Sorteio contemplations planned per AGO.
    contemplacoes_sorteio: int = 1
    #: Sorteios among excluded cotas for restitution, per AGO.
    sorteios_restituicao: int = 0
    tipos_lance: frozenset[TipoLance] = field(default_factory=lambda: frozenset({TipoLance.LIVRE}))
    #: Minimum percentage of the credit for livre and embutido lances.
    lance_minimo_percentual: Decimal = Decimal(0)
    #: The percentage every fixo lance offers.
    lance_fixo_percentual: Decimal | None = None
    #: Highest share of the credit that an embutido lance may take from the credit itself.
    embutido_maximo_percentual: Decimal = Decimal(0)
    #: Upper bound on lance contemplations per AGO (None: as many as funds cover).
    contemplacoes_lance_maximo: int | None = None
    #: The fundo de reserva may top up a planned sorteio the fundo comum cannot cover.
    fundo_reserva_completa_sorteios: bool = False
    #: Extra sorteio contemplations the fundo de reserva alone may fund per AGO.
    fundo_reserva_sorteios_extras: int = 0
    amortizacao_lance: AmortizacaoLance = AmortizacaoLance.REDUZIR_PRAZO
    #: What the lance pays of the parcelas it covers: the fundo comum only (default, format 1)
    #: or whole parcelas (``dinheiro.amortizacao.LancePaga``). Then every active cota carries
    #: its whole-parcela balance (``CotaAtiva.percentual_devido_integral``).
    lance_paga: LancePaga = LancePaga.FUNDO_COMUM

    def erros(self, tamanho_grupo: int) -> list[ErroCampo]:
        """Every inconsistency between these rules and a group of this size."""
        erros: list[ErroCampo] = []
        if tamanho_grupo < 1:
            erros.append(ErroCampo("tamanho_grupo", "O grupo precisa ter ao menos uma cota."))
            return erros
        if self.metodo_sorteio in METODOS_CENTENA and tamanho_grupo > MAIOR_NUMERO_CENTENA:
            erros.append(
                ErroCampo(
                    "metodo_sorteio",
                    "O método da centena só sorteia números até 1000; use o método de finais.",
                )
            )
        if self.tabela_equivalencia is not None:
            if self.metodo_sorteio not in METODOS_CENTENA:
                erros.append(
                    ErroCampo("tabela_equivalencia", "Tabela de equivalência só se usa no método da centena.")
                )
            else:
                erros.extend(validar_tabela_equivalencia(self.tabela_equivalencia, tamanho_grupo))
        for nome in ("contemplacoes_sorteio", "sorteios_restituicao", "fundo_reserva_sorteios_extras"):
            if getattr(self, nome) < 0:
                erros.append(ErroCampo(nome, "Não pode ser negativo."))
        if self.contemplacoes_lance_maximo is not None and self.contemplacoes_lance_maximo < 0:
            erros.append(ErroCampo("contemplacoes_lance_maximo", "Não pode ser negativo."))
        if not self.tipos_lance <= set(TipoLance):
            erros.append(ErroCampo("tipos_lance", "Tipo de lance desconhecido."))
        if not Decimal(0) <= self.lance_minimo_percentual < CEM:
            erros.append(ErroCampo("lance_minimo_percentual", "Deve estar entre 0% e 100%."))
        # Each percentage is checked even when its lance type is off: it is stored all the same.
        p = self.lance_fixo_percentual
        if TipoLance.FIXO in self.tipos_lance:
            if p is None or not Decimal(0) < p < CEM:
                erros.append(
                    ErroCampo(
                        "lance_fixo_percentual",
                        "O contrato com lance fixo precisa do percentual (0% a 100%).",
                    )
                )
        elif p is not None and not Decimal(0) <= p < CEM:
            erros.append(ErroCampo("lance_fixo_percentual", "Deve estar entre 0% e 100%."))
        embutido = self.embutido_maximo_percentual
        if TipoLance.EMBUTIDO in self.tipos_lance:
            if not Decimal(0) < embutido < CEM:
                erros.append(
                    ErroCampo(
                        "embutido_maximo_percentual",
                        "O contrato com lance embutido precisa do limite (entre 0% e 100% do crédito).",
                    )
                )
        elif not Decimal(0) <= embutido < CEM:
            erros.append(ErroCampo("embutido_maximo_percentual", "Deve estar entre 0% e 100%."))
        return erros

    def validar(self, tamanho_grupo: int) -> None:
        """Raise ``RegrasInvalidas`` when ``erros`` finds anything."""
        erros = self.erros(tamanho_grupo)
        if erros:
            raise RegrasInvalidas(erros)
