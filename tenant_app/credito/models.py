"""Tables of the crédito feature: the carta de crédito of a contemplated cota and what follows it.

The carta is born with the contemplação (``abertura.abrir_cartas``, called by the apuração) and
lives until the bem is paid (or the crédito is paid in cash): análise (documents, decision),
guarantees, the bem and its seller, the payouts and the bank files that carry them, and the
financial yield it earns while it waits (Lei 11.795/2008 art. 24 §1).

The database keeps the second line of the rules: one carta per contemplação, money never
negative, one NSA per remessa, a retorno file imported once.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from tenant_app.credito.estados import StatusCarta
from tenant_app.credito.tipos import (
    DestinoDiferenca,
    DestinoPagamento,
    FormaPagamentoCredito,
    StatusPagamentoCredito,
    TipoBemIndicado,
    TipoDocumento,
    TipoGarantia,
)
from tenant_app.dados_pessoais.tipo import JsonCifrado, TextoCifrado
from tenant_app.database.base import Balance, Base, Timestamps, UUIDPrimaryKey, str_enum, utcnow


class CartaCredito(UUIDPrimaryKey, Timestamps, Base):
    """The crédito of one contemplação: its value, its yield, what was paid out of it."""

    __tablename__ = "cartas_credito"
    __table_args__ = (
        UniqueConstraint("contemplacao_id", name="uq_cartas_credito_contemplacao"),
        CheckConstraint("valor_carta >= 0 and rendimentos >= 0", name="valores_nao_negativos"),
        CheckConstraint("valor_pago >= 0 and valor_reservado >= 0", name="pagos_nao_negativos"),
        CheckConstraint(
            "valor_pago + valor_reservado <= valor_carta + rendimentos", name="dentro_do_credito"
        ),
    )

    grupo_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("grupos.id"), index=True)
    cota_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cotas.id"), index=True)
    contemplacao_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contemplacoes.id"))
    status: Mapped[StatusCarta] = mapped_column(str_enum(StatusCarta, 24), default=StatusCarta.DISPONIVEL)
    #: The date of the AGO that contemplated the cota (the 180 days of the crédito em espécie count from it).
    contemplada_em: Mapped[date]
    #: The bem's value at that AGO (Lei 11.795 art. 24 caput).
    valor_credito: Mapped[Decimal]
    #: The part of a lance embutido taken from the crédito itself.
    valor_embutido: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    #: What the consorciado may use: ``valor_credito - valor_embutido``.
    valor_carta: Mapped[Decimal]
    #: Net financial yield apportioned to this carta so far (art. 24 §1).
    rendimentos: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    #: Payouts confirmed by the bank (and amortisations of parcelas).
    valor_pago: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    #: Payouts ordered and not yet confirmed or rejected by the bank.
    valor_reservado: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    #: The day the money was set aside for the carta (the AGO; for a lance, the day it was paid);
    #: null while a lance winner has not paid (the carta cannot be used yet).
    disponivel_em: Mapped[date | None]
    motivo: Mapped[str | None] = mapped_column(Text)
    encerrada_em: Mapped[datetime | None]

    @property
    def saldo(self) -> Decimal:
        """Crédito still to be used: the carta plus its yield minus what was paid out."""
        return self.valor_carta + self.rendimentos - self.valor_pago

    @property
    def saldo_livre(self) -> Decimal:
        """The saldo not tied to a payout waiting for the bank."""
        return self.saldo - self.valor_reservado


class CartaTransicao(UUIDPrimaryKey, Base):
    """One change of a carta's status: who, when, why (the audit trail keeps it too)."""

    __tablename__ = "cartas_credito_transicoes"

    carta_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cartas_credito.id"), index=True)
    de: Mapped[StatusCarta | None] = mapped_column(str_enum(StatusCarta, 24))
    para: Mapped[StatusCarta] = mapped_column(str_enum(StatusCarta, 24))
    acao: Mapped[str] = mapped_column(String(40))
    motivo: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[uuid.UUID | None]
    ocorrido_em: Mapped[datetime] = mapped_column(default=utcnow)


class CartaDocumento(UUIDPrimaryKey, Base):
    """A document received for the análise: a reference to where the file is kept."""

    __tablename__ = "cartas_credito_documentos"

    carta_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cartas_credito.id"), index=True)
    tipo: Mapped[TipoDocumento] = mapped_column(str_enum(TipoDocumento, 16))
    #: The document's id in the documents plane, or the administradora's own reference.
    referencia: Mapped[str] = mapped_column(String(300))
    descricao: Mapped[str | None] = mapped_column(String(200))
    recebido_em: Mapped[datetime] = mapped_column(default=utcnow)
    recebido_por: Mapped[uuid.UUID | None]


class Garantia(UUIDPrimaryKey, Base):
    """A guarantee given to the group for the carta: its value and registration data."""

    __tablename__ = "cartas_credito_garantias"
    __table_args__ = (CheckConstraint("valor > 0", name="valor_positivo"),)
    # A fiador's CPF and income are personal data (encrypted at rest with the rest of ``registro``).
    __audit_pii__ = frozenset({"registro"})

    carta_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cartas_credito.id"), index=True)
    tipo: Mapped[TipoGarantia] = mapped_column(str_enum(TipoGarantia, 32))
    #: Appraised value (the bem's, an imóvel's) or what a fiador answers for.
    valor: Mapped[Decimal]
    descricao: Mapped[str] = mapped_column(String(300))
    #: Vehicle: renavam, chassi, placa; imóvel: matricula, cartorio; fiador: nome, cpf, renda_mensal.
    registro: Mapped[dict[str, Any]] = mapped_column(JsonCifrado("cartas_credito_garantias.registro"))
    registrada_em: Mapped[datetime] = mapped_column(default=utcnow)
    registrada_por: Mapped[uuid.UUID | None]


class BemIndicado(UUIDPrimaryKey, Timestamps, Base):
    """The bem the consorciado chose and who sells it."""

    __tablename__ = "cartas_credito_bens"
    __table_args__ = (
        UniqueConstraint("carta_id", name="uq_cartas_credito_bens_carta"),
        CheckConstraint("valor > 0", name="valor_positivo"),
    )

    carta_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cartas_credito.id"))
    tipo: Mapped[TipoBemIndicado] = mapped_column(str_enum(TipoBemIndicado, 16))
    descricao: Mapped[str] = mapped_column(String(300))
    valor: Mapped[Decimal]
    #: Nota fiscal (number or access key) or the deed / matrícula of an imóvel.
    documento_fiscal: Mapped[str] = mapped_column(String(200))
    vendedor_nome: Mapped[str] = mapped_column(String(200))
    vendedor_documento: Mapped[str] = mapped_column(TextoCifrado("cartas_credito_bens.vendedor_documento"))
    destino_diferenca: Mapped[DestinoDiferenca | None] = mapped_column(str_enum(DestinoDiferenca, 16))


class PagamentoCredito(UUIDPrimaryKey, Base):
    """Money ordered out of a carta: to the seller, for expenses, to the consorciado."""

    __tablename__ = "cartas_credito_pagamentos"
    __table_args__ = (
        CheckConstraint("valor > 0", name="valor_positivo"),
        UniqueConstraint("seu_numero", name="uq_cartas_credito_pagamentos_seu_numero"),
        Index("ix_cartas_credito_pagamentos_pendentes", "grupo_id", "status"),
    )
    __audit_pii__ = frozenset({"chave_pix", "conta"})

    carta_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cartas_credito.id"), index=True)
    grupo_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("grupos.id"))
    destino: Mapped[DestinoPagamento] = mapped_column(str_enum(DestinoPagamento, 16))
    forma: Mapped[FormaPagamentoCredito] = mapped_column(str_enum(FormaPagamentoCredito, 8))
    valor: Mapped[Decimal]
    status: Mapped[StatusPagamentoCredito] = mapped_column(
        str_enum(StatusPagamentoCredito, 12), default=StatusPagamentoCredito.PENDENTE
    )
    #: The reference the bank returns (segment A "seu número"), 20 characters.
    seu_numero: Mapped[str] = mapped_column(String(20))
    favorecido_nome: Mapped[str] = mapped_column(String(200))
    favorecido_documento: Mapped[str] = mapped_column(
        TextoCifrado("cartas_credito_pagamentos.favorecido_documento")
    )
    banco: Mapped[str | None] = mapped_column(TextoCifrado("cartas_credito_pagamentos.banco"))
    agencia: Mapped[str | None] = mapped_column(TextoCifrado("cartas_credito_pagamentos.agencia"))
    dv_agencia: Mapped[str | None] = mapped_column(TextoCifrado("cartas_credito_pagamentos.dv_agencia"))
    conta: Mapped[str | None] = mapped_column(TextoCifrado("cartas_credito_pagamentos.conta"))
    dv_conta: Mapped[str | None] = mapped_column(TextoCifrado("cartas_credito_pagamentos.dv_conta"))
    tipo_chave_pix: Mapped[str | None] = mapped_column(String(16))
    chave_pix: Mapped[str | None] = mapped_column(TextoCifrado("cartas_credito_pagamentos.chave_pix"))
    remessa_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cartas_credito_remessas.id"))
    nosso_numero: Mapped[str | None] = mapped_column(String(20))
    ocorrencias: Mapped[list[str] | None] = mapped_column(JSONB)
    solicitado_em: Mapped[datetime] = mapped_column(default=utcnow)
    solicitado_por: Mapped[uuid.UUID | None]
    efetivado_em: Mapped[date | None]
    #: An amortisation's pagamento of the cota (the one money path of parcelas).
    pagamento_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("pagamentos.id"))


class RemessaCredito(UUIDPrimaryKey, Base):
    """A CNAB 240 pagamentos file generated for a grupo's pending payouts, kept byte for byte."""

    __tablename__ = "cartas_credito_remessas"
    __table_args__ = (UniqueConstraint("numero", name="uq_cartas_credito_remessas_numero"),)
    __audit_exclude__ = frozenset({"conteudo"})

    grupo_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("grupos.id"), index=True)
    #: NSA (número sequencial do arquivo), one sequence for the tenant.
    numero: Mapped[int]
    forma: Mapped[FormaPagamentoCredito] = mapped_column(str_enum(FormaPagamentoCredito, 8))
    conta_pagadora: Mapped[dict[str, Any]] = mapped_column(JSONB)
    quantidade: Mapped[int]
    total: Mapped[Decimal] = mapped_column(Balance)
    conteudo: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    gerada_em: Mapped[datetime] = mapped_column(default=utcnow)
    gerada_por: Mapped[uuid.UUID | None]


class RetornoCredito(UUIDPrimaryKey, Base):
    """A bank retorno file imported (once: its SHA-256 is unique) and what it did."""

    __tablename__ = "cartas_credito_retornos"
    __table_args__ = (UniqueConstraint("sha256", name="uq_cartas_credito_retornos_sha256"),)
    __audit_exclude__ = frozenset({"conteudo"})

    sha256: Mapped[str] = mapped_column(String(64))
    conteudo: Mapped[str] = mapped_column(Text)
    resumo: Mapped[dict[str, Any]] = mapped_column(JSONB)
    importado_em: Mapped[datetime] = mapped_column(default=utcnow)
    importado_por: Mapped[uuid.UUID | None]


class CartaRendimento(UUIDPrimaryKey, Base):
    """A carta's share of one period of the group's yield (``rendimentos_grupo``), moved to it once."""

    __tablename__ = "cartas_credito_rendimentos"
    __table_args__ = (UniqueConstraint("rendimento_id", "carta_id", name="uq_cartas_credito_rendimentos"),)

    #: The period recorded in ``rendimentos_grupo`` (tenant_app.rendimentos).
    rendimento_id: Mapped[uuid.UUID] = mapped_column(index=True)
    carta_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cartas_credito.id"), index=True)
    #: Σ of the carta's end-of-day balances over the period (the weight of its share).
    saldo_dias: Mapped[Decimal] = mapped_column(Numeric(24, 2))
    valor: Mapped[Decimal]
    apropriado_em: Mapped[datetime] = mapped_column(default=utcnow)


class RendimentoApropriado(UUIDPrimaryKey, Base):
    """A period of the group's yield already shared with the cartas (once: ``rendimento_id`` is unique)."""

    __tablename__ = "rendimentos_apropriados_cartas"
    __table_args__ = (UniqueConstraint("rendimento_id", name="uq_rendimentos_apropriados_cartas_rendimento"),)

    rendimento_id: Mapped[uuid.UUID]
    grupo_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("grupos.id"), index=True)
    #: What went to the cartas; the rest stayed in the fundo comum.
    total_cartas: Mapped[Decimal]
    apropriado_em: Mapped[datetime] = mapped_column(default=utcnow)


class InformeRendimentos(UUIDPrimaryKey, Base):
    """The annual statement for the Imposto de Renda of one consorciado, as CSV and PDF."""

    __tablename__ = "informes_ir"
    __table_args__ = (UniqueConstraint("consorciado_id", "ano", name="uq_informes_ir_consorciado_ano"),)
    __audit_exclude__ = frozenset({"csv", "pdf"})

    consorciado_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consorciados.id"))
    ano: Mapped[int]
    csv: Mapped[str] = mapped_column(Text)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    gerado_em: Mapped[datetime] = mapped_column(default=utcnow, server_default=text("now()"))
