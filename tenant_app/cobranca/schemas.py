"""Bodies of the cobrança endpoints."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

import msgspec

from tenant_app.cobranca.models import (
    MotivoValor,
    OrigemValor,
    ResultadoOcorrencia,
    StatusRetorno,
    StatusTitulo,
    StatusValor,
)
from tenant_app.http.schemas import Dinheiro, Percentual

Digitos = Annotated[str, msgspec.Meta(pattern=r"^[0-9]+$")]
Dv = Annotated[str, msgspec.Meta(max_length=1, pattern=r"^[0-9A-Za-z ]?$")]


class ContaCobrancaIn(msgspec.Struct, kw_only=True):
    """A bank account that issues boletos (and the PIX key / PSP), for one grupo or, without
    ``grupo_id``, the administradora's default. The PSP's client secret is not sent here: it is
    written to the tenant's Vault (``PUT /api/cobranca/contas/{id}/psp-segredo``)."""

    grupo_id: uuid.UUID | None = None
    banco: Annotated[
        str, msgspec.Meta(pattern=r"^(001|237|341)$", description="001 BB, 237 Bradesco, 341 Itaú")
    ]
    agencia: Annotated[Digitos, msgspec.Meta(min_length=1, max_length=5)]
    dv_agencia: Dv = ""
    conta: Annotated[Digitos, msgspec.Meta(min_length=1, max_length=12)]
    dv_conta: Dv = ""
    convenio: Annotated[str, msgspec.Meta(min_length=1, max_length=20)]
    carteira: Annotated[Digitos, msgspec.Meta(min_length=1, max_length=3)]
    beneficiario_nome: Annotated[str, msgspec.Meta(min_length=2, max_length=100)]
    beneficiario_documento: Annotated[str, msgspec.Meta(pattern=r"^([0-9]{11}|[0-9A-Z]{14})$")]
    cidade: Annotated[str, msgspec.Meta(min_length=2, max_length=60)]
    chave_pix: Annotated[str, msgspec.Meta(min_length=1, max_length=77)] | None = None
    psp: Annotated[str, msgspec.Meta(max_length=30)] | None = None
    psp_url: Annotated[str, msgspec.Meta(max_length=300)] | None = None
    psp_client_id: Annotated[str, msgspec.Meta(max_length=200)] | None = None


class ContaCobrancaPatch(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Fields to change (omitted ones stay)."""

    beneficiario_nome: Annotated[str, msgspec.Meta(min_length=2, max_length=100)] | None = None
    cidade: Annotated[str, msgspec.Meta(min_length=2, max_length=60)] | None = None
    chave_pix: Annotated[str, msgspec.Meta(min_length=1, max_length=77)] | None = None
    psp: Annotated[str, msgspec.Meta(max_length=30)] | None = None
    psp_url: Annotated[str, msgspec.Meta(max_length=300)] | None = None
    psp_client_id: Annotated[str, msgspec.Meta(max_length=200)] | None = None


class ContaCobrancaOut(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    grupo_id: uuid.UUID | None
    banco: str
    agencia: str
    dv_agencia: str
    conta: str
    dv_conta: str
    convenio: str
    carteira: str
    beneficiario_nome: str
    beneficiario_documento: str
    cidade: str
    chave_pix: str | None
    psp: str | None
    psp_url: str | None
    psp_client_id: str | None
    proximo_numero: int
    proxima_remessa: int


class SegredoPspIn(msgspec.Struct, kw_only=True):
    """The PSP's OAuth client secret (written to Vault only)."""

    client_secret: Annotated[str, msgspec.Meta(min_length=8, max_length=500)]


class EmissaoIn(msgspec.Struct, kw_only=True):
    """Due date of the título (default: the parcela's, or today when that has passed)."""

    vencimento: date | None = None


class CarneIn(msgspec.Struct, kw_only=True):
    """How many of the cota's next open parcelas the carnê carries."""

    quantidade: Annotated[int, msgspec.Meta(ge=1, le=60)] = 12


class ReemissaoIn(msgspec.Struct, kw_only=True):
    """The new due date (today or later): multa and juros are recomputed up to it."""

    vencimento: date


class BaixaIn(msgspec.Struct, kw_only=True):
    motivo: Annotated[str, msgspec.Meta(min_length=5, max_length=500)]


class TituloOut(msgspec.Struct, kw_only=True):
    """A título: the boleto (nosso número, barcode, linha digitável) and its BR Code."""

    id: uuid.UUID
    conta_id: uuid.UUID
    parcela_id: uuid.UUID
    cota_id: uuid.UUID
    grupo_id: uuid.UUID
    parcela_numero: int
    numero: int
    nosso_numero: str
    seu_numero: str
    vencimento: date
    valor: Dinheiro
    valor_principal: Dinheiro
    multa: Dinheiro
    juros: Dinheiro
    juros_por_dia: Dinheiro
    multa_pct: Percentual
    codigo_barras: str
    linha_digitavel: str
    linha_formatada: str
    brcode: str | None
    txid: str | None
    status: StatusTitulo
    emitido_em: datetime
    registrado_em: datetime | None
    liquidado_em: date | None
    baixado_em: datetime | None
    motivo: str | None
    substitui_id: uuid.UUID | None
    pagamento_id: uuid.UUID | None
    remessa_id: uuid.UUID | None


class PixImediatoOut(msgspec.Struct, kw_only=True):
    """PIX para pagar hoje: an immediate charge (``cob``) at the account's PSP for what the título's parcela
    owes today. Paying it settles the título through the PSP's webhook, like any PIX."""

    titulo_id: uuid.UUID
    parcela_numero: int
    #: The cob's txid at the PSP (the webhook's PIX names it).
    txid: str
    #: The day the amount was computed for (today in the administradora's zone).
    data: date
    valor: Dinheiro
    valor_principal: Dinheiro
    multa: Dinheiro
    juros: Dinheiro
    #: Seconds the charge can be paid (``calendario.expiracao``) and the moment it expires.
    expiracao: int
    expira_em: datetime
    #: The charge's location at the PSP (payload URL).
    location: str
    #: The dynamic BR Code (PIX copia e cola; the QR code's content), pointing at ``location``.
    brcode: str


class OcorrenciaOut(msgspec.Struct, kw_only=True):
    linha: int
    nosso_numero: str
    codigo_movimento: str
    data_ocorrencia: date
    data_credito: date | None
    valor_pago: Dinheiro
    valor_tarifa: Dinheiro
    motivos: str
    titulo_id: uuid.UUID | None
    resultado: ResultadoOcorrencia
    pagamento_id: uuid.UUID | None


class RetornoOut(msgspec.Struct, kw_only=True):
    """A retorno as imported: status, what each ocorrência did (counts) and the amounts."""

    id: uuid.UUID
    nome_arquivo: str
    sha256: str
    recebido_em: datetime
    conta_id: uuid.UUID | None
    banco: str | None
    numero: int | None
    status: StatusRetorno
    erro_linha: int | None
    erro_motivo: str | None
    ocorrencias: int
    #: True when this very file had already been imported (nothing was applied again).
    repetido: bool
    #: Ocorrências applied by this import, per result (liquidado, a_identificar, registrado, ...).
    contagem: dict[str, int]
    valor_liquidado: Dinheiro
    valor_a_identificar: Dinheiro
    tarifas: Dinheiro


class ValorAIdentificarOut(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    origem: OrigemValor
    motivo: MotivoValor
    valor: Dinheiro
    data_credito: date
    referencia: str
    titulo_id: uuid.UUID | None
    cota_id: uuid.UUID | None
    detalhe: str | None
    status: StatusValor
    criado_em: datetime
    resolvido_em: datetime | None
    pagamento_id: uuid.UUID | None
    observacao: str | None


class AplicacaoIn(msgspec.Struct, kw_only=True):
    """Apply the whole amount to this cota (oldest open parcelas first)."""

    cota_id: uuid.UUID
    observacao: Annotated[str, msgspec.Meta(max_length=500)] | None = None


class DevolucaoIn(msgspec.Struct, kw_only=True):
    """The money was returned to the payer outside the platform: say how."""

    observacao: Annotated[str, msgspec.Meta(min_length=5, max_length=500)]


class RemessaOut(msgspec.Struct, kw_only=True):
    """A remessa sent (to be sent) to the bank: its number (NSA), how many títulos, the file in the bucket."""

    id: uuid.UUID
    conta_id: uuid.UUID
    numero: int
    gerada_em: datetime
    titulos: int
    valor_total: Dinheiro
    sha256: str
    tamanho: int
    #: A short-lived link to download the file (presigned GET on the tenant's bucket); null without one.
    url: str | None


class DiaCobrancaOut(msgspec.Struct, kw_only=True):
    """One day of cobrança: títulos issued, registered by the bank, settled, rejected; money to identify."""

    data: date
    emitidos: int
    valor_emitido: Dinheiro
    registrados: int
    liquidados: int
    valor_liquidado: Dinheiro
    rejeitados: int
    a_identificar: int
    valor_a_identificar: Dinheiro


class ArrecadacaoOut(msgspec.Struct, kw_only=True):
    """A grupo's arrecadação in a period against what fell due in it."""

    grupo_id: uuid.UUID
    grupo_codigo: str
    desde: date
    ate: date
    esperado: Dinheiro
    arrecadado: Dinheiro
    #: Money received per forma (boleto, pix, ted, dinheiro); lances are not arrecadação.
    por_forma: dict[str, Dinheiro]
    em_aberto: Dinheiro
    percentual: Percentual
