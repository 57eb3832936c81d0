"""Cota and its event history."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tenant_app.database.base import Base, Timestamps, UUIDPrimaryKey, str_enum, utcnow


class StatusCota(enum.StrEnum):
    """An active cota pays; an excluded one waits for restitution or readmission."""

    ATIVA = "ativa"
    EXCLUIDA = "excluida"


class MotivoExclusao(enum.StrEnum):
    """Why a cota left the group."""

    SOLICITACAO = "solicitacao"
    INADIMPLENCIA = "inadimplencia"


class Cota(UUIDPrimaryKey, Timestamps, Base):
    """A numbered participation in a group, held by one consorciado.

    ``contemplada`` is set by the assembleias feature; a contemplated cota can
    never be excluded (enforced in the service and by a database check).
    """

    __tablename__ = "cotas"
    __table_args__ = (
        UniqueConstraint("grupo_id", "numero"),
        Index("ix_cotas_grupo_status", "grupo_id", "status"),
        CheckConstraint("NOT (contemplada AND status = 'excluida')", name="contemplada_nao_excluida"),
    )

    grupo_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("grupos.id"))
    numero: Mapped[int]
    consorciado_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consorciados.id"), index=True)
    status: Mapped[StatusCota] = mapped_column(str_enum(StatusCota, 16), default=StatusCota.ATIVA)
    data_adesao: Mapped[date]
    contemplada: Mapped[bool] = mapped_column(default=False)
    contemplada_em: Mapped[date | None]
    motivo_exclusao: Mapped[MotivoExclusao | None] = mapped_column(str_enum(MotivoExclusao, 16))
    excluida_em: Mapped[date | None]


class TipoEventoCota(enum.StrEnum):
    """Kinds of events in a cota's life."""

    ADESAO = "adesao"
    CESSAO = "cessao"
    EXCLUSAO = "exclusao"
    READMISSAO = "readmissao"
    CONTEMPLACAO = "contemplacao"
    CORRECAO = "correcao"


class CotaEvento(UUIDPrimaryKey, Base):
    """Append-only history of a cota (who held it, when it left or came back)."""

    __tablename__ = "cota_eventos"

    cota_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cotas.id"), index=True)
    tipo: Mapped[TipoEventoCota] = mapped_column(str_enum(TipoEventoCota, 16))
    de_consorciado_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("consorciados.id"))
    para_consorciado_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("consorciados.id"))
    motivo: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[uuid.UUID | None]
    ocorrido_em: Mapped[datetime] = mapped_column(default=utcnow)
    detalhe: Mapped[str | None] = mapped_column(String(200))
