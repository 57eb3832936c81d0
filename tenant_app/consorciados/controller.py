"""``/api/consorciados``."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from tenant_app.consorciados import service
from tenant_app.consorciados.models import Consorciado, TipoPessoa
from tenant_app.consorciados.schemas import (
    ConsentimentoIn,
    ConsentimentoOut,
    ConsorciadoCreate,
    ConsorciadoOut,
    ConsorciadoUpdate,
    ContatoIn,
    ContatoOut,
    EnderecoIn,
    EnderecoOut,
    format_documento,
)
from tenant_app.http.idempotencia import ChaveIdempotencia, uma_vez
from tenant_app.http.pagination import PAGE_DEPENDENCY, PageParams, Pagina
from tenant_app.http.schemas import to_schema
from tenant_app.unit_of_work import UnitOfWork
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission

READ = [requires(Permission.CONSORCIADOS_READ)]
WRITE = [requires(Permission.CONSORCIADOS_WRITE)]
LGPD = [requires(Permission.LGPD_MANAGE)]


def to_out(obj: Consorciado) -> ConsorciadoOut:
    """Response body with formatted document and nested lists."""
    return to_schema(
        ConsorciadoOut,
        obj,
        documento_formatado=format_documento(obj.tipo_pessoa, obj.documento),
        contatos=[to_schema(ContatoOut, c) for c in obj.contatos],
        enderecos=[to_schema(EnderecoOut, e) for e in obj.enderecos],
    )


class ConsorciadoController(Controller):
    """Members, their contacts and LGPD rights."""

    path = "/api/consorciados"
    tags = ["consorciados"]  # noqa: RUF012
    dependencies = PAGE_DEPENDENCY

    @get("/", operation_id="listConsorciados", name="consorciados:list", guards=READ)
    async def list_consorciados(
        self,
        uow: NamedDependency[UnitOfWork],
        page: NamedDependency[PageParams],
        q: Annotated[
            str | None, QueryParameter(name="q", max_length=100, description="Parte do nome ou documento")
        ] = None,
        tipo_pessoa: Annotated[TipoPessoa | None, QueryParameter(name="tipo_pessoa")] = None,
    ) -> Pagina[ConsorciadoOut]:
        """Members, filtered by name/document and kind of person."""
        rows, total = await service.listar_consorciados(uow.session, page, q=q, tipo_pessoa=tipo_pessoa)
        return Pagina(items=[to_out(c) for c in rows], total=total, limit=page.limit, offset=page.offset)

    @post("/", operation_id="createConsorciado", name="consorciados:create", guards=WRITE)
    async def create(
        self,
        data: JSONBody[ConsorciadoCreate],
        uow: NamedDependency[UnitOfWork],
    ) -> ConsorciadoOut:
        """Register a member with contacts, addresses and consents."""
        obj = await service.create_consorciado(uow, data)
        return to_out(obj)

    @get("/{consorciado_id:uuid}", operation_id="getConsorciado", name="consorciados:get", guards=READ)
    async def get_one(
        self, consorciado_id: FromPath[uuid.UUID], uow: NamedDependency[UnitOfWork]
    ) -> ConsorciadoOut:
        """One member."""
        return to_out(await service.get_consorciado(uow.session, consorciado_id))

    @patch(
        "/{consorciado_id:uuid}", operation_id="updateConsorciado", name="consorciados:update", guards=WRITE
    )
    async def update(
        self,
        consorciado_id: FromPath[uuid.UUID],
        data: JSONBody[ConsorciadoUpdate],
        uow: NamedDependency[UnitOfWork],
    ) -> ConsorciadoOut:
        """Change name or contact data."""
        obj = await service.update_consorciado(uow, consorciado_id, data)
        return to_out(obj)

    @post(
        "/{consorciado_id:uuid}/contatos",
        operation_id="addContato",
        name="consorciados:contato",
        guards=WRITE,
    )
    async def add_contato(
        self, consorciado_id: FromPath[uuid.UUID], data: JSONBody[ContatoIn], uow: NamedDependency[UnitOfWork]
    ) -> ConsorciadoOut:
        """Add a contact channel."""
        obj = await service.add_contato(uow, consorciado_id, data)
        return to_out(obj)

    @post(
        "/{consorciado_id:uuid}/enderecos",
        operation_id="addEndereco",
        name="consorciados:endereco",
        guards=WRITE,
    )
    async def add_endereco(
        self,
        consorciado_id: FromPath[uuid.UUID],
        data: JSONBody[EnderecoIn],
        uow: NamedDependency[UnitOfWork],
    ) -> ConsorciadoOut:
        """Add an address."""
        obj = await service.add_endereco(uow, consorciado_id, data)
        return to_out(obj)

    @post(
        "/{consorciado_id:uuid}/consentimentos",
        operation_id="recordConsent",
        name="consorciados:consent",
        guards=WRITE,
    )
    async def record_consent(
        self,
        consorciado_id: FromPath[uuid.UUID],
        data: JSONBody[ConsentimentoIn],
        uow: NamedDependency[UnitOfWork],
    ) -> ConsentimentoOut:
        """Record a consent decision (grant or withdrawal)."""
        consent = await service.record_consent(uow, consorciado_id, data)
        return to_schema(ConsentimentoOut, consent)

    @get(
        "/{consorciado_id:uuid}/consentimentos",
        operation_id="listConsents",
        name="consorciados:consents",
        guards=READ,
    )
    async def list_consents(
        self, consorciado_id: FromPath[uuid.UUID], uow: NamedDependency[UnitOfWork]
    ) -> list[ConsentimentoOut]:
        """Consent history."""
        return [
            to_schema(ConsentimentoOut, c) for c in await service.list_consents(uow.session, consorciado_id)
        ]

    @post(
        "/{consorciado_id:uuid}/anonimizacao",
        operation_id="anonymizeConsorciado",
        name="consorciados:anonymize",
        guards=LGPD,
        status_code=200,
    )
    async def anonymize(
        self,
        request: Request[Any, Any, Any],
        consorciado_id: FromPath[uuid.UUID],
        uow: NamedDependency[UnitOfWork],
        idempotency_key: ChaveIdempotencia = None,
    ) -> Response[ConsorciadoOut]:
        """Erase personal data on the holder's request; the financial history stays, de-identified.

        The holder's personal documents (identity, address, income, other) are deleted from storage,
        every version; the contrato de adesão is kept (legal obligation). The export lists both.

        Cannot be undone: requires Idempotency-Key (428 without it).
        """

        async def trabalho() -> ConsorciadoOut:
            # The tenant's bucket (None without storage): personal documents are deleted too.
            armazenamento = getattr(request.app.state, "object_store", None)
            return to_out(await service.anonymize(uow, consorciado_id, armazenamento))

        return await uma_vez(uow, "anonimizacao", idempotency_key, (str(consorciado_id),), trabalho)

    @get(
        "/{consorciado_id:uuid}/exportacao",
        operation_id="exportConsorciado",
        name="consorciados:export",
        guards=LGPD,
    )
    async def export(
        self, consorciado_id: FromPath[uuid.UUID], uow: NamedDependency[UnitOfWork]
    ) -> dict[str, Any]:
        """Data portability: everything about the holder as JSON."""
        data = await service.export_data(uow, consorciado_id)
        return data
