"""Declarative base: UUID keys, timestamps, money as NUMERIC, stable constraint names."""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import DateTime, Enum, MetaData, Numeric, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable names so Alembic revisions can refer to constraints by name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: Money in reais with centavos. 14 digits hold credits up to R$ 999 bilhões.
Money = Numeric(14, 2, asdecimal=True)
#: Group-wide balances can exceed a single credit.
Balance = Numeric(16, 2, asdecimal=True)
#: Contract percentages such as 18.5000 (% of the credit).
Percent = Numeric(9, 4, asdecimal=True)


def utcnow() -> datetime:
    """Timezone-aware now; the database stores timestamptz."""
    return datetime.now(UTC)


def str_enum(enum_cls: type[enum.Enum], length: int = 32) -> Enum:
    """Store a StrEnum as VARCHAR (no native PG enum: adding values stays a plain migration)."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    """Base of every tenant-app model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        Decimal: Money,
        datetime: DateTime(timezone=True),
    }


class UUIDPrimaryKey:
    """Client-side UUID keys: ids are known before flush (audit trail needs them)."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)


class Timestamps:
    """created_at / updated_at kept by the database clock."""

    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow, onupdate=utcnow)
