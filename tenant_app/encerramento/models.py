"""Encerramento of a group (its notice and final accounts) and each cota's line of those accounts."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tenant_app.database.base import Balance, Base, Timestamps, UUIDPrimaryKey, str_enum
from tenant_app.encerramento.calculo import DestinoValor


class StatusEncerramento(enum.StrEnum):
    """Notice given (art. 31), then the group closed with its final accounts (art. 32)."""

    COMUNICADO = "comunicado"
    ENCERRADO = "encerrado"


class Encerramento(UUIDPrimaryKey, Timestamps, Base):
    """One per group: the art. 31 notice and, once closed, the totals of the final accounts."""

    __tablename__ = "encerramentos"

    grupo_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("grupos.id"), unique=True)
    status: Mapped[StatusEncerramento] = mapped_column(str_enum(StatusEncerramento, 16))
    #: Date of the last AGO with contemplações (None: the group never held one).
    data_ultima_assembleia: Mapped[date | None]
    #: Art. 31: the notice to the consorciados (at most 60 days after the last AGO).
    data_comunicacao: Mapped[date]
    comunicado_por: Mapped[uuid.UUID | None]
    #: Art. 32: at least 30 days after the notice, at most 120 after the last AGO.
    data_encerramento: Mapped[date | None]
    encerrado_por: Mapped[uuid.UUID | None]
    #: The closing came after art. 32's 120 days (it must still happen; the accounts say so).
    fora_do_prazo: Mapped[bool] = mapped_column(default=False)
    saldo_fundo_comum: Mapped[Decimal | None] = mapped_column(Balance)
    saldo_fundo_reserva: Mapped[Decimal | None] = mapped_column(Balance)
    total_restituicoes: Mapped[Decimal | None] = mapped_column(Balance)
    total_rateio_fundo_comum: Mapped[Decimal | None] = mapped_column(Balance)
    total_rateio_fundo_reserva: Mapped[Decimal | None] = mapped_column(Balance)
    total_pago: Mapped[Decimal | None] = mapped_column(Balance)
    total_nao_procurado: Mapped[Decimal | None] = mapped_column(Balance)
    total_a_receber: Mapped[Decimal | None] = mapped_column(Balance)
    encerrado_em: Mapped[datetime | None]


class EncerramentoCota(UUIDPrimaryKey, Base):
    """One cota's line of the final accounts (what it gets back, where it went, what it still owes)."""

    __tablename__ = "encerramento_cotas"
    __table_args__ = (UniqueConstraint("encerramento_id", "cota_id"),)
    __audited__ = False  # written with its audited Encerramento; the ledger rows carry the same amounts

    encerramento_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("encerramentos.id"), index=True)
    grupo_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("grupos.id"), index=True)
    cota_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cotas.id"))
    cota_numero: Mapped[int]
    consorciado_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consorciados.id"))
    excluida: Mapped[bool]
    percentual_pago: Mapped[Decimal] = mapped_column(Numeric(12, 6))
    pago_fundo_comum: Mapped[Decimal]
    pago_fundo_reserva: Mapped[Decimal]
    restituicao: Mapped[Decimal]
    rendimento: Mapped[Decimal]
    rateio_fundo_comum: Mapped[Decimal]
    rateio_fundo_reserva: Mapped[Decimal]
    total: Mapped[Decimal]
    destino: Mapped[DestinoValor] = mapped_column(str_enum(DestinoValor, 16))
    a_receber: Mapped[Decimal]
    #: The carta de crédito of a contemplated cota (for the credito feature to settle unused credits).
    credito_contemplado: Mapped[Decimal | None]
    #: A recurso não procurado paid when claimed (``encerramento.nao_procurados.pagar``).
    pago_em: Mapped[datetime | None]
    pago_por: Mapped[uuid.UUID | None]
