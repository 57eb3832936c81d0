"""Feature-flag definitions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from consorcio_contract.flag_rules import ValueType
from control_plane.database.base import Base, Timestamps, UUIDPrimaryKey, str_enum


class FeatureFlag(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "feature_flags"

    key: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    value_type: Mapped[ValueType] = mapped_column(str_enum(ValueType))
    enabled: Mapped[bool] = mapped_column(default=True)
    default_value: Mapped[Any] = mapped_column(JSONB)
    plan_values: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    tenant_values: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    # {"basisPoints": int, "value": any, "unit": "tenant"|"user"} or NULL
    rollout: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    salt: Mapped[str] = mapped_column(String(64))
    # Bumped on every change; admins send it back as If-Match.
    version: Mapped[int] = mapped_column(default=1)
