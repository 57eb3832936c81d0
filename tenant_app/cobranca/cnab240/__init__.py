"""CNAB 240 (FEBRABAN, 240 posições), pure: cobrança (remessa P/Q/R, retorno T/U) and pagamentos (A/B)."""

from tenant_app.cobranca.cnab240.campos import ErroCnab
from tenant_app.cobranca.cnab240.empresa import ContaEmpresa
from tenant_app.cobranca.cnab240.pagamentos import (
    Favorecido,
    FormaLancamento,
    Pagamento,
    RemessaPagamentos,
    TipoChavePix,
    escrever_remessa_pagamentos,
    linhas_remessa_pagamentos,
)
from tenant_app.cobranca.cnab240.remessa import (
    Movimento,
    Pagador,
    Remessa,
    TituloRemessa,
    escrever_remessa,
    linhas_remessa,
)
from tenant_app.cobranca.cnab240.retorno import Ocorrencia, Retorno, TituloRetorno, ler_retorno
from tenant_app.cobranca.cnab240.retorno_pagamentos import (
    PagamentoRetorno,
    RetornoPagamentos,
    ler_retorno_pagamentos,
)

__all__ = [
    "ContaEmpresa",
    "ErroCnab",
    "Favorecido",
    "FormaLancamento",
    "Movimento",
    "Ocorrencia",
    "Pagador",
    "Pagamento",
    "PagamentoRetorno",
    "Remessa",
    "RemessaPagamentos",
    "Retorno",
    "RetornoPagamentos",
    "TipoChavePix",
    "TituloRemessa",
    "TituloRetorno",
    "escrever_remessa",
    "escrever_remessa_pagamentos",
    "ler_retorno",
    "ler_retorno_pagamentos",
    "linhas_remessa",
    "linhas_remessa_pagamentos",
]
