"""RendimentoGrupo: the net yield of the group's invested money over one period."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from tenant_app.database.base import Balance, Base, UUIDPrimaryKey, utcnow


class RendimentoGrupo(UUIDPrimaryKey, Base):
    """One period's net yield (after taxes and fees) and the invested balance that earned it.

    Posted to the fundo comum when recorded (Lei 11.795 art. 25 parágrafo único);
    ``saldo_base`` lets a cota's money take its share (``dinheiro.rendimentos``).
    Periods of a group never overlap (checked by the service under the group's lock).
    """

    __tablename__ = "rendimentos_grupo"
    __table_args__ = (
        CheckConstraint("fim >= inicio", name="periodo"),
        CheckConstraint("valor > 0", name="valor_positivo"),
        CheckConstraint("saldo_base > 0", name="saldo_base_positivo"),
        Index("ix_rendimentos_grupo_periodo", "grupo_id", "inicio"),
    )

    grupo_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("grupos.id"))
    inicio: Mapped[date]
    fim: Mapped[date]
    valor: Mapped[Decimal] = mapped_column(Balance)
    saldo_base: Mapped[Decimal] = mapped_column(Balance)
    registrado_em: Mapped[datetime] = mapped_column(default=utcnow)
    registrado_por: Mapped[uuid.UUID | None]
