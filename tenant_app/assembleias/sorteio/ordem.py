"""From an extraction to the order in which cotas are contemplated by sorteio.

The drawn order is the same for active cotas (contemplação) and excluded
cotas (restitution draws); each use filters it by its own eligibility.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum

from tenant_app.assembleias.sorteio.aproximacao import DirecaoAproximacao, ordem_aproximacao
from tenant_app.assembleias.sorteio.centena import CandidatoCentena, candidatos_centena
from tenant_app.assembleias.sorteio.extracao import ExtracaoLoteria
from tenant_app.assembleias.sorteio.final import numero_final


class MetodoSorteio(StrEnum):
    """How the Loteria Federal extraction is turned into a cota."""

    CENTENA = "centena"
    FINAIS = "finais"


@dataclass(frozen=True, slots=True)
class Sorteio:
    """What the extraction drew for one group."""

    metodo: MetodoSorteio
    #: The number that breaks lance ties (and, in the finais method, where the
    #: nearest-cota walk starts). Centena: the first candidate naming a cota.
    #: None when no candidate names a cota.
    numero_sorteado: int | None
    #: Centena method only: the ten candidates, for the assembly record.
    candidatos: tuple[CandidatoCentena, ...]
    tamanho_grupo: int
    direcao: DirecaoAproximacao

    def ordem(self) -> Iterator[int]:
        """Cotas in contemplation order, each at most once, eligibility not yet applied."""
        if self.metodo is MetodoSorteio.CENTENA:
            vistos: set[int] = set()
            for c in self.candidatos:
                if c.cota is not None and c.cota not in vistos:
                    vistos.add(c.cota)
                    yield c.cota
        elif self.numero_sorteado is not None:
            yield from ordem_aproximacao(self.numero_sorteado, self.tamanho_grupo, self.direcao)

    def elegiveis(self, cotas: Collection[int]) -> Iterator[int]:
        """``ordem`` restricted to the given cotas: first is contemplated, next are reserves."""
        return (c for c in self.ordem() if c in cotas)


def sortear(
    extracao: ExtracaoLoteria,
    tamanho_grupo: int,
    *,
    metodo: MetodoSorteio,
    zero_vale_mil: bool,
    direcao: DirecaoAproximacao,
    tabela_equivalencia: Mapping[int, int] | None = None,
) -> Sorteio:
    """Apply the contract's method to the extraction."""
    if metodo is MetodoSorteio.CENTENA:
        candidatos = candidatos_centena(
            extracao, tamanho_grupo, zero_vale_mil=zero_vale_mil, tabela_equivalencia=tabela_equivalencia
        )
        numero = next((c.cota for c in candidatos if c.cota is not None), None)
        return Sorteio(metodo, numero, candidatos, tamanho_grupo, direcao)
    numero = numero_final(extracao, tamanho_grupo, zero_vale_maximo=zero_vale_mil)
    return Sorteio(metodo, numero, (), tamanho_grupo, direcao)
