"""CNAB 240 (FEBRABAN, 240 posições): remessa de cobrança writer and retorno parser, pure."""

from tenant_app.cobranca.cnab240.campos import ErroCnab
from tenant_app.cobranca.cnab240.remessa import (
    ContaBeneficiario,
    Movimento,
    Pagador,
    Remessa,
    TituloRemessa,
    escrever_remessa,
    linhas_remessa,
)
from tenant_app.cobranca.cnab240.retorno import Ocorrencia, Retorno, TituloRetorno, ler_retorno

__all__ = [
    "ContaBeneficiario",
    "ErroCnab",
    "Movimento",
    "Ocorrencia",
    "Pagador",
    "Remessa",
    "Retorno",
    "TituloRemessa",
    "TituloRetorno",
    "escrever_remessa",
    "ler_retorno",
    "linhas_remessa",
]
