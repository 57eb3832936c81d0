"""Bodies of ``/api/contratos``."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import msgspec


class Clausula(msgspec.Struct, kw_only=True):
    """An extra clause of the tenant's template, printed after the regulated ones."""

    titulo: Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
    texto: Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]


class ModeloContratoIn(msgspec.Struct, kw_only=True):
    """A new version of the contrato de adesão template (the administradora's data and extra clauses)."""

    administradora_nome: Annotated[str, msgspec.Meta(min_length=2, max_length=200)]
    administradora_cnpj: Annotated[
        str, msgspec.Meta(min_length=14, max_length=18, examples=["11.222.333/0001-81"])
    ]
    administradora_endereco: Annotated[str, msgspec.Meta(min_length=5, max_length=300)]
    autorizacao_bcb: Annotated[
        str, msgspec.Meta(min_length=2, max_length=100, description="Ato de autorização do Banco Central")
    ]
    foro: Annotated[str, msgspec.Meta(min_length=2, max_length=100, examples=["São Paulo/SP"])]
    clausulas_adicionais: Annotated[list[Clausula], msgspec.Meta(max_length=30)] = msgspec.field(
        default_factory=list
    )


class ModeloContratoOut(msgspec.Struct, kw_only=True):
    """One version of the template."""

    id: uuid.UUID
    versao: int
    administradora_nome: str
    administradora_cnpj: str
    administradora_endereco: str
    autorizacao_bcb: str
    foro: str
    clausulas_adicionais: list[Clausula]
    criado_em: datetime
    criado_por: uuid.UUID | None
