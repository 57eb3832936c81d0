"""A requested report: its parameters, the task's progress and, once ready, the file in the bucket.

Not audited row by row (the task updates the progress many times): the
request and the finished file (with its SHA-256) are audited explicitly.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from tenant_app.database.base import Base, UUIDPrimaryKey, str_enum, utcnow


class TipoRelatorio(enum.StrEnum):
    EXTRATO_COTA = "extrato_cota"
    POSICAO_GRUPOS = "posicao_grupos"
    INADIMPLENCIA = "inadimplencia"
    ARRECADACAO = "arrecadacao"
    CONTEMPLACOES = "contemplacoes"
    #: Documento 2080 – Posição de Cotas e de Grupos (IN BCB 525/2024), monthly.
    DOC_2080 = "doc_2080"


class FormatoRelatorio(enum.StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    PDF = "pdf"
    #: Doc 2080 only: the documented versioned structure (see relatorios/doc2080.py).
    JSON = "json"


class StatusRelatorio(enum.StrEnum):
    PENDENTE = "pendente"
    GERANDO = "gerando"
    PRONTO = "pronto"
    FALHOU = "falhou"


class Relatorio(UUIDPrimaryKey, Base):
    __tablename__ = "relatorios"
    __audited__ = False

    tipo: Mapped[TipoRelatorio] = mapped_column(str_enum(TipoRelatorio, 30))
    formato: Mapped[FormatoRelatorio] = mapped_column(str_enum(FormatoRelatorio, 5))
    parametros: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    status: Mapped[StatusRelatorio] = mapped_column(
        str_enum(StatusRelatorio, 10), default=StatusRelatorio.PENDENTE, index=True
    )
    #: 0-100, written by the task as it goes.
    progresso: Mapped[int] = mapped_column(default=0)
    linhas: Mapped[int] = mapped_column(default=0)
    chave: Mapped[str | None] = mapped_column(String(400))
    nome_arquivo: Mapped[str | None] = mapped_column(String(200))
    tamanho: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    erro: Mapped[str | None] = mapped_column(Text)
    solicitado_por: Mapped[uuid.UUID | None]
    criado_em: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    iniciado_em: Mapped[datetime | None]
    concluido_em: Mapped[datetime | None]
