"""Pagamento, its allocation to parcelas, and stored idempotency results."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tenant_app.database.base import Base, UUIDPrimaryKey, str_enum, utcnow


class FormaPagamento(enum.StrEnum):
    """How the money arrived. ``lance``: the winner of a lance paying it (``assembleias.pagamento_lance``)."""

    PIX = "pix"
    BOLETO = "boleto"
    TED = "ted"
    DINHEIRO = "dinheiro"
    LANCE = "lance"
    #: The difference of a bem cheaper than the carta de crédito paying the
    #: cota's parcelas (tenant_app.credito).
    CREDITO = "credito"


class StatusPagamento(enum.StrEnum):
    """A confirmed payment can be reversed once."""

    CONFIRMADO = "confirmado"
    ESTORNADO = "estornado"


class Pagamento(UUIDPrimaryKey, Base):
    """Money received for one cota."""

    __tablename__ = "pagamentos"
    __table_args__ = (
        CheckConstraint("valor > 0", name="valor_positivo"),
        CheckConstraint("valor_embutido between 0 and valor", name="embutido_dentro_do_valor"),
        Index("ix_pagamentos_cota_data", "cota_id", "data_pagamento"),
    )

    cota_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cotas.id"))
    grupo_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("grupos.id"), index=True)
    #: Everything applied to the parcelas (the allocations add up to it).
    valor: Mapped[Decimal]
    #: Of ``valor``, what a lance embutido took from the cota's own credit instead of cash
    #: (zero for every other forma): the money received is ``valor - valor_embutido``.
    valor_embutido: Mapped[Decimal] = mapped_column(default=Decimal("0.00"), server_default=text("0"))
    data_pagamento: Mapped[date]
    forma: Mapped[FormaPagamento] = mapped_column(str_enum(FormaPagamento, 16))
    referencia: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[StatusPagamento] = mapped_column(
        str_enum(StatusPagamento, 16), default=StatusPagamento.CONFIRMADO
    )
    registrado_por: Mapped[uuid.UUID | None]
    registrado_em: Mapped[datetime] = mapped_column(default=utcnow)
    estornado_em: Mapped[datetime | None]
    estornado_por: Mapped[uuid.UUID | None]
    motivo_estorno: Mapped[str | None] = mapped_column(Text)

    alocacoes: Mapped[list[PagamentoAlocacao]] = relationship(
        back_populates="pagamento", lazy="selectin", order_by="PagamentoAlocacao.ordem"
    )
    reprogramacoes: Mapped[list[PagamentoReprogramacao]] = relationship(
        lazy="selectin", order_by="PagamentoReprogramacao.parcela_numero"
    )


class PagamentoAlocacao(UUIDPrimaryKey, Base):
    """The part of one payment applied to one parcela, split by component."""

    __tablename__ = "pagamento_alocacoes"
    __audited__ = False  # written together with its audited Pagamento

    # A bulk writer (pagamentos.lote) leaves the id to the database: nothing refers to it there.
    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, default=uuid.uuid4, server_default=text("gen_random_uuid()")
    )

    pagamento_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pagamentos.id"), index=True)
    parcela_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("parcelas.id"), index=True)
    parcela_numero: Mapped[int]
    ordem: Mapped[int]
    fundo_comum: Mapped[Decimal]
    taxa_administracao: Mapped[Decimal]
    fundo_reserva: Mapped[Decimal]
    seguro: Mapped[Decimal]
    multa: Mapped[Decimal]
    juros: Mapped[Decimal]
    #: The part of ``multa + juros`` that is the administradora's revenue, not the fundo
    #: comum's (the grupo's ``encargos_fundo_comum_pct``; Lei 11.795 art. 25 parágrafo único).
    encargos_administradora: Mapped[Decimal] = mapped_column(default=Decimal("0.00"), server_default="0")

    pagamento: Mapped[Pagamento] = relationship(back_populates="alocacoes")

    @property
    def total(self) -> Decimal:
        """Everything this allocation moved."""
        principal = self.fundo_comum + self.taxa_administracao + self.fundo_reserva + self.seguro
        return principal + self.multa + self.juros


class PagamentoReprogramacao(UUIDPrimaryKey, Base):
    """How a lance that shortened the term changed one parcela's amounts due (signed, per component).

    The parcelas it paid off stop owing taxa, fundo de reserva and seguro; the
    others owe them instead (``dinheiro.amortizacao.reprogramar_quitadas``).
    Stored so the estorno undoes exactly this.
    """

    __tablename__ = "pagamento_reprogramacoes"
    __audited__ = False  # written together with its audited Pagamento

    pagamento_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pagamentos.id"), index=True)
    parcela_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("parcelas.id"))
    parcela_numero: Mapped[int]
    taxa_administracao: Mapped[Decimal]
    fundo_reserva: Mapped[Decimal]
    seguro: Mapped[Decimal]

    def variacao(self, sinal: int = 1) -> dict[str, Decimal]:
        """The change per component (``sinal=-1``: its undoing)."""
        return {
            "taxa_administracao": sinal * self.taxa_administracao,
            "fundo_reserva": sinal * self.fundo_reserva,
            "seguro": sinal * self.seguro,
        }


class IdempotencyRecord(Base):
    """The first answer to a request with a given Idempotency-Key (per scope).

    The primary key makes concurrent repeats wait for the first transaction and
    then read its stored answer.
    """

    __tablename__ = "idempotency_keys"
    __audited__ = False

    scope: Mapped[str] = mapped_column(String(50), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None]
    response: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
