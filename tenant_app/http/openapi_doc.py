"""The tenant app's OpenAPI document, finished: error responses, descriptions and links.

``create_app`` calls :func:`documentar` once. Which error statuses an operation
documents follows from the route itself, so a new route is documented the day it
is added:

* 400 ``dados_invalidos`` when it takes parameters or a body; 401/403 unless public;
* 404 when the path names a resource; 409/422 for every call that changes state;
* 428 when ``Idempotency-Key`` is required; 429 everywhere the rate limit applies;
* 503 where the group's lock (Redis) is taken: it fails closed.

Each error response is ``application/problem+json`` (schema ``Problema``) and its
description lists the catalogue's problem types with that status. Links join a
creating call to the calls on what it created (and a listing to its items), so a
client — or the stateful fuzz run — can follow ids from one answer to the next.
"""

from __future__ import annotations

import re
import typing
from typing import Any

import msgspec
from litestar import Litestar
from litestar.openapi.spec import OpenAPI, OpenAPIMediaType, OpenAPIResponse, Schema
from litestar.openapi.spec.enums import OpenAPIFormat, OpenAPIType

from consorcio_kit.input_rules import constrain_document
from consorcio_kit.openapi import DocumentTexts, LinkSpec, OperationInfo, document_decimals, finish_document
from consorcio_kit.openapi_examples import add_body_examples
from consorcio_kit.openapi_properties import add_examples, describe_properties
from tenant_app.http.catalogo import CATALOGO, CODIGO_DO_STATUS, tipo_uri
from tenant_app.http.openapi_glossario import EXEMPLOS_DECIMAIS, GLOSSARIO, REGRAS

_PUBLICOS = re.compile(r"^/(health|ready|metrics|schema|problemas)|^/api/auth/(login|refresh|token)$")
#: Routes that take the group's lock in Redis (fail closed: 503 ``trava_indisponivel``).
_COM_TRAVA = re.compile(
    r"^/api/assembleias/\{[^}]+\}/(apuracao|desclassificacoes|desclassificacoes-vencidas)$"
)

#: Statuses a route answers that its shape does not tell (a GET refusing in some state).
_EXTRA: dict[str, set[int]] = {
    "listLances": {409},
    # The file arrives as the raw request body (streamed to S3): size and content type are checked.
    "uploadDocumento": {413, 415},
    "uploadDocumentoVersao": {413, 415},
    # OAuth client credentials: a wrong or revoked key; Redis (where tokens live) down.
    "createClienteToken": {401, 503},
    # The PSP or the tenant's Vault down (psp_indisponivel, cofre_indisponivel).
    "registerPixWebhookAtPsp": {503},
    "issueTituloPixImediato": {503},
    "setPspSecret": {503},
    # The new signing secret is written to the tenant's Vault first (503 cofre_indisponivel).
    "createWebhookEndpoint": {503},
    "rotateWebhookSecret": {503},
}

_SUCESSO = {
    200: "Sucesso.",
    201: "Criado; o corpo traz o recurso (use o `id` nas chamadas seguintes).",
    202: "Aceito para processamento.",
    204: "Feito; sem corpo.",
}
_ERROS_BASE = {
    400: "A requisição não segue o formato documentado; `errors` lista todos os campos com problema.",
    401: "Sem token Bearer válido (ausente, expirado ou de outro tenant).",
    403: "O perfil do usuário não permite a operação, ou o recurso está desligado para o tenant.",
    404: "O recurso do caminho não existe neste tenant.",
    409: "O estado atual não permite a ação.",
    413: "O arquivo passa do tamanho aceito.",
    415: "O conteúdo do arquivo não é de um tipo aceito (verificado pelo conteúdo).",
    422: "Uma regra legal ou do contrato impede a ação; `errors` traz os campos envolvidos.",
    423: "Conta bloqueada por tentativas de login.",
    428: "Falta o cabeçalho obrigatório `Idempotency-Key`.",
    429: "Limite de requisições atingido; aguarde `Retry-After` segundos.",
    503: "Dependência indisponível (banco, Redis ou a trava do grupo); nada foi gravado, tente de novo.",
}


def _descricao(status: int) -> str:
    codigos = sorted(c for c, t in CATALOGO.items() if t.status == status)
    base = _ERROS_BASE.get(status) or (_SUCESSO.get(status, "Resposta."))
    if not codigos:
        return base
    return base + " Tipos de problema: " + ", ".join(f"`{c}`" for c in codigos) + " (ver `GET /problemas`)."


def _exemplo(status: int) -> dict[str, Any]:
    codigo = CODIGO_DO_STATUS.get(status, "dados_invalidos")
    tipo = CATALOGO.get(codigo)
    exemplo: dict[str, Any] = {
        "type": tipo_uri("https://administradora.example", codigo),
        "title": tipo.titulo if tipo else "Erro",
        "status": status,
        "detail": _ERROS_BASE.get(status, ""),
        "instance": "/api/...",
        "request_id": "4f1c0c5e9d8a4b7e8f3a2b1c0d9e8f7a",
    }
    if status in (400, 422):
        exemplo["errors"] = [{"campo": "valor", "mensagem": "deve ser maior que 0"}]
    return exemplo


_PROBLEMA = Schema(
    type=OpenAPIType.OBJECT,
    description="RFC 9457 problem+json, em português. `type` é a página do problema (`/problemas/<código>`).",
    required=["type", "title", "status"],
    properties={
        "type": Schema(type=OpenAPIType.STRING, description="URI do tipo do problema (estável)."),
        "title": Schema(type=OpenAPIType.STRING, description="Resumo do tipo do problema."),
        "status": Schema(type=OpenAPIType.INTEGER, description="O status HTTP da resposta."),
        "detail": Schema(type=OpenAPIType.STRING, description="O que aconteceu nesta requisição."),
        "instance": Schema(type=OpenAPIType.STRING, description="O caminho da requisição."),
        "request_id": Schema(type=OpenAPIType.STRING, description="Identificador da requisição nos logs."),
        "errors": Schema(
            type=OpenAPIType.ARRAY,
            description="Todos os campos com problema de uma vez.",
            items=Schema(
                type=OpenAPIType.OBJECT,
                required=["campo", "mensagem"],
                properties={
                    "campo": Schema(
                        type=OpenAPIType.STRING,
                        description="Caminho do campo como foi enviado (`premios[2]`, `data`).",
                    ),
                    "mensagem": Schema(type=OpenAPIType.STRING, description="O problema, em português."),
                },
            ),
        ),
    },
)

TEXTOS = DocumentTexts(
    status_descriptions={s: _descricao(s) for s in (*_SUCESSO, *_ERROS_BASE)},
    problem_schema_name="Problema",
    problem_schema=_PROBLEMA,
    problem_example=_exemplo,
)


def publico(info: OperationInfo) -> bool:
    """Routes outside authentication (health, schema, problem pages, login, refresh)."""
    return bool(_PUBLICOS.search(info.path))


def status_de_erro(info: OperationInfo) -> set[int]:
    """The error statuses ``info`` can answer with (see the module docstring)."""
    if info.path in ("/health", "/metrics"):
        return set()
    if info.path == "/ready":
        return {503}
    out: set[int] = {429}
    if info.operation.parameters or info.operation.request_body:
        out.add(400)
    if not publico(info):
        out |= {401, 403}
    if info.parameters("path") or _nomeia_recurso(info):
        out.add(404)
    if info.method in ("post", "put", "patch", "delete"):
        out |= {409, 422}
    elif info.operation.parameters:
        out.add(422)  # a read can break a rule too (a report's period, a carnê with no títulos)
    conteudo = getattr(info.operation.request_body, "content", None) or {}
    if any(not tipo.endswith("json") for tipo in conteudo):
        out |= {413, 415}  # uploads (multipart or raw bytes): size and content type checked
    if info.has_header("Idempotency-Key", required=True):
        out |= {422, 428}
    if _COM_TRAVA.search(info.path) and info.method == "post":
        out.add(503)
    if "armazenamento" in info.handler.parsed_fn_signature.parameters:
        out.add(503)  # the tenant's object storage: absent or down
    out |= _EXTRA.get(info.operation_id, set())
    if info.path == "/api/auth/login":
        out |= {401, 423}
    if info.path == "/api/auth/refresh":
        out.add(401)
    return out


def _nomeia_recurso(info: OperationInfo) -> bool:
    """A query parameter or a body field naming another resource (``grupo_id``): it may not exist."""
    if any(p.name.endswith("_id") for p in info.parameters("query")):
        return True
    dados = info.handler.parsed_fn_signature.parameters.get("data")
    return _nomeia_id(dados.annotation if dados is not None else None, depth=0)


def _nomeia_id(tipo: Any, *, depth: int) -> bool:
    """A Struct with an ``..._id`` field, at any depth (a report's ``parametros.grupo_id``)."""
    if depth > 4 or not (isinstance(tipo, type) and issubclass(tipo, msgspec.Struct)):
        return False
    for campo in msgspec.structs.fields(tipo):
        if campo.name.endswith("_id"):
            return True
        membros = typing.get_args(campo.type) or (campo.type,)
        if any(_nomeia_id(m, depth=depth + 1) for m in membros):
            return True
    return False


#: Success statuses a route answers besides its declared one (same body): issuing a título a
#: parcela already has answers 200 with the existing one; a retorno too big for a request is kept
#: and answered 202 (``processando``), the worker settles it.
_SUCESSO_EXTRA: dict[str, tuple[str, ...]] = {"issueTitulo": ("200",), "importRetorno": ("202",)}


def _sucesso_extra(openapi: OpenAPI, app: Litestar) -> None:
    from consorcio_kit.openapi import iter_operations

    for info in iter_operations(app, openapi):
        respostas = info.operation.responses or {}
        declarada = next((r for codigo, r in respostas.items() if codigo.startswith("2")), None)
        for codigo in _SUCESSO_EXTRA.get(info.operation_id, ()):
            if codigo not in respostas and isinstance(declarada, OpenAPIResponse):
                respostas[codigo] = OpenAPIResponse(
                    description=_SUCESSO[int(codigo)], content=declarada.content
                )


def _arquivo(openapi: OpenAPI) -> None:
    """Upload routes take one file part (any name): say so instead of a free-form object."""
    for item in (openapi.paths or {}).values():
        for operacao in (item.post, item.put):
            corpo = operacao.request_body if operacao is not None else None
            conteudo = getattr(corpo, "content", None) or {}
            if "multipart/form-data" in conteudo:
                conteudo["multipart/form-data"].schema = Schema(
                    type=OpenAPIType.OBJECT,
                    required=["file"],
                    properties={"file": Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)},
                    additional_properties=False,
                    description="O arquivo numa parte `file` do formulário.",
                )


def _id(campo: str = "id") -> str:
    return f"$response.body#/{campo}"


def _primeiro(campo: str = "id") -> str:
    return f"$response.body#/items/0/{campo}"


#: create → read/act, and listing → item. Operation ids as the routes declare them.
LINKS: tuple[LinkSpec, ...] = (
    # grupos
    *(
        LinkSpec("createGrupo", alvo, {"grupo_id": _id()})
        for alvo in (
            "getGrupo",
            "updateGrupo",
            "startGrupo",
            "putRegrasAssembleia",
            "getRegrasAssembleia",
            "createAssembleia",
            "listAssembleias",
            "adesao",
            "listCotas",
            "grupoPlano",
            "grupoFundos",
        )
    ),
    *(
        LinkSpec("listGrupos", alvo, {"grupo_id": _primeiro()}, status="200")
        for alvo in ("getGrupo", "listCotas", "createAssembleia", "listAssembleias", "grupoFundos", "adesao")
    ),
    # consorciados
    *(
        LinkSpec("createConsorciado", alvo, {"consorciado_id": _id()})
        for alvo in (
            "getConsorciado",
            "updateConsorciado",
            "addContato",
            "addEndereco",
            "listConsents",
            "recordConsent",
            "exportConsorciado",
        )
    ),
    *(
        LinkSpec("listConsorciados", alvo, {"consorciado_id": _primeiro()}, status="200")
        for alvo in ("getConsorciado", "addEndereco", "addContato", "exportConsorciado")
    ),
    # cotas
    *(
        LinkSpec("adesao", alvo, {"cota_id": _id()})
        for alvo in ("getCota", "listParcelas", "saldoCota", "registerPayment", "listPayments", "cessao")
    ),
    *(
        LinkSpec("listCotas", alvo, {"cota_id": _primeiro()}, status="200")
        for alvo in ("getCota", "listParcelas", "saldoCota", "registerPayment", "listPayments")
    ),
    # pagamentos and estornos
    *(
        LinkSpec("registerPayment", alvo, {"pagamento_id": _id()})
        for alvo in ("getPayment", "reversePayment")
    ),
    *(
        LinkSpec("listAllPayments", alvo, {"pagamento_id": _primeiro()}, status="200")
        for alvo in ("getPayment", "reversePayment")
    ),
    # assembleias and lances
    *(
        LinkSpec("createAssembleia", alvo, {"assembleia_id": _id()})
        for alvo in (
            "getAssembleia",
            "corrigirAssembleia",
            "abrirLances",
            "cancelarAssembleia",
            "registrarLance",
            "apurarAssembleia",
            "getApuracao",
        )
    ),
    *(
        LinkSpec("abrirLances", alvo, {"assembleia_id": _id()}, status="200")
        for alvo in ("registrarLance", "apurarAssembleia", "listLances", "getAssembleia")
    ),
    *(
        LinkSpec("registrarLance", alvo, {"assembleia_id": _id("assembleia_id"), "lance_id": _id()})
        for alvo in ("getLance", "cancelarLance")
    ),
    *(
        LinkSpec("apurarAssembleia", alvo, {"assembleia_id": "$request.path.assembleia_id"})
        for alvo in (
            "getApuracao",
            "verificarApuracao",
            "getApuracaoEntrada",
            "listLances",
            "encerrarAssembleia",
            "pagarLance",
            "desclassificarLance",
        )
    ),
    # retornos de cobrança (a big file answers 202 with the same body; the worker settles it)
    *(
        LinkSpec("importRetorno", alvo, {"retorno_id": _id()})
        for alvo in ("getRetorno", "listRetornoOcorrencias", "downloadRetorno")
    ),
    *(
        LinkSpec("listRetornos", alvo, {"retorno_id": _primeiro()}, status="200")
        for alvo in ("getRetorno", "listRetornoOcorrencias")
    ),
    # usuários
    *(LinkSpec("createUser", alvo, {"user_id": _id()}) for alvo in ("updateUser", "unlockUser")),
    # clientes de API (the first key comes with the client)
    *(
        LinkSpec("createClienteApi", alvo, {"cliente_id": _id("cliente/id")})
        for alvo in ("getClienteApi", "updateClienteApi", "rotateClienteApiKey", "revokeClienteApi")
    ),
    LinkSpec(
        "createClienteApi",
        "revokeChaveApi",
        {"cliente_id": _id("cliente/id"), "chave_id": _id("chave/chave_id")},
    ),
    *(
        LinkSpec("listClientesApi", alvo, {"cliente_id": _primeiro()}, status="200")
        for alvo in ("getClienteApi", "rotateClienteApiKey")
    ),
)


def documentar(app: Litestar) -> OpenAPI:
    """Finish ``app``'s OpenAPI document (called once by ``create_app``)."""
    ids = {i.operation_id for i in _operacoes(app)}
    links = tuple(link for link in LINKS if link.source in ids and link.target in ids)
    openapi = finish_document(app, TEXTOS, status_de_erro, links, public=publico)
    constrain_document(openapi)
    document_decimals(app, openapi)
    _sucesso_extra(openapi, app)
    _arquivo(openapi)
    _sistema(openapi)
    # Every property described: Meta, then the glossary (Portuguese), then the code's comments.
    describe_properties(app, openapi, GLOSSARIO, REGRAS, comments_first=False)
    add_examples(openapi, EXEMPLOS_DECIMAIS)
    add_body_examples(app, openapi)  # last: whole bodies out of the property examples above
    return openapi


def _sistema(openapi: OpenAPI) -> None:
    """/metrics answers Prometheus text and /ready a small JSON: their real bodies."""
    paths = openapi.paths or {}
    metrics = paths.get("/metrics")
    if metrics is not None and metrics.get is not None:
        ok = (metrics.get.responses or {}).get("200")
        if isinstance(ok, OpenAPIResponse):
            ok.content = {
                "text/plain": OpenAPIMediaType(
                    schema=Schema(type=OpenAPIType.STRING, description="Formato de exposição do Prometheus.")
                )
            }
        metrics.get.description = "Métricas do processo no formato de texto do Prometheus (sem autenticação)."
    ready = paths.get("/ready")
    if ready is not None and ready.get is not None:
        ok = (ready.get.responses or {}).get("200")
        if isinstance(ok, OpenAPIResponse):
            ok.content = {"application/json": OpenAPIMediaType(schema=_PRONTO)}


_PRONTO = Schema(
    type=OpenAPIType.OBJECT,
    required=["status", "checks"],
    properties={
        "status": Schema(type=OpenAPIType.STRING, description="`ok` quando tudo responde."),
        "checks": Schema(
            type=OpenAPIType.OBJECT,
            description="Cada dependência (`database`, `redis`) e o seu estado.",
            additional_properties=Schema(type=OpenAPIType.STRING),
        ),
    },
)


def _operacoes(app: Litestar) -> list[OperationInfo]:
    from consorcio_kit.openapi import iter_operations

    return list(iter_operations(app, app.openapi_schema))
