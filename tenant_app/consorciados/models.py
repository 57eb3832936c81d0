"""Consorciado and its contacts, addresses and LGPD consent records."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tenant_app.database.base import Base, Timestamps, UUIDPrimaryKey, str_enum


class TipoPessoa(enum.StrEnum):
    """Pessoa física (CPF) or jurídica (CNPJ)."""

    FISICA = "PF"
    JURIDICA = "PJ"


class Consorciado(UUIDPrimaryKey, Timestamps, Base):
    """A member of one or more groups.

    ``documento`` is the normalized CPF/CNPJ; anonymization clears it together
    with every other personal field while the financial history stays.
    """

    __tablename__ = "consorciados"
    # Personal data is hashed, not copied, into the append-only audit trail, so
    # an anonymization request can actually remove it.
    __audit_pii__ = frozenset({"documento", "nome", "email", "telefone", "data_nascimento", "cpf_conjuge"})

    tipo_pessoa: Mapped[TipoPessoa] = mapped_column(str_enum(TipoPessoa, 2))
    documento: Mapped[str | None] = mapped_column(String(14), unique=True)
    nome: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    telefone: Mapped[str | None] = mapped_column(String(20))
    data_nascimento: Mapped[date | None]
    #: CPF of the cônjuge/companheiro (normalized), who counts with the consorciado
    #: towards the 10 % cap of a group's cotas (Res. BCB 285/2023).
    cpf_conjuge: Mapped[str | None] = mapped_column(String(11), index=True)
    anonimizado_em: Mapped[datetime | None]

    contatos: Mapped[list[Contato]] = relationship(
        back_populates="consorciado", cascade="all, delete-orphan", lazy="selectin"
    )
    enderecos: Mapped[list[Endereco]] = relationship(
        back_populates="consorciado", cascade="all, delete-orphan", lazy="selectin"
    )


class Contato(UUIDPrimaryKey, Base):
    """An extra contact channel (phone, e-mail, WhatsApp...)."""

    __tablename__ = "consorciado_contatos"
    __audit_pii__ = frozenset({"valor"})

    consorciado_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consorciados.id"), index=True)
    tipo: Mapped[str] = mapped_column(String(20))
    valor: Mapped[str] = mapped_column(String(254))
    principal: Mapped[bool] = mapped_column(default=False)

    consorciado: Mapped[Consorciado] = relationship(back_populates="contatos")


class Endereco(UUIDPrimaryKey, Base):
    """A postal address."""

    __tablename__ = "consorciado_enderecos"
    __audit_pii__ = frozenset({"logradouro", "numero", "complemento", "bairro", "cep"})

    consorciado_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consorciados.id"), index=True)
    tipo: Mapped[str] = mapped_column(String(20), default="residencial")
    logradouro: Mapped[str] = mapped_column(String(200))
    numero: Mapped[str] = mapped_column(String(20))
    complemento: Mapped[str | None] = mapped_column(String(100))
    bairro: Mapped[str] = mapped_column(String(100))
    cidade: Mapped[str] = mapped_column(String(100))
    uf: Mapped[str] = mapped_column(String(2))
    cep: Mapped[str] = mapped_column(String(8))

    consorciado: Mapped[Consorciado] = relationship(back_populates="enderecos")


class ConsentimentoLGPD(UUIDPrimaryKey, Base):
    """One consent decision (granted or withdrawn) for one purpose; never edited, only appended."""

    __tablename__ = "consentimentos_lgpd"

    consorciado_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consorciados.id"), index=True)
    finalidade: Mapped[str] = mapped_column(String(100))
    concedido: Mapped[bool]
    canal: Mapped[str] = mapped_column(String(50))
    versao_termo: Mapped[str] = mapped_column(String(50))
    observacao: Mapped[str | None] = mapped_column(Text)
    registrado_em: Mapped[datetime]
    registrado_por: Mapped[uuid.UUID | None]
