"""A Loteria Federal extraction: its number and its five prizes.

Each prize is a 5-digit ticket (00000-99999). Leading zeros matter, so
prizes are kept as strings. Results are often published with a thousands
dot ("04.817"); that form is accepted and normalised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tenant_app.assembleias.erros import ErroCampo, ExtracaoInvalida

PREMIOS_POR_EXTRACAO = 5
_PREMIO = re.compile(r"^(\d{2})\.?(\d{3})$")
# Extractions are numbered sequentially since the 1960s; five digits is ample
# and catches a prize typed into the wrong field.
_CONCURSO_MAXIMO = 99_999


@dataclass(frozen=True, slots=True)
class ExtracaoLoteria:
    """A validated extraction: ``concurso`` number and the 5 prizes in order."""

    concurso: int
    premios: tuple[str, ...]

    def __post_init__(self) -> None:
        # Built only through parse_extracao or from stored canonical data; the
        # check keeps a hand-built instance from smuggling in bad prizes.
        if len(self.premios) != PREMIOS_POR_EXTRACAO or not all(
            len(p) == 5 and p.isdigit() and p.isascii() for p in self.premios
        ):
            raise ExtracaoInvalida(ErroCampo("premios", "Informe os 5 prêmios com 5 dígitos cada."))


def parse_extracao(concurso: object, premios: object) -> ExtracaoLoteria:
    """Validate raw input (as it comes from JSON) and build the extraction.

    Raises ``ExtracaoInvalida`` listing every bad field, so the user can fix
    all of them at once.
    """
    erros: list[ErroCampo] = []
    numero = 0
    if isinstance(concurso, bool) or not isinstance(concurso, int):
        erros.append(ErroCampo("concurso", "O número da extração deve ser um número inteiro."))
    elif not 1 <= concurso <= _CONCURSO_MAXIMO:
        erros.append(ErroCampo("concurso", f"O número da extração deve estar entre 1 e {_CONCURSO_MAXIMO}."))
    else:
        numero = concurso

    normalizados: list[str] = []
    if not isinstance(premios, list | tuple):
        erros.append(ErroCampo("premios", "Informe a lista dos 5 prêmios da extração."))
    elif len(premios) != PREMIOS_POR_EXTRACAO:
        erros.append(
            ErroCampo("premios", f"A extração tem exatamente 5 prêmios; foram informados {len(premios)}.")
        )
    else:
        for i, premio in enumerate(premios):
            campo = f"premios[{i}]"
            if not isinstance(premio, str):
                # A JSON number would silently lose leading zeros (04817 -> 4817).
                erros.append(ErroCampo(campo, 'Informe o prêmio como texto de 5 dígitos, ex.: "04817".'))
                continue
            m = _PREMIO.match(premio.strip())
            if m is None or not premio.isascii():
                erros.append(
                    ErroCampo(campo, f'Prêmio "{premio}" inválido: use 5 dígitos, ex.: 04817 ou 04.817.')
                )
                continue
            normalizados.append(m.group(1) + m.group(2))
        if len(normalizados) == PREMIOS_POR_EXTRACAO:
            # The five prizes are five different tickets; a repeat is a typo.
            vistos: dict[str, int] = {}
            for i, p in enumerate(normalizados):
                if p in vistos:
                    erros.append(
                        ErroCampo(
                            f"premios[{i}]",
                            f"O prêmio {p} repete o {vistos[p] + 1}º prêmio; "
                            "cada prêmio é um bilhete distinto.",
                        )
                    )
                vistos.setdefault(p, i)

    if erros:
        raise ExtracaoInvalida(erros)
    return ExtracaoLoteria(concurso=numero, premios=tuple(normalizados))
