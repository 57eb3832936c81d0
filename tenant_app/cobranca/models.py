"""Cobrança tables: the bank account that issues, the títulos (boleto + PIX) per parcela, the bank's
files (remessa sent, retorno received with its ocorrências), and the money nobody could place yet.

No secret lives here: a PSP's client secret/certificate is in the tenant's Vault path; this table
only says which PSP and which client id (not a secret by itself).
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from tenant_app.database.base import Base, Percent, Timestamps, UUIDPrimaryKey, str_enum, utcnow


class ContaCobranca(UUIDPrimaryKey, Timestamps, Base):
    """Where a grupo's (or, with ``grupo_id`` null, the whole tenant's) títulos are issued.

    ``proximo_numero`` is the nosso número sequence and ``proxima_remessa`` the remessa file
    sequence (NSA): both advance under this row's lock, so no number is given twice.
    """

    __tablename__ = "contas_cobranca"
    __table_args__ = (
        # One account per grupo, and one tenant-wide default (grupo_id null).
        Index(
            "uq_contas_cobranca_grupo", "grupo_id", unique=True, postgresql_where=text("grupo_id is not null")
        ),
        Index(
            "uq_contas_cobranca_padrao",
            text("(grupo_id is null)"),
            unique=True,
            postgresql_where=text("grupo_id is null"),
        ),
        # The bank's identity of the account: a retorno names it in its header.
        UniqueConstraint(
            "banco", "agencia", "conta", "convenio", "carteira", name="uq_contas_cobranca_banco"
        ),
    )

    grupo_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("grupos.id"))
    banco: Mapped[str] = mapped_column(String(3))
    agencia: Mapped[str] = mapped_column(String(5))
    dv_agencia: Mapped[str] = mapped_column(String(1), default="")
    conta: Mapped[str] = mapped_column(String(12))
    dv_conta: Mapped[str] = mapped_column(String(1), default="")
    convenio: Mapped[str] = mapped_column(String(20))
    carteira: Mapped[str] = mapped_column(String(3))
    beneficiario_nome: Mapped[str] = mapped_column(String(100))
    beneficiario_documento: Mapped[str] = mapped_column(String(14))
    cidade: Mapped[str] = mapped_column(String(60))
    chave_pix: Mapped[str | None] = mapped_column(String(77))
    #: Which PSP client speaks to the BCB Pix API for this account (``psp.CLIENTES``), its base URL
    #: and client id; the client secret is read from Vault, never stored here.
    psp: Mapped[str | None] = mapped_column(String(30))
    psp_url: Mapped[str | None] = mapped_column(String(300))
    psp_client_id: Mapped[str | None] = mapped_column(String(200))
    #: Shared secret of the PIX webhook path (``/api/cobranca/pix/webhook/{conta}/{segredo}``),
    #: stored as its SHA-256 only.
    webhook_segredo_sha256: Mapped[str | None] = mapped_column(String(64))
    proximo_numero: Mapped[int] = mapped_column(default=1)
    proxima_remessa: Mapped[int] = mapped_column(default=1)


class StatusTitulo(enum.StrEnum):
    """A título's life: emitido → registrado (bank confirmed) → liquidado; or baixado / rejeitado."""

    EMITIDO = "emitido"
    REGISTRADO = "registrado"
    LIQUIDADO = "liquidado"
    BAIXADO = "baixado"
    REJEITADO = "rejeitado"


ATIVOS = (StatusTitulo.EMITIDO, StatusTitulo.REGISTRADO)


class Titulo(UUIDPrimaryKey, Base):
    """One charge for one parcela: a boleto (nosso número, barcode, linha digitável) and its BR Code."""

    __tablename__ = "titulos_cobranca"
    __table_args__ = (
        UniqueConstraint("conta_id", "nosso_numero", name="uq_titulos_cobranca_nosso_numero"),
        UniqueConstraint("conta_id", "numero", name="uq_titulos_cobranca_numero"),
        # At most one live charge per parcela: a re-issue retires (baixa) the previous one first.
        Index(
            "uq_titulos_cobranca_parcela_ativo",
            "parcela_id",
            unique=True,
            postgresql_where=text("status in ('emitido', 'registrado')"),
        ),
        Index("ix_titulos_cobranca_cota", "cota_id", "vencimento"),
        Index("ix_titulos_cobranca_emissao", "emitido_em"),
        Index(
            "uq_titulos_cobranca_txid",
            "conta_id",
            "txid",
            unique=True,
            postgresql_where=text("txid is not null"),
        ),
    )

    conta_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contas_cobranca.id"))
    parcela_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("parcelas.id"))
    cota_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cotas.id"))
    grupo_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("grupos.id"), index=True)
    parcela_numero: Mapped[int]
    numero: Mapped[int]
    nosso_numero: Mapped[str] = mapped_column(String(20))
    seu_numero: Mapped[str] = mapped_column(String(15))
    vencimento: Mapped[date]
    #: What the boleto charges: the parcela's open principal plus ``multa + juros`` up to ``vencimento``.
    valor: Mapped[Decimal]
    valor_principal: Mapped[Decimal]
    multa: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    juros: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    juros_por_dia: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    multa_pct: Mapped[Decimal] = mapped_column(Percent, default=Decimal("0"))
    codigo_barras: Mapped[str] = mapped_column(String(44))
    linha_digitavel: Mapped[str] = mapped_column(String(47))
    brcode: Mapped[str | None] = mapped_column(Text)
    txid: Mapped[str | None] = mapped_column(String(35))
    status: Mapped[StatusTitulo] = mapped_column(str_enum(StatusTitulo, 12), default=StatusTitulo.EMITIDO)
    emitido_em: Mapped[datetime] = mapped_column(default=utcnow)
    registrado_em: Mapped[datetime | None]
    liquidado_em: Mapped[date | None]
    baixado_em: Mapped[datetime | None]
    motivo: Mapped[str | None] = mapped_column(Text)
    substitui_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("titulos_cobranca.id"))
    pagamento_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("pagamentos.id"))
    #: The remessa that sent the entrada, and the one that sent the baixa (a baixa of a título the
    #: bank has must reach it too).
    remessa_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("remessas_cobranca.id"))
    remessa_baixa_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("remessas_cobranca.id"))


class RemessaArquivo(UUIDPrimaryKey, Base):
    """A CNAB 240 remessa generated for one account; the file itself is in the tenant's object storage."""

    __tablename__ = "remessas_cobranca"
    __table_args__ = (UniqueConstraint("conta_id", "numero", name="uq_remessas_cobranca_numero"),)

    conta_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contas_cobranca.id"))
    numero: Mapped[int]
    gerada_em: Mapped[datetime] = mapped_column(default=utcnow)
    titulos: Mapped[int]
    valor_total: Mapped[Decimal]
    sha256: Mapped[str] = mapped_column(String(64))
    chave_objeto: Mapped[str] = mapped_column(String(300))
    tamanho: Mapped[int]


class StatusRetorno(enum.StrEnum):
    PROCESSANDO = "processando"
    PROCESSADO = "processado"
    REJEITADO = "rejeitado"


class RetornoArquivo(UUIDPrimaryKey, Base):
    """A CNAB 240 retorno as received (kept, also when it was rejected), and what came of it."""

    __tablename__ = "retornos_cobranca"
    __audited__ = False  # its effects (pagamentos, títulos) are audited; the bytes are kept as they came
    __audit_exclude__ = ("conteudo",)

    nome_arquivo: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    conteudo: Mapped[bytes] = mapped_column(LargeBinary)
    recebido_em: Mapped[datetime] = mapped_column(default=utcnow)
    recebido_por: Mapped[uuid.UUID | None]
    conta_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("contas_cobranca.id"))
    banco: Mapped[str | None] = mapped_column(String(3))
    numero: Mapped[int | None]
    status: Mapped[StatusRetorno] = mapped_column(str_enum(StatusRetorno, 12))
    erro_linha: Mapped[int | None]
    erro_motivo: Mapped[str | None] = mapped_column(Text)
    ocorrencias: Mapped[int] = mapped_column(default=0)


class ResultadoOcorrencia(enum.StrEnum):
    PENDENTE = "pendente"
    LIQUIDADO = "liquidado"  # settled through registrar_pagamento
    A_IDENTIFICAR = "a_identificar"  # the money went to the valores a identificar queue
    REGISTRADO = "registrado"
    BAIXADO = "baixado"
    REJEITADO = "rejeitado"
    TARIFA = "tarifa"
    IGNORADO = "ignorado"


class OcorrenciaRetorno(UUIDPrimaryKey, Base):
    """One título's ocorrência in a retorno; (account, nosso número, code, date) happens once."""

    __tablename__ = "ocorrencias_cobranca"
    __audited__ = False  # hundreds of thousands; the settlement they cause is audited
    __table_args__ = (
        UniqueConstraint(
            "conta_id", "nosso_numero", "codigo_movimento", "data_ocorrencia", name="uq_ocorrencias_cobranca"
        ),
        # A retorno's ocorrências are paged in file order (GET .../retornos/{id}/ocorrencias).
        Index("ix_ocorrencias_cobranca_retorno_linha", "retorno_id", "linha"),
        Index("ix_ocorrencias_cobranca_data", "data_ocorrencia"),
    )

    retorno_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("retornos_cobranca.id"))
    conta_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contas_cobranca.id"))
    linha: Mapped[int]
    nosso_numero: Mapped[str] = mapped_column(String(20))
    codigo_movimento: Mapped[str] = mapped_column(String(2))
    #: The same ocorrência of a título can come twice only if it is the same event: the date is
    #: part of the key (zero-filled dates are stored as 1900-01-01, never null, so the key holds).
    data_ocorrencia: Mapped[date]
    data_credito: Mapped[date | None]
    valor_nominal: Mapped[Decimal]
    valor_pago: Mapped[Decimal]
    valor_tarifa: Mapped[Decimal]
    motivos: Mapped[str] = mapped_column(String(20), default="")
    titulo_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("titulos_cobranca.id"))
    resultado: Mapped[ResultadoOcorrencia] = mapped_column(
        str_enum(ResultadoOcorrencia, 16), default=ResultadoOcorrencia.PENDENTE
    )
    pagamento_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("pagamentos.id"))
    processada_em: Mapped[datetime | None]


class OrigemValor(enum.StrEnum):
    RETORNO = "retorno"
    PIX = "pix"


class MotivoValor(enum.StrEnum):
    DESCONHECIDO = "desconhecido"  # no título with that nosso número / txid
    EXCEDENTE = "excedente"  # paid more than the cota owed: the excess
    INSUFICIENTE = "insuficiente"  # paid less than the título
    TITULO_INATIVO = "titulo_inativo"  # the título was already liquidado, baixado or rejeitado
    NAO_APLICAVEL = "nao_aplicavel"  # the cota could not take it (grupo closed, nothing open)


class StatusValor(enum.StrEnum):
    PENDENTE = "pendente"
    APLICADO = "aplicado"  # paid into a cota through registrar_pagamento
    DEVOLVIDO = "devolvido"  # returned to the payer outside the platform


class ValorAIdentificar(UUIDPrimaryKey, Base):
    """Money received that no título could take as it came: kept until someone resolves it."""

    __tablename__ = "valores_a_identificar"
    __table_args__ = (Index("ix_valores_a_identificar_status", "status", "data_credito"),)

    origem: Mapped[OrigemValor] = mapped_column(str_enum(OrigemValor, 10))
    motivo: Mapped[MotivoValor] = mapped_column(str_enum(MotivoValor, 16))
    valor: Mapped[Decimal]
    data_credito: Mapped[date]
    referencia: Mapped[str] = mapped_column(String(100))
    ocorrencia_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ocorrencias_cobranca.id"))
    pix_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("pix_recebidos.id"))
    titulo_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("titulos_cobranca.id"))
    cota_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cotas.id"))
    detalhe: Mapped[str | None] = mapped_column(Text)
    status: Mapped[StatusValor] = mapped_column(str_enum(StatusValor, 12), default=StatusValor.PENDENTE)
    criado_em: Mapped[datetime] = mapped_column(default=utcnow)
    resolvido_em: Mapped[datetime | None]
    resolvido_por: Mapped[uuid.UUID | None]
    pagamento_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("pagamentos.id"))
    observacao: Mapped[str | None] = mapped_column(Text)


class StatusPix(enum.StrEnum):
    PENDENTE = "pendente"
    LIQUIDADO = "liquidado"
    A_IDENTIFICAR = "a_identificar"


class PixRecebido(UUIDPrimaryKey, Base):
    """A PIX notified by the PSP's webhook, stored before settling; ``end_to_end_id`` happens once."""

    __tablename__ = "pix_recebidos"
    __audited__ = False  # its settlement (the pagamento) is audited

    conta_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contas_cobranca.id"))
    end_to_end_id: Mapped[str] = mapped_column(String(32), unique=True)  # BCB: 32 characters
    txid: Mapped[str | None] = mapped_column(String(35))
    valor: Mapped[Decimal]
    horario: Mapped[datetime]
    recebido_em: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[StatusPix] = mapped_column(str_enum(StatusPix, 16), default=StatusPix.PENDENTE)
    titulo_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("titulos_cobranca.id"))
    pagamento_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("pagamentos.id"))
