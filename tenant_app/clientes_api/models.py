"""``clientes_api`` and ``chaves_api``: an integration and its bearer keys (only a SHA-256 is stored)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from tenant_app.database.base import Base, Timestamps, UUIDPrimaryKey, str_enum
from tenant_app.users.roles import Role


class ClienteApi(UUIDPrimaryKey, Timestamps, Base):
    """An external system (ERP, bank reconciliation, BI) that calls the API as itself, never as a person."""

    __tablename__ = "clientes_api"

    nome: Mapped[str] = mapped_column(String(120), unique=True)
    descricao: Mapped[str | None] = mapped_column(String(500))
    #: The staff role whose permissions bound the client's (never admin: keys cannot manage people or keys).
    perfil: Mapped[Role] = mapped_column(str_enum(Role, 16))
    #: A subset of the role's permissions; empty = all of the role's.
    permissoes: Mapped[list[str]] = mapped_column(JSONB, default=list)
    #: Requests per minute for this client (None = the app's per-user limit).
    limite_por_minuto: Mapped[int | None]
    ativo: Mapped[bool] = mapped_column(default=True)
    revogado_em: Mapped[datetime | None]
    criado_por: Mapped[uuid.UUID | None]


class ChaveApi(UUIDPrimaryKey, Base):
    """One key of a client. Several are valid at once only during a rotation's overlap."""

    __tablename__ = "chaves_api"
    __audit_exclude__ = frozenset({"hash", "ultimo_uso_em"})

    cliente_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("clientes_api.id", ondelete="CASCADE"), index=True
    )
    #: The key's public part (also inside the key): finds the row without scanning hashes.
    prefixo: Mapped[str] = mapped_column(String(16), unique=True)
    #: SHA-256 of the whole key, hex. The key itself is shown once and never stored.
    hash: Mapped[str] = mapped_column(String(64))
    criada_em: Mapped[datetime]
    #: Set by a rotation (end of the overlap); None = valid until revoked.
    expira_em: Mapped[datetime | None]
    revogada_em: Mapped[datetime | None]
    #: Updated at most once a minute (a write per request would cost more than the request).
    ultimo_uso_em: Mapped[datetime | None]
