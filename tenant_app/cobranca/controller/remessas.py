"""Remessas CNAB 240: generate an account's next one, list them, download."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter

from tenant_app.armazenamento import ArmazenamentoIndisponivel, ObjectStore
from tenant_app.cobranca import remessas
from tenant_app.cobranca.controller.comum import ESCREVER, LER
from tenant_app.cobranca.models import RemessaArquivo
from tenant_app.cobranca.schemas import RemessaOut
from tenant_app.http.schemas import to_schema
from tenant_app.unit_of_work import UnitOfWork


def _out(r: RemessaArquivo, armazenamento: ObjectStore | None) -> RemessaOut:
    nome = r.chave_objeto.rsplit("/", 1)[-1]
    url = None if armazenamento is None else armazenamento.presigned_get_url(r.chave_objeto, filename=nome)
    return to_schema(RemessaOut, r, url=url)


def _armazenamento(request: Request[Any, Any, Any]) -> ObjectStore | None:
    # Reads do not need the bucket to answer (404s, listings): only the file itself does.
    store: ObjectStore | None = request.app.state.get("object_store")
    return store


class RemessaController(Controller):
    path = "/api/cobranca"
    tags = ["cobrança"]  # noqa: RUF012

    @post(
        "/contas/{conta_id:uuid}/remessas",
        operation_id="createRemessa",
        summary="Gerar remessa CNAB 240",
        guards=ESCREVER,
        status_code=201,
    )
    async def gerar(
        self,
        conta_id: FromPath[uuid.UUID],
        uow: NamedDependency[UnitOfWork],
        armazenamento: NamedDependency[ObjectStore],
    ) -> RemessaOut:
        """The account's next remessa (FEBRABAN CNAB 240 v10.11: header, segments P/Q/R per título,
        trailers with counts and totals), numbered from the account's sequence: every título issued and
        not yet sent (entrada) and the baixas of títulos the bank had. Stored in the tenant's bucket;
        ``url`` downloads it. 422 ``remessa_vazia`` when there is nothing to send."""
        return _out(await remessas.gerar_remessa(uow, conta_id, armazenamento), armazenamento)

    @get("/remessas", operation_id="listRemessas", summary="Listar remessas", guards=LER)
    async def listar(
        self,
        uow: NamedDependency[UnitOfWork],
        request: Request[Any, Any, Any],
        conta_id: Annotated[uuid.UUID | None, QueryParameter(name="conta_id")] = None,
    ) -> list[RemessaOut]:
        """The latest 500 remessas (of one account with ``conta_id``), newest first (``url`` null when
        the tenant has no bucket configured)."""
        armazenamento = _armazenamento(request)
        return [_out(r, armazenamento) for r in await remessas.listar_remessas(uow, conta_id)]

    @get(
        "/remessas/{remessa_id:uuid}/arquivo",
        operation_id="downloadRemessa",
        summary="Arquivo da remessa",
        guards=LER,
        media_type="text/plain",
    )
    async def arquivo(
        self,
        remessa_id: FromPath[uuid.UUID],
        uow: NamedDependency[UnitOfWork],
        request: Request[Any, Any, Any],
    ) -> Response[bytes]:
        """The remessa file as stored (240-column lines, CRLF, ASCII) to upload to the bank."""
        r = await remessas.obter_remessa(uow, remessa_id)
        armazenamento = _armazenamento(request)
        if armazenamento is None:
            raise ArmazenamentoIndisponivel("Este tenant não tem armazenamento de arquivos configurado.")
        nome = r.chave_objeto.rsplit("/", 1)[-1]
        return Response(
            await armazenamento.get(r.chave_objeto),
            media_type="text/plain; charset=us-ascii",
            headers={"Content-Disposition": f'attachment; filename="{nome}"'},
        )
