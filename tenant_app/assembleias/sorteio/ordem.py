"""From an extraction to the order in which cotas are contemplated by sorteio.

The drawn order is the same for active cotas (contemplação) and excluded
cotas (restitution draws); each use filters it by its own eligibility.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum

from tenant_app.assembleias.sorteio.aproximacao import DirecaoAproximacao, ordem_aproximacao
from tenant_app.assembleias.sorteio.centena import (
    MAIOR_NUMERO_CENTENA,
    CandidatoCentena,
    MotivoDescarte,
    candidatos_centena,
)
from tenant_app.assembleias.sorteio.extracao import ExtracaoLoteria
from tenant_app.assembleias.sorteio.final import numero_final


class MetodoSorteio(StrEnum):
    """How the Loteria Federal extraction is turned into a cota: the contract's sorteio clause."""

    #: (a) The last three digits of the 1st prize, then of the 2nd ... 5th (the common clause).
    CENTENA_FINAL = "centena_final"
    #: (b) Interleaved: per prize, positions 3-4-5 then 1-2-3 (a variant some contracts use).
    CENTENA = "centena"
    #: (c) The dezena, centena or milhar final of the 1st prize (as many digits as the group size).
    FINAIS = "finais"


#: The methods that read 3-digit candidates.
METODOS_CENTENA = frozenset({MetodoSorteio.CENTENA, MetodoSorteio.CENTENA_FINAL})


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
    #: Centena methods: after the candidates, walk from ``referencia`` (the 1st
    #: prize's number) in ``direcao``, so a draw always reaches an eligible cota.
    aproximar: bool = False
    referencia: int = 0

    def ordem(self) -> Iterator[int]:
        """Cotas in contemplation order, each at most once, eligibility not yet applied."""
        if self.metodo in METODOS_CENTENA:
            vistos: set[int] = set()
            for c in self.candidatos:
                if c.cota is not None and c.cota not in vistos:
                    vistos.add(c.cota)
                    yield c.cota
            if self.aproximar:
                yield from (
                    c
                    for c in ordem_aproximacao(self.referencia, self.tamanho_grupo, self.direcao)
                    if c not in vistos
                )
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
    zero_vale_maior_cota: bool = False,
    aproximar_sem_candidato: bool = False,
) -> Sorteio:
    """Apply the contract's method to the extraction.

    ``aproximar_sem_candidato`` (centena methods): when no candidate names an
    eligible cota, the contract's approximation from the 1st prize's number
    decides (the finais method always approximates).
    """
    if metodo in METODOS_CENTENA:
        candidatos = candidatos_centena(
            extracao,
            tamanho_grupo,
            zero_vale_mil=zero_vale_mil,
            tabela_equivalencia=tabela_equivalencia,
            so_finais=metodo is MetodoSorteio.CENTENA_FINAL,
            zero_vale_maior_cota=zero_vale_maior_cota,
        )
        numero = next((c.cota for c in candidatos if c.cota is not None), None)
        primeiro = candidatos[0]
        if primeiro.cota is not None:
            referencia = primeiro.cota
        elif primeiro.descarte is MotivoDescarte.ZERO_INVALIDO:
            referencia = 0
        else:
            referencia = int(primeiro.centena) or MAIOR_NUMERO_CENTENA
        return Sorteio(
            metodo, numero, candidatos, tamanho_grupo, direcao, aproximar_sem_candidato, referencia
        )
    numero = numero_final(
        extracao, tamanho_grupo, zero_vale_maximo=zero_vale_mil, zero_vale_maior_cota=zero_vale_maior_cota
    )
    return Sorteio(metodo, numero, (), tamanho_grupo, direcao)
