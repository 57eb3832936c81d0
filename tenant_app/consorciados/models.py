"""Consorciado and its contacts, addresses and LGPD consent records."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tenant_app.dados_pessoais import indices
from tenant_app.dados_pessoais.indices import INDICE_DE
from tenant_app.dados_pessoais.tipo import TextoCifrado
from tenant_app.database.base import Base, Timestamps, UUIDPrimaryKey, str_enum

#: The contexts of the blind-indexed columns (part of each index: keep them).
DOCUMENTO = "consorciados.documento"
CPF_CONJUGE = "consorciados.cpf_conjuge"


class TipoPessoa(enum.StrEnum):
    """Pessoa física (CPF) or jurídica (CNPJ)."""

    FISICA = "PF"
    JURIDICA = "PJ"


class Consorciado(UUIDPrimaryKey, Timestamps, Base):
    """A member of one or more groups.

    ``documento`` is the normalized CPF/CNPJ; anonymization clears it together
    with every other personal field while the financial history stays. Personal data is
    encrypted at rest (``dados_pessoais``); lookups by CPF/CNPJ go through the blind indexes
    ``documento_indice`` and ``cpf_conjuge_indice``, kept in step by ``dados_pessoais.indices``.
    """

    __tablename__ = "consorciados"
    # Personal data is hashed, not copied, into the append-only audit trail, so
    # an anonymization request can actually remove it.
    __audit_pii__ = frozenset({"documento", "nome", "email", "telefone", "data_nascimento", "cpf_conjuge"})

    tipo_pessoa: Mapped[TipoPessoa] = mapped_column(str_enum(TipoPessoa, 2))
    documento: Mapped[str | None] = mapped_column(TextoCifrado(DOCUMENTO))
    documento_indice: Mapped[str | None] = mapped_column(
        String(64), unique=True, default=indices.padrao("documento", DOCUMENTO), info={INDICE_DE: "documento"}
    )
    nome: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(TextoCifrado("consorciados.email"))
    telefone: Mapped[str | None] = mapped_column(TextoCifrado("consorciados.telefone"))
    data_nascimento: Mapped[date | None]
    #: CPF of the cônjuge/companheiro (normalized), who counts with the consorciado
    #: towards the 10 % cap of a group's cotas (Res. BCB 285/2023).
    cpf_conjuge: Mapped[str | None] = mapped_column(TextoCifrado(CPF_CONJUGE))
    cpf_conjuge_indice: Mapped[str | None] = mapped_column(
        String(64),
        index=True,
        default=indices.padrao("cpf_conjuge", CPF_CONJUGE),
        info={INDICE_DE: "cpf_conjuge"},
    )
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
    valor: Mapped[str] = mapped_column(TextoCifrado("consorciado_contatos.valor"))
    principal: Mapped[bool] = mapped_column(default=False)

    consorciado: Mapped[Consorciado] = relationship(back_populates="contatos")


class Endereco(UUIDPrimaryKey, Base):
    """A postal address."""

    __tablename__ = "consorciado_enderecos"
    __audit_pii__ = frozenset({"logradouro", "numero", "complemento", "bairro", "cep"})

    consorciado_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consorciados.id"), index=True)
    tipo: Mapped[str] = mapped_column(String(20), default="residencial")
    logradouro: Mapped[str] = mapped_column(TextoCifrado("consorciado_enderecos.logradouro"))
    numero: Mapped[str] = mapped_column(TextoCifrado("consorciado_enderecos.numero"))
    complemento: Mapped[str | None] = mapped_column(TextoCifrado("consorciado_enderecos.complemento"))
    bairro: Mapped[str] = mapped_column(TextoCifrado("consorciado_enderecos.bairro"))
    cidade: Mapped[str] = mapped_column(String(100))
    uf: Mapped[str] = mapped_column(String(2))
    cep: Mapped[str] = mapped_column(TextoCifrado("consorciado_enderecos.cep"))

    consorciado: Mapped[Consorciado] = relationship(back_populates="enderecos")


indices.manter(Consorciado.documento, "documento_indice", DOCUMENTO)
indices.manter(Consorciado.cpf_conjuge, "cpf_conjuge_indice", CPF_CONJUGE)


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
