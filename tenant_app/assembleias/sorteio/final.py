"""The final-digits method: the last k digits of the 1st prize.

k is the number of digits of the group size (a group of 5,000 cotas uses
the last 4 digits). The number may exceed the group or be zero; it is then
the starting point of the nearest-cota walk, like an ineligible drawn cota.
"""

from __future__ import annotations

from tenant_app.assembleias.erros import ErroCampo, RegrasInvalidas
from tenant_app.assembleias.sorteio.extracao import ExtracaoLoteria


def digitos_do_grupo(tamanho_grupo: int) -> int:
    """k: how many trailing digits of the 1st prize the method reads."""
    k = len(str(tamanho_grupo))
    if tamanho_grupo < 1 or k > 5:
        raise RegrasInvalidas(
            ErroCampo("tamanho_grupo", "O método de finais exige um grupo de 1 a 99.999 cotas.")
        )
    return k


def numero_final(
    extracao: ExtracaoLoteria,
    tamanho_grupo: int,
    *,
    zero_vale_maximo: bool,
    zero_vale_maior_cota: bool = False,
) -> int:
    """The drawn number: the last k digits of the 1st prize (dezena, centena or milhar final).

    All zeros means the group's highest cota when ``zero_vale_maior_cota``,
    10**k when ``zero_vale_maximo`` (the "000 is 1000" contract rule
    generalised), else 0; either way the nearest-cota walk takes over when it
    is not a cota of the group.
    """
    if zero_vale_maior_cota:
        # All zeros names the highest cota, so the numbers below it set the digits: a group of
        # exactly 100 cotas reads the dezena final (00 = cota 100), one of 1,000 the centena.
        k = digitos_do_grupo(max(tamanho_grupo - 1, 1))
        numero = int(extracao.premios[0][-k:])
        return numero or tamanho_grupo
    k = digitos_do_grupo(tamanho_grupo)
    numero = int(extracao.premios[0][-k:])
    if numero == 0 and zero_vale_maximo:
        return 10**k
    return numero
