"""Declarative base of the tenant database: UUID keys, timestamps, money as NUMERIC.

The helpers are consorcio_kit's (shared with the control plane); ``Base`` and
its metadata are this app's own, since the tenant database is not the control
plane's (see consorcio_kit.database.declarative).
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import MetaData, Numeric
from sqlalchemy.orm import DeclarativeBase

from consorcio_kit.database.declarative import NAMING_CONVENTION, TYPE_ANNOTATION_MAP
from consorcio_kit.database.declarative import Money as Money
from consorcio_kit.database.declarative import Percent as Percent
from consorcio_kit.database.declarative import Timestamps as Timestamps
from consorcio_kit.database.declarative import UUIDPrimaryKey as UUIDPrimaryKey
from consorcio_kit.database.declarative import str_enum as str_enum
from consorcio_kit.database.declarative import utcnow as utcnow

#: Group-wide balances can exceed a single credit.
Balance = Numeric(16, 2, asdecimal=True)


class Base(DeclarativeBase):
    """Base of every tenant-app model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = dict(TYPE_ANNOTATION_MAP)
