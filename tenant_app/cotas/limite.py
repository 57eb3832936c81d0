"""The cap on the cotas one consorciado may hold in a group (pure).

Res. BCB 285/2023 (re-wording Circular BCB 3.432/2009 art. 7º §4º): a
consorciado, counted together with its cônjuge or companheiro, may hold at
most 10 % of the group's ACTIVE cotas, measured on the date of the sale of
each cota. The count is taken as it would be right after the sale (the cota
being sold is active and the buyer's), rounded down ("at most"); one cota is
always allowed, or nobody could join a group in formation, where no cota is
active yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

#: At most 10 % of the group's active cotas per consorciado with its cônjuge.
LIMITE_PCT = 10


def limite_de_cotas(ativas: int) -> int:
    """How many of ``ativas`` active cotas one consorciado (with its cônjuge) may hold: 10 %, at least 1."""
    return max(1, ativas * LIMITE_PCT // 100)


@dataclass(frozen=True)
class LimiteCotas:
    """The cap as measured for one sale: the numbers a refusal must show."""

    data: date
    #: Cotas the consorciado and its cônjuge would hold after the sale.
    detidas: int
    #: The group's active cotas on ``data``, after the sale.
    ativas: int

    @property
    def limite(self) -> int:
        """The most they may hold."""
        return limite_de_cotas(self.ativas)

    @property
    def permitido(self) -> bool:
        """Within the cap."""
        return self.detidas <= self.limite

    def explicacao(self) -> str:
        """Why a sale is refused, with the numbers."""
        return (
            f"Com esta cota o consorciado e seu cônjuge/companheiro teriam {self.detidas} cota(s) ativa(s) "
            f"no grupo; o limite é {self.limite} (10% das {self.ativas} cotas ativas em "
            f"{self.data:%d/%m/%Y}, contando esta)."
        )


def medir_venda(
    data: date, detidas_antes: int, ativas_antes: int, *, cota_ja_ativa: bool = False
) -> LimiteCotas:
    """The cap for one more cota going to the buyer on ``data``.

    ``cota_ja_ativa`` is a cessão (the cota is already active and counted);
    an adesão or a readmissão adds an active cota.
    """
    return LimiteCotas(
        data=data, detidas=detidas_antes + 1, ativas=ativas_antes + (0 if cota_ja_ativa else 1)
    )
