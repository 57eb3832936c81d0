"""The HTTP edge of errors: every exception leaves as RFC 9457 problem+json, in Portuguese.

Domain errors (``tenant_app.erros``) get their status here and only here; the
document itself is built by ``consorcio_kit.problems``, as in the control plane.
"""

from __future__ import annotations

import enum
import logging
import re
from collections.abc import Mapping, Sequence
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

import msgspec
from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from sqlalchemy.exc import DBAPIError, IntegrityError

from consorcio_kit.problems import PROBLEM_MEDIA_TYPE, FieldError, problem_document
from consorcio_kit.problems import problem_response as kit_problem_response
from tenant_app.erros import (
    AcessoNegado,
    ArquivoGrandeDemais,
    ConflitoError,
    ContaBloqueada,
    DadosInvalidos,
    ErroDominio,
    IndisponivelError,
    MuitasTentativas,
    NaoAutenticado,
    NaoEncontrado,
    PrecondicaoExigida,
    RegraVioladaError,
    TipoArquivoNaoSuportado,
)
from tenant_app.http.catalogo import CODIGO_DO_STATUS, tipo_uri

log = logging.getLogger("tenant_app.errors")

PROBLEM_JSON = PROBLEM_MEDIA_TYPE

#: deadlock_detected, serialization_failure, lock_not_available
_RETRYABLE_SQLSTATES = frozenset({"40P01", "40001", "55P03"})

_TITLES = {
    400: "Requisição inválida",
    401: "Não autenticado",
    403: "Acesso negado",
    404: "Recurso não encontrado",
    405: "Método não permitido",
    409: "Conflito",
    422: "Regra de negócio violada",
    423: "Conta bloqueada",
    428: "Precondição exigida",
    413: "Arquivo grande demais",
    415: "Tipo de arquivo não suportado",
    429: "Muitas requisições",
    500: "Erro interno",
    503: "Serviço indisponível",
}


#: Portuguese details of the framework's own HTTP errors.
_DETALHES = {
    405: "Este endereço não aceita o método HTTP usado.",
    406: "O formato de resposta pedido (Accept) não é oferecido.",
    413: "O corpo da requisição é grande demais.",
    415: "Envie o corpo como application/json.",
    429: "Limite de requisições atingido; aguarde o tempo indicado em Retry-After.",
}

#: One status per kind of domain error (the first class in an error's MRO that is listed wins).
STATUS_OF: dict[type[ErroDominio], int] = {
    DadosInvalidos: 400,
    NaoAutenticado: 401,
    AcessoNegado: 403,
    NaoEncontrado: 404,
    ConflitoError: 409,
    RegraVioladaError: 422,
    ContaBloqueada: 423,
    MuitasTentativas: 429,
    ArquivoGrandeDemais: 413,
    TipoArquivoNaoSuportado: 415,
    PrecondicaoExigida: 428,
    IndisponivelError: 503,
}


def status_of(exc: ErroDominio) -> int:
    """The HTTP status of a domain error (422 for a subclass of the base nobody mapped)."""
    for cls in type(exc).__mro__:
        if cls in STATUS_OF:
            return STATUS_OF[cls]  # type: ignore[index]
    return 422


def _base_url(request: Request | None) -> str:
    """Where the app is reached: APP_BASE_URL when configured, else the request's own scheme and host."""
    if request is None:
        return ""
    settings = getattr(request.app.state, "settings", None)
    configured = getattr(settings, "app_base_url", None)
    return str(configured or request.base_url)


def problem_response(
    status: int,
    detail: str,
    *,
    request: Request | None = None,
    title: str | None = None,
    errors: Sequence[FieldError] = (),
    code: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response[Any]:
    """The tenant app's problem+json: Portuguese title, ``errors`` as ``campo``/``mensagem``."""
    extensions: dict[str, Any] = {}
    instance = None
    if request is not None:
        instance = request.url.path
        request_id = request.scope.get("state", {}).get("request_id")
        if request_id:
            extensions["request_id"] = request_id
    code = code or CODIGO_DO_STATUS.get(status, "erro_interno" if status >= 500 else "dados_invalidos")
    body = problem_document(
        type_uri=tipo_uri(_base_url(request), code),
        title=title or _TITLES.get(status, "Erro"),
        status=status,
        detail=detail,
        instance=instance,
        errors=[{"campo": e.field, "mensagem": e.message} for e in errors],
        extensions=extensions,
    )
    return kit_problem_response(body, headers=headers)


_DATA_HINT = "data inválida (use AAAA-MM-DD, ex.: 2026-12-10)"
_DATETIME_HINT = "data e hora inválidas (use ISO 8601 com fuso horário, ex.: 2026-12-10T18:00:00-03:00)"

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"Object missing required field `(?P<f>[^`]+)`"), "campo obrigatório"),
    (re.compile(r"Missing required (?:header|query|path|cookie) parameter"), "parâmetro obrigatório ausente"),
    (re.compile(r"Expected `str` matching regex"), "formato inválido"),
    (re.compile(r"Expected `(?P<t>[^`]+)`, got `(?P<g>[^`]+)`"), "tipo inválido (esperado {t})"),
    (re.compile(r"Expected `(?P<t>[^`]+)` >= (?P<n>[-\d.]+)"), "deve ser maior ou igual a {n}"),
    (re.compile(r"Expected `(?P<t>[^`]+)` > (?P<n>[-\d.]+)"), "deve ser maior que {n}"),
    (re.compile(r"Expected `(?P<t>[^`]+)` <= (?P<n>[-\d.]+)"), "deve ser menor ou igual a {n}"),
    (re.compile(r"Expected `(?P<t>[^`]+)` < (?P<n>[-\d.]+)"), "deve ser menor que {n}"),
    (re.compile(r"Expected `(?:str|bytes)` of length >= (?P<n>\d+)"), "deve ter pelo menos {n} caracteres"),
    (re.compile(r"Expected `(?:str|bytes)` of length <= (?P<n>\d+)"), "deve ter no máximo {n} caracteres"),
    (re.compile(r"Expected `(?:array|object)` of length >= (?P<n>\d+)"), "lista com pelo menos {n} itens"),
    (re.compile(r"Expected `(?:array|object)` of length <= (?P<n>\d+)"), "lista com no máximo {n} itens"),
    (re.compile(r"Expected `(?P<t>[^`]+)` that is a multiple of"), "valor com casas decimais demais"),
    (re.compile(r"Invalid enum value '?(?P<v>[^']*)'?"), "valor não permitido: {v}"),
    (re.compile(r"Invalid (?:RFC3339 encoded )?datetime"), _DATETIME_HINT),
    (re.compile(r"Invalid (?:RFC3339 encoded )?date"), _DATA_HINT),
    (re.compile(r"Invalid (?:RFC3339 encoded )?time"), "hora inválida (use HH:MM:SS)"),
    (re.compile(r"Invalid decimal"), 'número decimal inválido (envie como texto, ex.: "1234.56")'),
    (re.compile(r"Invalid UUID"), "identificador inválido (UUID)"),
    (re.compile(r"Object contains unknown field `(?P<f>[^`]+)`"), "campo desconhecido"),
    (
        re.compile(r"JSON is malformed|Input data was truncated|invalid character|trailing characters"),
        "JSON malformado",
    ),
]

_TYPE_NAMES = {
    "int": "inteiro",
    "str": "texto",
    "decimal": "número decimal",
    "uuid": "UUID",
    "bool": "booleano",
    "float": "número",
    "array": "lista",
    "object": "objeto",
    "null": "nulo",
}


def translate(message: str) -> str:
    """Portuguese for the validator's English messages; one nobody translated becomes "valor inválido"."""
    for pattern, template in _PATTERNS:
        m = pattern.search(message)
        if m:
            groups = {
                k: " ou ".join(_TYPE_NAMES.get(p, p) for p in v.split(" | "))
                for k, v in m.groupdict().items()
            }
            return template.format(**groups)
    log.debug("untranslated validation message: %s", message)
    return "valor inválido"


def _sem_anotacao(tipo: Any) -> Any:
    """``tipo`` without ``Annotated`` and without ``None`` in a union."""
    while get_origin(tipo) is Annotated:
        tipo = get_args(tipo)[0]
    if get_origin(tipo) in (Union, UnionType):
        membros = [a for a in get_args(tipo) if a is not type(None)]
        if len(membros) == 1:
            return _sem_anotacao(membros[0])
    return tipo


def _mensagem(message: str, tipo: Any) -> str:
    """The Portuguese message, with the allowed values of an enum."""
    texto = translate(message)
    base = _sem_anotacao(tipo)
    if texto.startswith("valor não permitido") and isinstance(base, type) and issubclass(base, enum.Enum):
        texto += " (valores aceitos: " + ", ".join(str(m.value) for m in base) + ")"
    return texto


def _caminho(prefixo: str, message: str) -> str:
    """The field path inside a value, from msgspec's ``- at `$...```."""
    m = re.search(r"at `\$(?P<path>[^`]*)`", message)
    resto = m.group("path") if m else ""
    return f"{prefixo}{resto}" if prefixo else resto.lstrip(".") or "corpo"


def _erros_do_struct(tipo: type[msgspec.Struct], valor: Any, prefixo: str) -> list[FieldError]:
    """Every bad field of a JSON object for ``tipo``: each field decoded on its own, so all are reported."""
    if not isinstance(valor, dict):
        return [FieldError(prefixo or "corpo", "esperado um objeto JSON")]
    erros: list[FieldError] = []
    campos = msgspec.structs.fields(tipo)
    for campo in campos:
        caminho = f"{prefixo}.{campo.encode_name}" if prefixo else campo.encode_name
        if campo.encode_name not in valor:
            if campo.required:
                erros.append(FieldError(caminho, "campo obrigatório"))
            continue
        bruto = valor[campo.encode_name]
        interno = _sem_anotacao(campo.type)
        if isinstance(interno, type) and issubclass(interno, msgspec.Struct) and isinstance(bruto, dict):
            erros += _erros_do_struct(interno, bruto, caminho)
            continue
        try:
            msgspec.json.decode(msgspec.json.encode(bruto), type=campo.type, strict=False)
        except msgspec.ValidationError as exc:
            erros.append(FieldError(_caminho(caminho, str(exc)), _mensagem(str(exc), campo.type)))
    if tipo.__struct_config__.forbid_unknown_fields:
        conhecidos = {c.encode_name for c in campos}
        erros += [
            FieldError(f"{prefixo}.{k}" if prefixo else k, "campo desconhecido")
            for k in valor
            if k not in conhecidos
        ]
    return erros


def _erros_do_corpo(request: Request) -> list[FieldError] | None:
    """All the body's field errors at once (msgspec stops at the first), or None when not a Struct body."""
    handler = request.scope.get("route_handler")
    parametro = getattr(handler, "parsed_fn_signature", None)
    campo = parametro.parameters.get("data") if parametro is not None else None
    tipo = _sem_anotacao(campo.annotation) if campo is not None else None
    if not (isinstance(tipo, type) and issubclass(tipo, msgspec.Struct)):
        return None
    corpo = request._connection_state.body
    if not isinstance(corpo, bytes):
        return None
    try:
        valor = msgspec.json.decode(corpo)
    except msgspec.DecodeError:
        return [FieldError("corpo", "JSON malformado")]
    return _erros_do_struct(tipo, valor, "") or None


def _nome_enviado(request: Request, chave: str) -> tuple[str, Any]:
    """A parameter's name as the client sends it (``?data=``, not ``ref_date``) and its type."""
    handler = request.scope.get("route_handler")
    parametro = getattr(handler, "parsed_fn_signature", None)
    campo = parametro.parameters.get(chave) if parametro is not None else None
    if campo is None:
        return chave, None
    nome = getattr(campo.kwarg_definition, "name", None) if campo.kwarg_definition is not None else None
    return nome or chave, campo.annotation


def _validation_problem(request: Request, exc: ValidationException) -> Response[Any]:
    errors: list[FieldError] = []
    extra = exc.extra if isinstance(exc.extra, list) else []
    do_corpo = [i for i in extra if isinstance(i, dict) and i.get("source") == "body"]
    if do_corpo or not extra:
        errors += _erros_do_corpo(request) or []
    for item in extra:
        if not isinstance(item, dict) or (item.get("source") == "body" and errors):
            continue
        message = str(item.get("message", ""))
        if item.get("source") == "body":
            errors.append(
                FieldError(
                    _caminho("", message) if "at `$" in message else str(item.get("key") or "corpo"),
                    translate(message),
                )
            )
            continue
        nome, tipo = _nome_enviado(request, str(item.get("key") or ""))
        errors.append(FieldError(nome or "corpo", _mensagem(message, tipo)))
    if not errors:
        errors.append(FieldError("corpo", translate(str(exc.detail))))
    return problem_response(
        400, "A requisição contém dados inválidos.", request=request, errors=errors, code="dados_invalidos"
    )


def _erro_de_dado(exc: DBAPIError) -> bool:
    """The driver refused a value (asyncpg ``DataError`` or ``OverflowError`` anywhere in the chain)."""
    atual: BaseException | None = exc.orig
    while atual is not None:
        if isinstance(atual, OverflowError) or "DataError" in type(atual).__name__:
            return True
        atual = atual.__cause__
    return "DataError" in str(exc.orig)


#: SQLSTATEs of a server that is gone or not accepting yet: connection exceptions (class 08),
#: admin/crash shutdown and "the database system is starting up" (57P01..57P03).
_SQLSTATES_SEM_BANCO = ("57P01", "57P02", "57P03")


def _do_driver(exc: BaseException) -> bool:
    """Raised by asyncpg or SQLAlchemy (a refused connect leaves them as a bare ``OSError``)."""
    if type(exc).__module__.startswith("asyncpg"):
        return True
    tb = exc.__traceback__
    while tb is not None:
        if str(tb.tb_frame.f_globals.get("__name__", "")).startswith(("asyncpg", "sqlalchemy")):
            return True
        tb = tb.tb_next
    return False


def _banco_indisponivel(exc: BaseException) -> bool:
    """The database is unreachable (down, restarting, connection cut), not a bad request.

    SQLAlchemy marks a connection it saw die (``connection_invalidated``) and, on that
    error, has its pool discard every connection opened before it: the next requests get
    fresh ones, so the process recovers by itself once the server is back. Connecting to
    a server that is down raises the driver's error or an ``OSError`` (refused)."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if not isinstance(exc, DBAPIError) and not _do_driver(exc):
        return False  # a refused connection elsewhere (S3, a bank) is not the database
    atual: BaseException | None = exc.orig if isinstance(exc, DBAPIError) else exc
    while atual is not None:
        estado = str(getattr(atual, "sqlstate", "") or "")
        if estado.startswith("08") or estado in _SQLSTATES_SEM_BANCO:
            return True
        nome = type(atual).__name__
        if isinstance(atual, ConnectionError | TimeoutError) or nome in (
            "ConnectionDoesNotExistError",
            "CannotConnectNowError",
            "PostgresConnectionError",
        ):
            return True
        if nome == "InterfaceError" and "connection" in str(atual) and "closed" in str(atual):
            return True
        atual = atual.__cause__ or atual.__context__
    return False


def handle_exception(request: Request, exc: Exception) -> Response[Any]:
    """Single exception handler: every error leaves as problem+json."""
    if isinstance(exc, ErroDominio):
        return problem_response(
            status_of(exc),
            exc.detail or "",
            request=request,
            title=exc.title,
            errors=exc.errors,
            code=exc.code,
            headers=exc.headers,
        )
    if isinstance(exc, ValidationException):
        return _validation_problem(request, exc)
    if isinstance(exc, NotAuthorizedException):
        return problem_response(
            401, "Credenciais ausentes ou inválidas.", request=request, headers={"WWW-Authenticate": "Bearer"}
        )
    if isinstance(exc, PermissionDeniedException):
        return problem_response(403, "Seu perfil não permite esta operação.", request=request)
    if isinstance(exc, NotFoundException):
        return problem_response(404, "O recurso solicitado não existe.", request=request)
    if isinstance(exc, HTTPException):
        # Litestar's own errors speak English: the client gets Portuguese (the original goes to the log).
        log.info("http error %s on %s %s: %s", exc.status_code, request.method, request.url.path, exc.detail)
        if exc.status_code == 400:
            return problem_response(
                400,
                "A requisição contém dados inválidos.",
                request=request,
                errors=[FieldError("corpo", translate(str(exc.detail)))],
                code="dados_invalidos",
            )
        return problem_response(
            exc.status_code,
            _DETALHES.get(exc.status_code, "A requisição não pôde ser atendida."),
            request=request,
            headers=exc.headers,
        )
    if isinstance(exc, DBAPIError) and getattr(exc.orig, "sqlstate", None) in _RETRYABLE_SQLSTATES:
        # Deadlock or lock/serialization conflict: nothing was written, the client may retry.
        return problem_response(
            409,
            "Conflito de concorrência com outra operação; tente novamente.",
            request=request,
            code="conflito_concorrencia",
            headers={"Retry-After": "1"},
        )
    if isinstance(exc, IntegrityError):
        log.info("integrity error: %s", exc.orig)
        return problem_response(
            409, "A operação conflita com dados existentes.", request=request, code="conflito"
        )
    if isinstance(exc, OverflowError) or (isinstance(exc, DBAPIError) and _erro_de_dado(exc)):
        # A value the schema let through but the database or date arithmetic cannot hold
        # (a year past 9999 after adding months, a number past bigint): the request is refused.
        return problem_response(
            422, "Valor fora dos limites aceitos.", request=request, code="valor_invalido"
        )
    if _banco_indisponivel(exc):
        # Nothing was committed (the transaction died with the connection): retry later.
        log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
        return problem_response(
            503,
            "O banco de dados não respondeu; nada foi gravado. Tente novamente em instantes.",
            request=request,
            code="banco_indisponivel",
            headers={"Retry-After": "5"},
        )
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem_response(500, "Erro interno inesperado.", request=request)
