"""``/api/documentos``: upload (raw body), versions, presigned downloads."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema
from litestar.params import FromPath, QueryParameter

from tenant_app.armazenamento.store import ObjectStore
from tenant_app.documentos import service
from tenant_app.documentos.arquivos import LIMITE_BYTES, checar_tamanho_declarado, receber
from tenant_app.documentos.models import CategoriaDocumento, Documento, EntidadeDocumento
from tenant_app.documentos.schemas import DocumentoOut, LinkDownloadOut, VersaoOut
from tenant_app.http.pagination import PAGE_DEPENDENCY, PageParams, Pagina
from tenant_app.http.schemas import to_schema
from tenant_app.unit_of_work import UnitOfWork
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission

READ = [requires(Permission.CONSORCIADOS_READ)]
WRITE = [requires(Permission.CONSORCIADOS_WRITE)]

_ERROS_UPLOAD = (
    "Erros (application/problem+json): 413 `arquivo_grande_demais` acima de "
    f"{LIMITE_BYTES // (1024 * 1024)} MB; 415 `tipo_arquivo_nao_suportado` quando o conteúdo não é "
    "PDF, JPEG nem PNG (verificado pelos primeiros bytes, não pelo nome nem pelo Content-Type); "
    "404 entidade inexistente; 422 categoria incompatível ou titular anonimizado; 503 "
    "`armazenamento_indisponivel`."
)


@dataclass
class _CorpoBinario(Operation):
    """OpenAPI: the request body is the file's bytes (any Content-Type; the type is read from them)."""

    request_body: RequestBody | None = field(
        default_factory=lambda: RequestBody(
            required=True,
            description="Os bytes do arquivo (PDF, JPEG ou PNG), sem multipart.",
            content={
                "application/octet-stream": OpenAPIMediaType(
                    schema=Schema(type=OpenAPIType.STRING, format="binary")  # type: ignore[arg-type]
                )
            },
        )
    )


def to_out(doc: Documento) -> DocumentoOut:
    return to_schema(DocumentoOut, doc, versoes=[to_schema(VersaoOut, v) for v in doc.versoes])


async def _receber(request: Request[Any, Any, Any]):  # type: ignore[no-untyped-def]
    checar_tamanho_declarado(request.headers.get("content-length"))
    return await receber(request.stream())


class DocumentoController(Controller):
    """Documents of consorciados, cotas and grupos, in the tenant's own bucket."""

    path = "/api/documentos"
    tags = ["documentos"]  # noqa: RUF012
    dependencies = PAGE_DEPENDENCY

    @post(
        "/",
        operation_id="uploadDocumento",
        name="documentos:upload",
        guards=WRITE,
        summary="Enviar um documento (primeira versão)",
        description=(
            "Cria um documento vinculado a um consorciado, cota ou grupo com o arquivo enviado como corpo "
            "da requisição (bytes crus). O SHA-256 da versão fica na trilha de auditoria. " + _ERROS_UPLOAD
        ),
        operation_class=_CorpoBinario,
        request_max_body_size=LIMITE_BYTES,
        status_code=201,
    )
    async def upload(
        self,
        request: Request[Any, Any, Any],
        uow: NamedDependency[UnitOfWork],
        armazenamento: NamedDependency[ObjectStore],
        entidade_tipo: Annotated[EntidadeDocumento, QueryParameter(name="entidade_tipo")],
        entidade_id: Annotated[uuid.UUID, QueryParameter(name="entidade_id")],
        categoria: Annotated[CategoriaDocumento, QueryParameter(name="categoria")],
        nome_arquivo: Annotated[
            str,
            QueryParameter(name="nome_arquivo", min_length=1, max_length=255, description="Nome original"),
        ],
        titulo: Annotated[str | None, QueryParameter(name="titulo", max_length=200)] = None,
    ) -> DocumentoOut:
        arquivo = await _receber(request)
        try:
            doc = await service.criar_documento(
                uow,
                armazenamento,
                entidade_tipo=entidade_tipo,
                entidade_id=entidade_id,
                categoria=categoria,
                titulo=titulo,
                nome_arquivo=nome_arquivo,
                arquivo=arquivo,
            )
        finally:
            arquivo.close()
        return to_out(doc)

    @post(
        "/{documento_id:uuid}/versoes",
        operation_id="uploadDocumentoVersao",
        name="documentos:versao",
        guards=WRITE,
        summary="Enviar uma nova versão",
        description=(
            "Acrescenta uma versão ao documento; as anteriores continuam guardadas e disponíveis "
            "(nada é sobrescrito). " + _ERROS_UPLOAD + " 409 `documento_apagado` depois da anonimização."
        ),
        operation_class=_CorpoBinario,
        request_max_body_size=LIMITE_BYTES,
        status_code=201,
    )
    async def nova_versao(
        self,
        request: Request[Any, Any, Any],
        documento_id: FromPath[uuid.UUID],
        uow: NamedDependency[UnitOfWork],
        armazenamento: NamedDependency[ObjectStore],
        nome_arquivo: Annotated[
            str,
            QueryParameter(name="nome_arquivo", min_length=1, max_length=255, description="Nome original"),
        ],
    ) -> DocumentoOut:
        arquivo = await _receber(request)
        try:
            await service.nova_versao(uow, armazenamento, documento_id, nome_arquivo, arquivo)
        finally:
            arquivo.close()
        return to_out(await service.obter(uow.session, documento_id))

    @get(
        "/",
        operation_id="listDocumentos",
        name="documentos:list",
        guards=READ,
        summary="Listar documentos",
        description="Documentos de um consorciado, cota ou grupo (filtros opcionais), mais novos primeiro.",
    )
    async def listar(
        self,
        uow: NamedDependency[UnitOfWork],
        page: NamedDependency[PageParams],
        entidade_tipo: Annotated[EntidadeDocumento | None, QueryParameter(name="entidade_tipo")] = None,
        entidade_id: Annotated[uuid.UUID | None, QueryParameter(name="entidade_id")] = None,
        consorciado_id: Annotated[uuid.UUID | None, QueryParameter(name="consorciado_id")] = None,
        categoria: Annotated[CategoriaDocumento | None, QueryParameter(name="categoria")] = None,
    ) -> Pagina[DocumentoOut]:
        rows, total = await service.listar(
            uow.session,
            entidade_tipo=entidade_tipo,
            entidade_id=entidade_id,
            consorciado_id=consorciado_id,
            categoria=categoria,
            limit=page.limit,
            offset=page.offset,
        )
        return Pagina(items=[to_out(d) for d in rows], total=total, limit=page.limit, offset=page.offset)

    @get(
        "/{documento_id:uuid}",
        operation_id="getDocumento",
        name="documentos:get",
        guards=READ,
        summary="Um documento e suas versões",
    )
    async def obter(
        self, documento_id: FromPath[uuid.UUID], uow: NamedDependency[UnitOfWork]
    ) -> DocumentoOut:
        return to_out(await service.obter(uow.session, documento_id))

    @get(
        "/{documento_id:uuid}/download",
        operation_id="downloadDocumento",
        name="documentos:download",
        guards=READ,
        summary="Link temporário para baixar uma versão",
        description=(
            "Devolve uma URL pré-assinada do armazenamento do tenant, válida por poucos minutos "
            "(`expira_em`), para a versão pedida (`versao`, padrão a mais nova). O acesso fica na "
            "trilha de auditoria. 409 `documento_apagado` se o conteúdo foi apagado (LGPD)."
        ),
    )
    async def download(
        self,
        documento_id: FromPath[uuid.UUID],
        uow: NamedDependency[UnitOfWork],
        armazenamento: NamedDependency[ObjectStore],
        versao: Annotated[int | None, QueryParameter(name="versao", ge=1)] = None,
    ) -> LinkDownloadOut:
        link = await service.link_download(uow, armazenamento, documento_id, versao)
        v = link.versao
        return LinkDownloadOut(
            url=link.url,
            expira_em=link.expira_em,
            numero=v.numero,
            tipo_conteudo=v.tipo_conteudo,
            tamanho=v.tamanho,
            sha256=v.sha256,
        )
