"""Bodies of the assembleias endpoints."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

import msgspec

from tenant_app.assembleias.apuracao.explicacao import CODIGOS
from tenant_app.assembleias.apuracao.regras import AmortizacaoLance, TipoLance
from tenant_app.assembleias.models import StatusAssembleia, StatusLance
from tenant_app.assembleias.sorteio.aproximacao import DirecaoAproximacao
from tenant_app.assembleias.sorteio.ordem import MetodoSorteio
from tenant_app.dinheiro.amortizacao import LancePaga
from tenant_app.http.schemas import Dinheiro, Percentual

Contagem = Annotated[int, msgspec.Meta(ge=0, le=1000)]


class RegrasAssembleiaIn(msgspec.Struct, kw_only=True):
    """The contract's assembleia parameters for one group."""

    #: The sorteio clause: centena_final (1st..5th prize), centena (interleaved), finais (1st prize).
    metodo_sorteio: MetodoSorteio
    zero_vale_mil: bool = True
    #: "000" names the group's highest cota.
    zero_vale_maior_cota: bool = False
    #: Centena methods: approximate from the 1st prize when no candidate is an eligible cota.
    aproximar_sem_candidato: bool = True
    #: {"número sorteado": cota}; centena groups under 1,000 cotas only.
    tabela_equivalencia: dict[str, int] | None = None
    direcao_aproximacao: DirecaoAproximacao = DirecaoAproximacao.ALTERNADA
    contemplacoes_sorteio: Contagem = 1
    sorteios_restituicao: Contagem = 0
    tipos_lance: list[TipoLance] = msgspec.field(default_factory=lambda: [TipoLance.LIVRE])
    lance_minimo_percentual: Decimal = Decimal(0)
    lance_fixo_percentual: Decimal | None = None
    embutido_maximo_percentual: Decimal = Decimal(0)
    contemplacoes_lance_maximo: Contagem | None = None
    fundo_reserva_completa_sorteios: bool = False
    fundo_reserva_sorteios_extras: Contagem = 0
    amortizacao_lance: AmortizacaoLance = AmortizacaoLance.REDUZIR_PRAZO
    #: Business days the lance winner has to pay, counted from the apuração day.
    prazo_pagamento_lance_dias: Annotated[int, msgspec.Meta(ge=1, le=30)] = 3
    #: What a paid lance pays of each parcela it covers: fundo_comum (default: the other components move
    #: onto the remaining parcelas) or parcela_integral (fundo comum, taxa, fundo de reserva and seguro).
    lance_paga: LancePaga = LancePaga.FUNDO_COMUM


class RegrasAssembleiaOut(RegrasAssembleiaIn, kw_only=True):
    """Stored parameters."""

    grupo_id: uuid.UUID


class AssembleiaCreate(msgspec.Struct, kw_only=True):
    """A new AGO of the group."""

    numero: Annotated[int, msgspec.Meta(ge=1, le=10_000)]
    data_assembleia: date
    #: Lances are accepted until this instant (with time zone).
    corte_lances_em: datetime


class AssembleiaUpdate(msgspec.Struct, kw_only=True):
    """A correction of an agendada assembleia's date or cut-off (omitted fields stay)."""

    data_assembleia: date | None = None
    #: Lances are accepted until this instant (with time zone); before the assembleia's date, in the future.
    corte_lances_em: datetime | None = None


class AssembleiaCancelamentoIn(msgspec.Struct, kw_only=True):
    """Why an agendada assembleia is called off (kept in the audit trail)."""

    motivo: Annotated[str, msgspec.Meta(min_length=3, max_length=500)]


class AssembleiaOut(msgspec.Struct, kw_only=True):
    """An assembleia and, once apurada, the extraction and input hash."""

    id: uuid.UUID
    grupo_id: uuid.UUID
    numero: int
    data_assembleia: date
    corte_lances_em: datetime
    status: StatusAssembleia
    extracao_concurso: int | None
    extracao_premios: list[str] | None
    hash_entrada: str | None
    apurada_em: datetime | None
    encerrada_em: datetime | None


class LanceCreate(msgspec.Struct, kw_only=True):
    """A sealed bid for one cota."""

    cota_numero: Annotated[int, msgspec.Meta(ge=1)]
    tipo: TipoLance
    #: Percentage of the credit offered.
    percentual: Decimal
    #: Part of ``percentual`` taken from the credit itself (embutido only).
    percentual_embutido: Decimal = Decimal(0)


class LanceOut(msgspec.Struct, kw_only=True):
    """A lance. Its percentages are sealed (null, ``sigiloso`` true) until the assembleia is apurada;
    only the receipt of the POST that registered it echoes them."""

    id: uuid.UUID
    assembleia_id: uuid.UUID
    cota_numero: int
    tipo: TipoLance
    percentual: Percentual | None
    percentual_embutido: Percentual | None
    status: StatusLance
    registrado_em: datetime
    cancelado_em: datetime | None
    sigiloso: bool = False
    situacao: Annotated[
        str | None,
        msgspec.Meta(
            description="Depois da apuração: contemplado, nao_contemplado ou desconsiderado; vazio antes "
            "dela e para lance cancelado."
        ),
    ] = None
    motivo_codigo: Annotated[
        str | None,
        msgspec.Meta(description="Depois da apuração: o código do motivo (ver `explicacoes` da apuração)."),
    ] = None
    motivo: Annotated[
        str | None,
        msgspec.Meta(description="Depois da apuração: por que o lance venceu, perdeu ou foi desconsiderado."),
    ] = None


class ApuracaoIn(msgspec.Struct, kw_only=True):
    """The Loteria Federal extraction the contract names for this assembleia."""

    concurso: int
    #: The five prizes in order, as printed ("04817" or "04.817").
    premios: list[str]


class DesclassificacaoIn(msgspec.Struct, kw_only=True):
    """A lance winner who did not pay the lance in time."""

    cota_numero: Annotated[int, msgspec.Meta(ge=1)]


class ContemplacaoOut(msgspec.Struct, kw_only=True):
    """One award of the apuração."""

    cota_numero: int
    modalidade: str
    valor_credito: Dinheiro
    valor_liberado: Dinheiro
    percentual_lance: Percentual | None
    valor_lance: Dinheiro | None
    valor_embutido: Dinheiro | None
    valor_lance_a_pagar: Dinheiro | None
    do_fundo_comum: Dinheiro
    do_fundo_reserva: Dinheiro
    status: str
    notificado_em: datetime | None
    prazo_pagamento_lance: date | None = None
    lance_pago_em: datetime | None = None


_CODIGO = msgspec.Meta(
    description="Código estável do motivo (para programas): "
    + "; ".join(f"`{c}` = {t}" for c, t in CODIGOS.items())
    + ".",
    examples=["fundo_insuficiente"],
)
_TEXTO = msgspec.Meta(
    description="O motivo em português, com os valores envolvidos (para pessoas).",
    examples=[
        "Lance de 30% do crédito (2º na classificação) não contemplado: a contemplação precisava de "
        "R$ 35.000,00 do fundo comum (crédito liberado menos o lance) e o fundo tinha R$ 12.000,00."
    ],
)


class MotivoContemplacaoOut(msgspec.Struct, kw_only=True):
    """Why a cota was contemplated, and where the money came from."""

    ordem: Annotated[int, msgspec.Meta(description="Ordem da contemplação no resultado (1 = primeira).")]
    cota: Annotated[int, msgspec.Meta(description="Número da cota.")]
    modalidade: Annotated[
        str, msgspec.Meta(description="sorteio, sorteio_fundo_reserva, restituicao ou lance.")
    ]
    codigo: Annotated[str, _CODIGO]
    texto: Annotated[str, _TEXTO]


class MotivoLanceOut(msgspec.Struct, kw_only=True):
    """Why a lance won, lost or was set aside."""

    cota: Annotated[int, msgspec.Meta(description="Número da cota que deu o lance.")]
    situacao: Annotated[str, msgspec.Meta(description="contemplado, nao_contemplado ou desconsiderado.")]
    posicao: Annotated[
        int | None, msgspec.Meta(description="Posição na classificação dos lances; vazio se desconsiderado.")
    ]
    codigo: Annotated[str, _CODIGO]
    texto: Annotated[str, _TEXTO]


class MotivoNaoRealizadoOut(msgspec.Struct, kw_only=True):
    """Why a planned sorteio contemplated nobody."""

    modalidade: Annotated[
        str, msgspec.Meta(description="O sorteio previsto: sorteio, sorteio_fundo_reserva ou restituicao.")
    ]
    cota: Annotated[
        int | None, msgspec.Meta(description="A cota sorteada que não coube nos fundos, se houve.")
    ]
    codigo: Annotated[str, _CODIGO]
    texto: Annotated[str, _TEXTO]


class ExplicacoesOut(msgspec.Struct, kw_only=True):
    """Every line of the result with its reason (code + Portuguese sentence)."""

    contemplacoes: Annotated[
        list[MotivoContemplacaoOut], msgspec.Meta(description="Uma por contemplação, na ordem do resultado.")
    ]
    lances: Annotated[
        list[MotivoLanceOut],
        msgspec.Meta(description="Um por lance: os classificados em ordem, depois os desconsiderados."),
    ]
    nao_realizados: Annotated[
        list[MotivoNaoRealizadoOut],
        msgspec.Meta(description="Um por sorteio previsto que não contemplou ninguém."),
    ]


class ApuracaoOut(msgspec.Struct, kw_only=True):
    """The assembly record: input hash, canonical result and the awards."""

    assembleia_id: uuid.UUID
    revisao: int
    hash_entrada: str
    apurada_em: datetime
    contemplacoes: list[ContemplacaoOut]
    #: The canonical result (numbers as decimal strings), as stored.
    resultado: dict[str, Any]
    #: Why each contemplação, lance and sorteio not held came out as it did (recomputed from the
    #: stored inputs; not part of the canonical result, so the record's hashes do not change).
    explicacoes: Annotated[
        ExplicacoesOut,
        msgspec.Meta(
            description="O porquê de cada contemplação, de cada lance e de cada sorteio não realizado."
        ),
    ]


class VerificacaoOut(msgspec.Struct, kw_only=True):
    """Re-running the stored inputs: do hash and result match the record?"""

    hash_armazenado: str
    hash_recalculado: str
    hash_confere: bool
    resultado_confere: bool


class PagamentoLanceIn(msgspec.Struct, kw_only=True):
    """The lance winner paid its lance in cash (the embutido part is not paid: it comes off the credit)."""

    cota_numero: Annotated[int, msgspec.Meta(ge=1)]
    valor: Decimal


class AplicacaoParcelaOut(msgspec.Struct, kw_only=True):
    """What the lance paid of one future parcela: in all, and by component."""

    parcela_numero: int
    #: Everything the lance paid of this parcela.
    valor: Decimal
    fundo_comum: Decimal | None = None
    #: Zero unless the contract's lance pays whole parcelas (lance_paga parcela_integral).
    fundo_reserva: Decimal | None = None
    taxa_administracao: Decimal | None = None
    seguro: Decimal | None = None


class PagamentoLanceOut(msgspec.Struct, kw_only=True):
    """The recorded lance payment and how it amortised the cota's parcelas."""

    assembleia_id: uuid.UUID
    cota_numero: int
    valor_pago: Decimal
    valor_embutido: Decimal
    valor_amortizado: Decimal
    amortizacao: str
    #: The contract's clause the lance was applied with: fundo_comum or parcela_integral.
    lance_paga: str = "fundo_comum"
    pago_em: datetime
    parcelas: list[AplicacaoParcelaOut]
