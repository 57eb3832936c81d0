"""What an apuração decides, in a shape that serialises canonically."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from tenant_app.assembleias.apuracao.fundos import Debito, Saldos
from tenant_app.assembleias.apuracao.lances import ValoresLance
from tenant_app.assembleias.apuracao.regras import TipoLance
from tenant_app.assembleias.sorteio.centena import CandidatoCentena
from tenant_app.dinheiro.amortizacao import Amortizacao


class Modalidade(StrEnum):
    """How a cota was contemplated."""

    SORTEIO = "sorteio"
    #: An extra sorteio paid by the fundo de reserva (Res. BCB 285 art. 22).
    SORTEIO_FUNDO_RESERVA = "sorteio_fundo_reserva"
    #: An excluded cota drawn for restitution of what it paid.
    RESTITUICAO = "restituicao"
    LANCE = "lance"


class MotivoNaoRealizado(StrEnum):
    """Why a planned sorteio did not contemplate anyone."""

    SEM_COTA_ELEGIVEL = "sem_cota_elegivel"
    FUNDOS_INSUFICIENTES = "fundos_insuficientes"


class SituacaoLance(StrEnum):
    """Outcome of each lance."""

    CONTEMPLADO = "contemplado"
    NAO_CONTEMPLADO = "nao_contemplado"  #: ranked, but funds ran out first (a reserve)
    DESCONSIDERADO = "desconsiderado"  #: did not compete, see ``motivo``


@dataclass(frozen=True, slots=True)
class Contemplacao:
    """One cota awarded its carta de crédito (or its restitution)."""

    ordem: int  #: 1-based, in the order awards were made
    cota: int
    modalidade: Modalidade
    valor_credito: Decimal  #: credit of the cota, or the restitution amount
    valor_liberado: Decimal  #: paid out: credit minus any embutido part
    debito: Debito  #: net money taken from the funds
    lance: ValoresLance | None = None
    amortizacao: Amortizacao | None = None


@dataclass(frozen=True, slots=True)
class LanceApurado:
    """Every lance, in rank order for those that competed."""

    cota: int
    tipo: TipoLance
    percentual: Decimal
    percentual_embutido: Decimal
    situacao: SituacaoLance
    posicao: int | None  #: rank among competing lances, 1-based
    motivo: str | None  #: why it was set aside, in Portuguese


@dataclass(frozen=True, slots=True)
class SorteioNaoRealizado:
    """A planned sorteio that awarded nothing; ``cota`` is the one drawn, if any."""

    modalidade: Modalidade
    motivo: MotivoNaoRealizado
    cota: int | None


@dataclass(frozen=True, slots=True)
class ResultadoApuracao:
    """The canonical outcome of one apuração."""

    hash_entrada: str
    numero_sorteado: int | None
    candidatos_centena: tuple[CandidatoCentena, ...]
    contemplacoes: tuple[Contemplacao, ...]
    nao_realizados: tuple[SorteioNaoRealizado, ...]
    #: Next eligible active cotas in draw order, should a sorteio award fall through.
    reservas_sorteio: tuple[int, ...]
    reservas_restituicao: tuple[int, ...]
    lances: tuple[LanceApurado, ...]
    saldo_inicial: Saldos
    saldo_final: Saldos
