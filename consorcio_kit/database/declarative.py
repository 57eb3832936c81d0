"""Helpers for a declarative base: constraint names, money columns, enums, keys, timestamps.

Each app declares its own ``Base`` (its own ``MetaData``): the tenant app and
the control plane are different databases with different migrations, and one
shared metadata would make each app's Alembic see the other's tables. What
the two bases share is built from this module::

    class Base(DeclarativeBase):
        metadata = MetaData(naming_convention=NAMING_CONVENTION)
        type_annotation_map = {**TYPE_ANNOTATION_MAP, ...}
"""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, Enum, Numeric, func
from sqlalchemy.orm import Mapped, mapped_column

# Stable names so hand-written Alembic revisions can refer to constraints.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: Money in reais with centavos. 14 digits hold amounts up to R$ 999 bilhões.
Money = Numeric(14, 2, asdecimal=True)
#: Percentages with four decimals, such as 18.5000 (% of a credit).
Percent = Numeric(9, 4, asdecimal=True)

#: ``Mapped[Decimal]`` is money and ``Mapped[datetime]`` is timestamptz unless a column says otherwise.
TYPE_ANNOTATION_MAP: dict[Any, Any] = {
    Decimal: Money,
    datetime: DateTime(timezone=True),
}


def utcnow() -> datetime:
    """Timezone-aware now; the databases store timestamptz."""
    return datetime.now(UTC)


def str_enum(enum_cls: type[enum.Enum], length: int = 32) -> Enum:
    """A StrEnum stored as VARCHAR (no native PG enum: adding a value stays a plain migration)."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class UUIDPrimaryKey:
    """Client-side UUID keys: ids are known before flush (audit trails need them)."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)


class Timestamps:
    """created_at / updated_at, defaulted by the database clock."""

    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow, onupdate=utcnow)
