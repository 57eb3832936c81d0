"""Bodies of the consorciado endpoints."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

import msgspec

from consorcio_contract.identifiers import (
    format_cnpj,
    format_cpf,
    is_valid_cnpj,
    is_valid_cpf,
    normalize_cnpj,
    normalize_cpf,
)
from tenant_app.consorciados.models import TipoPessoa
from tenant_app.http.money_input import FieldErrors

Nome = Annotated[str, msgspec.Meta(min_length=2, max_length=200)]
Email = Annotated[str, msgspec.Meta(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)]
Telefone = Annotated[str, msgspec.Meta(pattern=r"^\+?[0-9 ()-]{8,20}$")]
UF = Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{2}$")]
CEP = Annotated[str, msgspec.Meta(pattern=r"^[0-9]{5}-?[0-9]{3}$")]


class ContatoIn(msgspec.Struct, kw_only=True):
    """Extra contact channel."""

    tipo: Annotated[str, msgspec.Meta(pattern=r"^(email|telefone|celular|whatsapp)$")]
    valor: Annotated[str, msgspec.Meta(min_length=3, max_length=254)]
    principal: bool = False


class EnderecoIn(msgspec.Struct, kw_only=True):
    """Postal address."""

    tipo: Annotated[str, msgspec.Meta(pattern=r"^(residencial|comercial|correspondencia)$")] = "residencial"
    logradouro: Annotated[str, msgspec.Meta(min_length=2, max_length=200)]
    numero: Annotated[str, msgspec.Meta(min_length=1, max_length=20)]
    complemento: Annotated[str, msgspec.Meta(max_length=100)] | None = None
    bairro: Annotated[str, msgspec.Meta(min_length=2, max_length=100)]
    cidade: Annotated[str, msgspec.Meta(min_length=2, max_length=100)]
    uf: UF
    cep: CEP


class ConsentimentoIn(msgspec.Struct, kw_only=True):
    """A consent decision for one purpose (LGPD Art. 7/8)."""

    finalidade: Annotated[str, msgspec.Meta(min_length=3, max_length=100)]
    concedido: bool
    canal: Annotated[str, msgspec.Meta(min_length=2, max_length=50)] = "sistema"
    versao_termo: Annotated[str, msgspec.Meta(min_length=1, max_length=50)] = "1"
    observacao: Annotated[str, msgspec.Meta(max_length=1000)] | None = None


class ConsorciadoCreate(msgspec.Struct, kw_only=True):
    """A new member; ``documento`` is a CPF (PF) or CNPJ (PJ, alphanumeric accepted)."""

    tipo_pessoa: TipoPessoa
    documento: Annotated[str, msgspec.Meta(min_length=11, max_length=18)]
    nome: Nome
    email: Email | None = None
    telefone: Telefone | None = None
    data_nascimento: date | None = None
    contatos: list[ContatoIn] = msgspec.field(default_factory=list)
    enderecos: list[EnderecoIn] = msgspec.field(default_factory=list)
    consentimentos: list[ConsentimentoIn] = msgspec.field(default_factory=list)

    def normalized_documento(self) -> str:
        """Validated, normalized CPF/CNPJ (422 with a Portuguese message otherwise)."""
        errors = FieldErrors()
        if self.tipo_pessoa is TipoPessoa.FISICA:
            doc = normalize_cpf(self.documento)
            if not is_valid_cpf(doc):
                errors.add("documento", "CPF inválido")
        else:
            doc = normalize_cnpj(self.documento)
            if not is_valid_cnpj(doc):
                errors.add("documento", "CNPJ inválido")
        if self.data_nascimento is not None and self.tipo_pessoa is TipoPessoa.JURIDICA:
            errors.add("data_nascimento", "pessoa jurídica não tem data de nascimento")
        errors.raise_if_any()
        return doc


class ConsorciadoUpdate(msgspec.Struct, kw_only=True):
    """Contact data that may change."""

    nome: Nome | None = None
    email: Email | None = None
    telefone: Telefone | None = None


class ContatoOut(msgspec.Struct, kw_only=True):
    """Contact channel."""

    id: uuid.UUID
    tipo: str
    valor: str
    principal: bool


class EnderecoOut(msgspec.Struct, kw_only=True):
    """Address."""

    id: uuid.UUID
    tipo: str
    logradouro: str
    numero: str
    complemento: str | None
    bairro: str
    cidade: str
    uf: str
    cep: str


class ConsentimentoOut(msgspec.Struct, kw_only=True):
    """Recorded consent decision."""

    id: uuid.UUID
    finalidade: str
    concedido: bool
    canal: str
    versao_termo: str
    observacao: str | None
    registrado_em: datetime


class ConsorciadoOut(msgspec.Struct, kw_only=True):
    """A member with contacts and addresses."""

    id: uuid.UUID
    tipo_pessoa: TipoPessoa
    documento: str | None
    documento_formatado: str | None
    nome: str
    email: str | None
    telefone: str | None
    data_nascimento: date | None
    anonimizado_em: datetime | None
    contatos: list[ContatoOut]
    enderecos: list[EnderecoOut]
    created_at: datetime


def format_documento(tipo: TipoPessoa, documento: str | None) -> str | None:
    """999.999.999-99 or XX.XXX.XXX/XXXX-99."""
    if documento is None:
        return None
    return format_cpf(documento) if tipo is TipoPessoa.FISICA else format_cnpj(documento)
