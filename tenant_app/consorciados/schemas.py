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
from consorcio_kit.input_rules import Email
from tenant_app.consorciados.models import TipoPessoa
from tenant_app.http.money_input import FieldErrors

Nome = Annotated[str, msgspec.Meta(min_length=2, max_length=200)]
Telefone = Annotated[str, msgspec.Meta(pattern=r"^\+?[0-9 ()-]{8,20}$")]
UF = Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{2}$")]
CEP = Annotated[str, msgspec.Meta(pattern=r"^[0-9]{5}-?[0-9]{3}$")]


class ContatoIn(msgspec.Struct, kw_only=True):
    """Extra contact channel; ``pix`` / ``conta_deposito`` is where the group returns money to the
    consorciado (Res. BCB 285/2023: the account asked for before the last AGO, used at the closing)."""

    tipo: Annotated[str, msgspec.Meta(pattern=r"^(email|telefone|celular|whatsapp|pix|conta_deposito)$")]
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


CpfConjuge = Annotated[str, msgspec.Meta(max_length=14)]


def _cpf_conjuge(errors: FieldErrors, tipo: TipoPessoa, valor: str | None, documento: str) -> str | None:
    """The cônjuge/companheiro's CPF, normalized (Res. BCB 285/2023 counts both towards the 10 % cap)."""
    if valor is None or valor == "":
        return None
    if tipo is TipoPessoa.JURIDICA:
        errors.add("cpf_conjuge", "pessoa jurídica não tem cônjuge ou companheiro")
        return None
    cpf = normalize_cpf(valor)
    if not is_valid_cpf(cpf):
        errors.add("cpf_conjuge", "CPF do cônjuge inválido")
    elif cpf == documento:
        errors.add("cpf_conjuge", "o CPF do cônjuge não pode ser o do próprio consorciado")
    return cpf


class ConsorciadoCreate(msgspec.Struct, kw_only=True):
    """A new member; ``documento`` is a CPF (PF) or CNPJ (PJ, alphanumeric accepted)."""

    tipo_pessoa: TipoPessoa
    documento: Annotated[str, msgspec.Meta(min_length=11, max_length=18)]
    nome: Nome
    email: Email | None = None
    telefone: Telefone | None = None
    data_nascimento: date | None = None
    #: CPF of the cônjuge or companheiro(a), optional (PF only).
    cpf_conjuge: CpfConjuge | None = None
    contatos: list[ContatoIn] = msgspec.field(default_factory=list)
    enderecos: list[EnderecoIn] = msgspec.field(default_factory=list)
    consentimentos: list[ConsentimentoIn] = msgspec.field(default_factory=list)

    def normalized_documento(self) -> str:
        """Validated, normalized CPF/CNPJ (422 in Portuguese otherwise); checks ``cpf_conjuge`` too."""
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
        _cpf_conjuge(errors, self.tipo_pessoa, self.cpf_conjuge, doc)
        errors.raise_if_any()
        return doc

    def normalized_cpf_conjuge(self) -> str | None:
        """The cônjuge's CPF as stored (call after ``normalized_documento``)."""
        return None if not self.cpf_conjuge else normalize_cpf(self.cpf_conjuge)


class ConsorciadoUpdate(msgspec.Struct, kw_only=True):
    """Contact data that may change."""

    nome: Nome | None = None
    email: Email | None = None
    telefone: Telefone | None = None
    #: A new cônjuge/companheiro CPF; "" removes it.
    cpf_conjuge: CpfConjuge | None = None

    def cpf_conjuge_validado(self, tipo: TipoPessoa, documento: str | None) -> str | None:
        """The normalized CPF to store (None to remove it); 422 when invalid."""
        errors = FieldErrors()
        cpf = _cpf_conjuge(errors, tipo, self.cpf_conjuge, documento or "")
        errors.raise_if_any()
        return cpf


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
    cpf_conjuge: str | None
    anonimizado_em: datetime | None
    contatos: list[ContatoOut]
    enderecos: list[EnderecoOut]
    created_at: datetime


def format_documento(tipo: TipoPessoa, documento: str | None) -> str | None:
    """999.999.999-99 or XX.XXX.XXX/XXXX-99."""
    if documento is None:
        return None
    return format_cpf(documento) if tipo is TipoPessoa.FISICA else format_cnpj(documento)
