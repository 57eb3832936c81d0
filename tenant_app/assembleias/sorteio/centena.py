"""The centena methods: 3-digit candidates from the five prizes.

Two contract clauses: the common *centena final* (the last three digits of
the 1st prize, then of the 2nd ... 5th: five candidates) and the
*interleaved* variant (for each prize in order, the digits at positions
3-4-5 and then at 1-2-3: ten candidates). A candidate above the group size is
discarded; groups under 1,000 cotas may instead map numbers to cotas through
an equivalence table written in the contract. Whether "000" is 1000, the
group's highest cota, or an invalid number is also a contract choice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from tenant_app.assembleias.erros import ErroCampo, RegrasInvalidas
from tenant_app.assembleias.sorteio.extracao import ExtracaoLoteria

#: The method only ever produces numbers 1..1000.
MAIOR_NUMERO_CENTENA = 1000


class MotivoDescarte(StrEnum):
    """Why a candidate does not name a cota."""

    ZERO_INVALIDO = "zero_invalido"
    ACIMA_DO_GRUPO = "acima_do_grupo"
    FORA_DA_TABELA = "fora_da_tabela"


@dataclass(frozen=True, slots=True)
class CandidatoCentena:
    """One of the ten candidates, with the cota it names or why it names none."""

    premio: int  #: 1..5
    digitos: str  #: "345" or "123": which positions of the prize
    centena: str  #: the three digits, e.g. "047"
    cota: int | None
    descarte: MotivoDescarte | None


def validar_tabela_equivalencia(tabela: Mapping[int, int], tamanho_grupo: int) -> list[ErroCampo]:
    """Errors in a contract's equivalence table (empty list when it is usable)."""
    erros: list[ErroCampo] = []
    if tamanho_grupo >= MAIOR_NUMERO_CENTENA:
        erros.append(
            ErroCampo(
                "tabela_equivalencia",
                "Tabela de equivalência só se aplica a grupos com menos de 1.000 cotas.",
            )
        )
        return erros
    for numero, cota in sorted(tabela.items()):
        if not 1 <= numero <= MAIOR_NUMERO_CENTENA:
            erros.append(
                ErroCampo(f"tabela_equivalencia.{numero}", "Os números sorteáveis vão de 001 a 1000 (000).")
            )
        if not 1 <= cota <= tamanho_grupo:
            erros.append(
                ErroCampo(
                    f"tabela_equivalencia.{numero}",
                    f"A cota {cota} não existe em um grupo de {tamanho_grupo} cotas.",
                )
            )
    covered = set(tabela.values())
    faltando = [c for c in range(1, tamanho_grupo + 1) if c not in covered]
    if faltando and not erros:
        # A cota with no number could never be drawn: the draw would not be fair.
        erros.append(
            ErroCampo(
                "tabela_equivalencia",
                f"Cotas sem número na tabela não podem ser sorteadas: {', '.join(map(str, faltando[:10]))}"
                + ("..." if len(faltando) > 10 else "."),
            )
        )
    return erros


def tabela_equivalencia_modular(tamanho_grupo: int) -> dict[int, int]:
    """The usual table: number n names cota ((n-1) mod size) + 1.

    Only the largest multiple of the group size up to 1000 is used, so that
    every cota gets the same count of numbers; the rest are discarded.
    """
    if not 1 <= tamanho_grupo < MAIOR_NUMERO_CENTENA:
        raise RegrasInvalidas(
            ErroCampo("tamanho_grupo", "Tabela de equivalência só para grupos com menos de 1.000 cotas.")
        )
    limite = (MAIOR_NUMERO_CENTENA // tamanho_grupo) * tamanho_grupo
    return {n: (n - 1) % tamanho_grupo + 1 for n in range(1, limite + 1)}


def candidatos_centena(
    extracao: ExtracaoLoteria,
    tamanho_grupo: int,
    *,
    zero_vale_mil: bool,
    tabela_equivalencia: Mapping[int, int] | None = None,
    so_finais: bool = False,
    zero_vale_maior_cota: bool = False,
) -> tuple[CandidatoCentena, ...]:
    """The candidates in draw order, each resolved to a cota or discarded.

    ``so_finais``: the centena final clause (positions 3-4-5 of each prize),
    else the interleaved one (3-4-5 then 1-2-3 of each prize).
    ``zero_vale_maior_cota``: "000" names the group's highest cota.
    """
    candidatos: list[CandidatoCentena] = []
    for indice, premio in enumerate(extracao.premios, start=1):
        janelas = (("345", premio[2:5]),) if so_finais else (("345", premio[2:5]), ("123", premio[0:3]))
        for digitos, centena in janelas:
            numero = int(centena)
            cota: int | None = None
            descarte: MotivoDescarte | None = None
            if numero == 0 and zero_vale_maior_cota:
                cota = tamanho_grupo
            elif numero == 0 and not zero_vale_mil:
                descarte = MotivoDescarte.ZERO_INVALIDO
            else:
                numero = numero or MAIOR_NUMERO_CENTENA
                if tabela_equivalencia is not None:
                    cota = tabela_equivalencia.get(numero)
                    if cota is None:
                        descarte = MotivoDescarte.FORA_DA_TABELA
                elif numero > tamanho_grupo:
                    descarte = MotivoDescarte.ACIMA_DO_GRUPO
                else:
                    cota = numero
            candidatos.append(CandidatoCentena(indice, digitos, centena, cota, descarte))
    return tuple(candidatos)
