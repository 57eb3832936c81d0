"""Documento and its versions; the bytes live in the tenant's bucket, never in the database.

Every upload is a new ``DocumentoVersao`` with its own key (``documentos/<id>/v<n>-<uuid>``),
so nothing is overwritten; its SHA-256 is a column, hence in the audit trail's
insert entry. The original file name may carry personal data: the trail keeps
its hash only (``__audit_pii__``).
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tenant_app.database.base import Base, Timestamps, UUIDPrimaryKey, str_enum, utcnow


class EntidadeDocumento(enum.StrEnum):
    """What a document belongs to."""

    CONSORCIADO = "consorciado"
    COTA = "cota"
    GRUPO = "grupo"


class CategoriaDocumento(enum.StrEnum):
    """Kind of document; decides what LGPD anonymisation deletes (``categorias.PESSOAIS``)."""

    IDENTIDADE = "identidade"
    COMPROVANTE_RESIDENCIA = "comprovante_residencia"
    COMPROVANTE_RENDA = "comprovante_renda"
    #: The signed or generated contrato de adesão (kept: legal obligation, LGPD art. 16 I).
    CONTRATO_ADESAO = "contrato_adesao"
    #: A grupo's documents (regulamento, atas): not personal.
    REGULAMENTO = "regulamento"
    ATA_ASSEMBLEIA = "ata_assembleia"
    OUTRO = "outro"


class Documento(UUIDPrimaryKey, Timestamps, Base):
    """One logical document; ``versao_atual`` is the number of its newest version."""

    __tablename__ = "documentos"

    entidade_tipo: Mapped[EntidadeDocumento] = mapped_column(str_enum(EntidadeDocumento, 12))
    entidade_id: Mapped[uuid.UUID] = mapped_column(index=True)
    #: The person the document is about (the cota's holder at upload), for LGPD requests.
    consorciado_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("consorciados.id"), index=True)
    categoria: Mapped[CategoriaDocumento] = mapped_column(str_enum(CategoriaDocumento, 30))
    titulo: Mapped[str] = mapped_column(String(200))
    versao_atual: Mapped[int] = mapped_column(default=0)
    #: Set when the content was deleted (LGPD anonymisation); the rows stay as the record.
    apagado_em: Mapped[datetime | None]
    motivo_apagamento: Mapped[str | None] = mapped_column(String(200))

    versoes: Mapped[list[DocumentoVersao]] = relationship(
        back_populates="documento", order_by="DocumentoVersao.numero", lazy="selectin"
    )


class DocumentoVersao(UUIDPrimaryKey, Base):
    """One uploaded (or generated) file: immutable once written."""

    __tablename__ = "documento_versoes"
    __table_args__ = (UniqueConstraint("documento_id", "numero"),)
    __audit_pii__ = frozenset({"nome_arquivo"})

    documento_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("documentos.id"), index=True)
    numero: Mapped[int]
    chave: Mapped[str] = mapped_column(String(400), unique=True)
    nome_arquivo: Mapped[str] = mapped_column(String(255))
    tipo_conteudo: Mapped[str] = mapped_column(String(60))
    tamanho: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    enviado_por: Mapped[uuid.UUID | None]
    criado_em: Mapped[datetime] = mapped_column(default=utcnow)
    apagado_em: Mapped[datetime | None]

    documento: Mapped[Documento] = relationship(back_populates="versoes")


class ModeloContrato(UUIDPrimaryKey, Base):
    """A version of the tenant's contrato de adesão template (administradora data + clauses).

    Versions are append-only; a contract records the version it was generated with.
    """

    __tablename__ = "modelos_contrato"

    versao: Mapped[int] = mapped_column(unique=True)
    administradora_nome: Mapped[str] = mapped_column(String(200))
    administradora_cnpj: Mapped[str] = mapped_column(String(14))
    administradora_endereco: Mapped[str] = mapped_column(String(300))
    #: Autorização do Banco Central to run consórcio groups (Lei 11.795 art. 7º I).
    autorizacao_bcb: Mapped[str] = mapped_column(String(100))
    foro: Mapped[str] = mapped_column(String(100))
    #: Extra clauses: [{"titulo": ..., "texto": ...}] appended after the regulated ones.
    clausulas_adicionais: Mapped[list[dict[str, str]]] = mapped_column(JSONB, default=list)
    criado_em: Mapped[datetime] = mapped_column(default=utcnow)
    criado_por: Mapped[uuid.UUID | None]
