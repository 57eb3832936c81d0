"""LancamentoFundo: one signed movement in one fund of one group."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from tenant_app.database.base import Balance, Base, UUIDPrimaryKey, str_enum, utcnow


class Fundo(enum.StrEnum):
    """Where money of a group sits."""

    FUNDO_COMUM = "fundo_comum"
    FUNDO_RESERVA = "fundo_reserva"
    # Not group money: revenue of the administradora / premium for the insurer.
    # Recorded so every centavo of a payment is accounted for.
    TAXA_ADMINISTRACAO = "taxa_administracao"
    SEGURO = "seguro"
    #: Cartas de crédito awarded and not yet paid out (tenant_app.credito): the money the
    #: contemplação took from the funds, set aside per carta (``referencia_id``) with its yield.
    CREDITOS_A_PAGAR = "creditos_a_pagar"
    #: Recursos não procurados: what the group owed people with no known account at its closing,
    #: kept by the administradora apart from its own money (Lei 11.795 arts. 33–34).
    NAO_PROCURADOS = "nao_procurados"


class OrigemLancamento(enum.StrEnum):
    """What caused the movement."""

    PAGAMENTO = "pagamento"
    ESTORNO = "estorno"
    CONTEMPLACAO = "contemplacao"
    LANCE = "lance"
    RESTITUICAO = "restituicao"
    AJUSTE = "ajuste"
    #: tenant_app.credito: a carta set aside, money paid out of it (its yield is a RENDIMENTO).
    DISPONIBILIZACAO = "disponibilizacao"
    DESEMBOLSO = "desembolso"
    #: Net yield of the group's invested money (Lei 11.795 art. 25 parágrafo único).
    RENDIMENTO = "rendimento"
    #: The closing's restitutions and shares of the funds' remainder (arts. 31–32).
    ENCERRAMENTO = "encerramento"


class LancamentoFundo(UUIDPrimaryKey, Base):
    """Append-only; balances on Grupo are the running sums of these rows."""

    __tablename__ = "lancamentos_fundo"
    __table_args__ = (Index("ix_lancamentos_grupo_fundo", "grupo_id", "fundo"),)
    __audited__ = False  # derived from audited payments / contemplações

    # A bulk writer (pagamentos.lote) leaves the id to the database: nothing refers to it there.
    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, default=uuid.uuid4, server_default=text("gen_random_uuid()")
    )

    grupo_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("grupos.id"))
    fundo: Mapped[Fundo] = mapped_column(str_enum(Fundo, 20))
    valor: Mapped[Decimal] = mapped_column(Balance)
    origem: Mapped[OrigemLancamento] = mapped_column(str_enum(OrigemLancamento, 16))
    pagamento_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("pagamentos.id"), index=True)
    cota_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cotas.id"))
    referencia_id: Mapped[uuid.UUID | None]
    descricao: Mapped[str | None] = mapped_column(String(200))
    registrado_em: Mapped[datetime] = mapped_column(default=utcnow)
