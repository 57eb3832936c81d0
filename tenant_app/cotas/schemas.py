"""Bodies of the cota endpoints."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

import msgspec

from tenant_app.cotas.models import MotivoExclusao, StatusCota


class AdesaoIn(msgspec.Struct, kw_only=True):
    """A consorciado takes a cota (the next free number unless ``numero`` is given)."""

    consorciado_id: uuid.UUID
    numero: Annotated[int, msgspec.Meta(ge=1, le=100000)] | None = None
    data_adesao: date | None = None


class CessaoIn(msgspec.Struct, kw_only=True):
    """Transfer of the cota to another consorciado."""

    consorciado_id: uuid.UUID
    motivo: Annotated[str, msgspec.Meta(max_length=500)] | None = None


class ExclusaoIn(msgspec.Struct, kw_only=True):
    """Exclusion at the member's request or for default."""

    motivo: MotivoExclusao
    observacao: Annotated[str, msgspec.Meta(max_length=500)] | None = None


class CotaOut(msgspec.Struct, kw_only=True):
    """A cota."""

    id: uuid.UUID
    grupo_id: uuid.UUID
    numero: int
    consorciado_id: uuid.UUID
    status: StatusCota
    data_adesao: date
    contemplada: bool
    contemplada_em: date | None
    motivo_exclusao: MotivoExclusao | None
    excluida_em: date | None
