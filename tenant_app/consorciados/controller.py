"""``/api/consorciados``."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Controller, Request, get, patch, post
from litestar.datastructures import State
from litestar.params import QueryParameter
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from consorcio_contract.identifiers import normalize_cnpj
from tenant_app.auditoria.trail import commit
from tenant_app.auth.guards import requires
from tenant_app.auth.tokens import CurrentUser
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
from tenant_app.http.pagination import PageParams, Pagina, paginate, provide_page_params
from tenant_app.http.schemas import to_schema
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
    dependencies = {"page": provide_page_params}  # noqa: RUF012

    @get("/", operation_id="listConsorciados", name="consorciados:list", guards=READ)
    async def list_consorciados(
        self,
        db_session: AsyncSession,
        page: PageParams,
        q: Annotated[
            str | None, QueryParameter(name="q", max_length=100, description="Parte do nome ou documento")
        ] = None,
        tipo_pessoa: Annotated[TipoPessoa | None, QueryParameter(name="tipo_pessoa")] = None,
    ) -> Pagina[ConsorciadoOut]:
        """Members, filtered by name/document and kind of person."""
        stmt = select(Consorciado).order_by(Consorciado.nome, Consorciado.id)
        if q:
            like = f"%{q.replace('%', '').replace('_', '')}%"
            stmt = stmt.where(or_(Consorciado.nome.ilike(like), Consorciado.documento == normalize_cnpj(q)))
        if tipo_pessoa is not None:
            stmt = stmt.where(Consorciado.tipo_pessoa == tipo_pessoa)
        rows, total = await paginate(db_session, stmt, page)
        return Pagina(items=[to_out(c) for c in rows], total=total, limit=page.limit, offset=page.offset)

    @post("/", operation_id="createConsorciado", name="consorciados:create", guards=WRITE)
    async def create(
        self, data: ConsorciadoCreate, db_session: AsyncSession, request: Request[CurrentUser, str, State]
    ) -> ConsorciadoOut:
        """Register a member with contacts, addresses and consents."""
        obj = await service.create_consorciado(db_session, data, request.user.id)
        await commit(db_session)
        return to_out(obj)

    @get("/{consorciado_id:uuid}", operation_id="getConsorciado", name="consorciados:get", guards=READ)
    async def get_one(self, consorciado_id: uuid.UUID, db_session: AsyncSession) -> ConsorciadoOut:
        """One member."""
        return to_out(await service.get_consorciado(db_session, consorciado_id))

    @patch(
        "/{consorciado_id:uuid}", operation_id="updateConsorciado", name="consorciados:update", guards=WRITE
    )
    async def update(
        self, consorciado_id: uuid.UUID, data: ConsorciadoUpdate, db_session: AsyncSession
    ) -> ConsorciadoOut:
        """Change name or contact data."""
        obj = await service.update_consorciado(db_session, consorciado_id, data)
        await commit(db_session)
        return to_out(obj)

    @post(
        "/{consorciado_id:uuid}/contatos",
        operation_id="addContato",
        name="consorciados:contato",
        guards=WRITE,
    )
    async def add_contato(
        self, consorciado_id: uuid.UUID, data: ContatoIn, db_session: AsyncSession
    ) -> ConsorciadoOut:
        """Add a contact channel."""
        obj = await service.add_contato(db_session, consorciado_id, data)
        await commit(db_session)
        return to_out(obj)

    @post(
        "/{consorciado_id:uuid}/enderecos",
        operation_id="addEndereco",
        name="consorciados:endereco",
        guards=WRITE,
    )
    async def add_endereco(
        self, consorciado_id: uuid.UUID, data: EnderecoIn, db_session: AsyncSession
    ) -> ConsorciadoOut:
        """Add an address."""
        obj = await service.add_endereco(db_session, consorciado_id, data)
        await commit(db_session)
        return to_out(obj)

    @post(
        "/{consorciado_id:uuid}/consentimentos",
        operation_id="recordConsent",
        name="consorciados:consent",
        guards=WRITE,
    )
    async def record_consent(
        self,
        consorciado_id: uuid.UUID,
        data: ConsentimentoIn,
        db_session: AsyncSession,
        request: Request[CurrentUser, str, State],
    ) -> ConsentimentoOut:
        """Record a consent decision (grant or withdrawal)."""
        consent = await service.record_consent(db_session, consorciado_id, data, request.user.id)
        await commit(db_session)
        return to_schema(ConsentimentoOut, consent)

    @get(
        "/{consorciado_id:uuid}/consentimentos",
        operation_id="listConsents",
        name="consorciados:consents",
        guards=READ,
    )
    async def list_consents(
        self, consorciado_id: uuid.UUID, db_session: AsyncSession
    ) -> list[ConsentimentoOut]:
        """Consent history."""
        return [
            to_schema(ConsentimentoOut, c) for c in await service.list_consents(db_session, consorciado_id)
        ]

    @post(
        "/{consorciado_id:uuid}/anonimizacao",
        operation_id="anonymizeConsorciado",
        name="consorciados:anonymize",
        guards=LGPD,
        status_code=200,
    )
    async def anonymize(self, consorciado_id: uuid.UUID, db_session: AsyncSession) -> ConsorciadoOut:
        """Erase personal data on the holder's request; the financial history stays, de-identified."""
        obj = await service.anonymize(db_session, consorciado_id)
        await commit(db_session)
        return to_out(obj)

    @get(
        "/{consorciado_id:uuid}/exportacao",
        operation_id="exportConsorciado",
        name="consorciados:export",
        guards=LGPD,
    )
    async def export(self, consorciado_id: uuid.UUID, db_session: AsyncSession) -> dict[str, Any]:
        """Data portability: everything about the holder as JSON."""
        data = await service.export_data(db_session, consorciado_id)
        await commit(db_session)
        return data
