"""The tenant's personal-data key, wrapped by its Vault Transit key (one row, ``id = 1``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text
from sqlalchemy.orm import Mapped, mapped_column

from consorcio_contract.names import DADOS_PESSOAIS_TABELA_CHAVES
from tenant_app.database.base import Base, utcnow


class ChaveDadosPessoais(Base):
    """The data key as Transit returned it (``vault:v<N>:…``); the plaintext never reaches the database."""

    __tablename__ = DADOS_PESSOAIS_TABELA_CHAVES

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    chave_cifrada: Mapped[str] = mapped_column(Text)
    criada_em: Mapped[datetime] = mapped_column(default=utcnow)
    #: When a rotation of the Transit key last reached this row (None: never rewrapped).
    reembrulhada_em: Mapped[datetime | None]
