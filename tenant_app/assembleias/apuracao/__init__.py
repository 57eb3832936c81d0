"""The apuração of an assembleia: contract rules, funds, lances, canonical result."""

from tenant_app.assembleias.apuracao.apurar import apurar, apurar_com_entrada
from tenant_app.assembleias.apuracao.canonico import (
    entrada_canonica,
    entrada_de_json,
    hash_entrada,
    resultado_canonico,
)
from tenant_app.assembleias.apuracao.entrada import CotaAtiva, CotaExcluida, EntradaApuracao
from tenant_app.assembleias.apuracao.fundos import Debito, Saldos, creditos_cobertos, debitar
from tenant_app.assembleias.apuracao.lances import (
    Lance,
    ValoresLance,
    classificar_lances,
    erros_lance,
    valores_lance,
)
from tenant_app.assembleias.apuracao.regras import RegrasAssembleia, TipoLance
from tenant_app.assembleias.apuracao.resultado import (
    Contemplacao,
    LanceApurado,
    Modalidade,
    MotivoNaoRealizado,
    ResultadoApuracao,
    SituacaoLance,
    SorteioNaoRealizado,
)
from tenant_app.dinheiro.amortizacao import Amortizacao, AmortizacaoLance, amortizar

__all__ = [
    "Amortizacao",
    "AmortizacaoLance",
    "Contemplacao",
    "CotaAtiva",
    "CotaExcluida",
    "Debito",
    "EntradaApuracao",
    "Lance",
    "LanceApurado",
    "Modalidade",
    "MotivoNaoRealizado",
    "RegrasAssembleia",
    "ResultadoApuracao",
    "Saldos",
    "SituacaoLance",
    "SorteioNaoRealizado",
    "TipoLance",
    "ValoresLance",
    "amortizar",
    "apurar",
    "apurar_com_entrada",
    "classificar_lances",
    "creditos_cobertos",
    "debitar",
    "entrada_canonica",
    "entrada_de_json",
    "erros_lance",
    "hash_entrada",
    "resultado_canonico",
    "valores_lance",
]
