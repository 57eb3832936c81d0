"""Sorteio from the Loteria Federal: parsing, the centena and finais methods."""

from tenant_app.assembleias.sorteio.aproximacao import (
    DirecaoAproximacao,
    chave_aproximacao,
    ordem_aproximacao,
)
from tenant_app.assembleias.sorteio.centena import (
    CandidatoCentena,
    MotivoDescarte,
    candidatos_centena,
    tabela_equivalencia_modular,
)
from tenant_app.assembleias.sorteio.extracao import ExtracaoLoteria, parse_extracao
from tenant_app.assembleias.sorteio.final import numero_final
from tenant_app.assembleias.sorteio.ordem import MetodoSorteio, Sorteio, sortear

__all__ = [
    "CandidatoCentena",
    "DirecaoAproximacao",
    "ExtracaoLoteria",
    "MetodoSorteio",
    "MotivoDescarte",
    "Sorteio",
    "candidatos_centena",
    "chave_aproximacao",
    "numero_final",
    "ordem_aproximacao",
    "parse_extracao",
    "sortear",
    "tabela_equivalencia_modular",
]
