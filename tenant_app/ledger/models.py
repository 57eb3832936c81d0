"""LancamentoFundo: one signed movement in one fund of one group."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from tenant_app.database.base import Balance, Base, UUIDPrimaryKey, str_enum, utcnow


class Fundo(enum.StrEnum):
    """Where money of a group sits."""

    FUNDO_COMUM = "fundo_comum"
    FUNDO_RESERVA = "fundo_reserva"
    # Not group money: revenue of the administradora / premium for the insurer.
    # Recorded so every centavo of a payment is accounted for.
    TAXA_ADMINISTRACAO = "taxa_administracao"
    SEGURO = "seguro"


class OrigemLancamento(enum.StrEnum):
    """What caused the movement."""

    PAGAMENTO = "pagamento"
    ESTORNO = "estorno"
    CONTEMPLACAO = "contemplacao"
    LANCE = "lance"
    RESTITUICAO = "restituicao"
    AJUSTE = "ajuste"


class LancamentoFundo(UUIDPrimaryKey, Base):
    """Append-only; balances on Grupo are the running sums of these rows."""

    __tablename__ = "lancamentos_fundo"
    __table_args__ = (Index("ix_lancamentos_grupo_fundo", "grupo_id", "fundo"),)
    __audited__ = False  # derived from audited payments / contemplações

    grupo_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("grupos.id"))
    fundo: Mapped[Fundo] = mapped_column(str_enum(Fundo, 20))
    valor: Mapped[Decimal] = mapped_column(Balance)
    origem: Mapped[OrigemLancamento] = mapped_column(str_enum(OrigemLancamento, 16))
    pagamento_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("pagamentos.id"), index=True)
    cota_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cotas.id"))
    referencia_id: Mapped[uuid.UUID | None]
    descricao: Mapped[str | None] = mapped_column(String(200))
    registrado_em: Mapped[datetime] = mapped_column(default=utcnow)
