"""Declarative base for control-plane models.

The helpers are consorcio_kit's (shared with the tenant app); ``Base`` and its
metadata are this app's own, since the control plane's database is not a
tenant's (see consorcio_kit.database.declarative).
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import MetaData
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase

from consorcio_kit.database.declarative import NAMING_CONVENTION, TYPE_ANNOTATION_MAP
from consorcio_kit.database.declarative import Money as Money
from consorcio_kit.database.declarative import Timestamps as Timestamps
from consorcio_kit.database.declarative import UUIDPrimaryKey as UUIDPrimaryKey
from consorcio_kit.database.declarative import str_enum as str_enum
from consorcio_kit.database.declarative import utcnow as utcnow


class Base(DeclarativeBase):
    """Base of every control-plane model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {**TYPE_ANNOTATION_MAP, dict[str, Any]: JSONB}
