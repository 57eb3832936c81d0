"""Bodies of ``/api/relatorios``."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

import msgspec

from tenant_app.relatorios.models import FormatoRelatorio, StatusRelatorio, TipoRelatorio


class ParametrosIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Filters of a report; which apply depends on ``tipo`` (see the route's description)."""

    cota_id: uuid.UUID | None = None
    grupo_id: uuid.UUID | None = None
    assembleia_id: uuid.UUID | None = None
    desde: date | None = None
    ate: date | None = None
    data_referencia: date | None = None
    mes: (
        Annotated[
            str, msgspec.Meta(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$", description="Mês da data-base (AAAA-MM)")
        ]
        | None
    ) = None


class RelatorioIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A report to generate in the background."""

    tipo: TipoRelatorio
    formato: FormatoRelatorio
    parametros: ParametrosIn = msgspec.field(default_factory=ParametrosIn)


class RelatorioOut(msgspec.Struct, kw_only=True):
    """A requested report: follow ``status`` and ``progresso`` (0–100) until ``pronto``."""

    id: uuid.UUID
    tipo: TipoRelatorio
    formato: FormatoRelatorio
    parametros: dict[str, Any]
    status: StatusRelatorio
    progresso: int
    linhas: int
    nome_arquivo: str | None
    tamanho: int | None
    sha256: str | None
    erro: str | None
    solicitado_por: uuid.UUID | None
    criado_em: datetime
    iniciado_em: datetime | None
    concluido_em: datetime | None


class LinkRelatorioOut(msgspec.Struct, kw_only=True):
    """A presigned URL of the file: GET it (no Authorization header) before ``expira_em``."""

    url: str
    expira_em: datetime
    nome_arquivo: str
    tamanho: int
    sha256: str
