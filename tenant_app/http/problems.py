"""The HTTP edge of errors: every exception leaves as RFC 9457 problem+json, in Portuguese.

Domain errors (``tenant_app.erros``) get their status here and only here; the
document itself is built by ``consorcio_kit.problems``, as in the control plane.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

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
    ConflitoError,
    ContaBloqueada,
    DadosInvalidos,
    ErroDominio,
    IndisponivelError,
    NaoAutenticado,
    NaoEncontrado,
    PrecondicaoExigida,
    RegraVioladaError,
)

log = logging.getLogger("tenant_app.errors")

PROBLEM_JSON = PROBLEM_MEDIA_TYPE
PROBLEM_TYPE_BASE = "https://consorcio.io/problemas/"

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
    429: "Muitas requisições",
    500: "Erro interno",
    503: "Serviço indisponível",
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
    PrecondicaoExigida: 428,
    IndisponivelError: 503,
}


def status_of(exc: ErroDominio) -> int:
    """The HTTP status of a domain error (422 for a subclass of the base nobody mapped)."""
    for cls in type(exc).__mro__:
        if cls in STATUS_OF:
            return STATUS_OF[cls]  # type: ignore[index]
    return 422


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
    body = problem_document(
        type_uri=f"{PROBLEM_TYPE_BASE}{code}" if code else "about:blank",
        title=title or _TITLES.get(status, "Erro"),
        status=status,
        detail=detail,
        instance=instance,
        errors=[{"campo": e.field, "mensagem": e.message} for e in errors],
        extensions=extensions,
    )
    return kit_problem_response(body, headers=headers)


_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"Object missing required field `(?P<f>[^`]+)`"), "campo obrigatório"),
    (re.compile(r"Missing required (?:header|query|path|cookie) parameter"), "parâmetro obrigatório ausente"),
    (re.compile(r"Expected `(?P<t>[^`]+)`, got `(?P<g>[^`]+)`"), "tipo inválido (esperado {t})"),
    (re.compile(r"Expected `(?P<t>[^`]+)` >= (?P<n>[-\d.]+)"), "deve ser maior ou igual a {n}"),
    (re.compile(r"Expected `(?P<t>[^`]+)` > (?P<n>[-\d.]+)"), "deve ser maior que {n}"),
    (re.compile(r"Expected `(?P<t>[^`]+)` <= (?P<n>[-\d.]+)"), "deve ser menor ou igual a {n}"),
    (re.compile(r"Expected `(?P<t>[^`]+)` < (?P<n>[-\d.]+)"), "deve ser menor que {n}"),
    (re.compile(r"Expected `str` of length >= (?P<n>\d+)"), "deve ter pelo menos {n} caracteres"),
    (re.compile(r"Expected `str` of length <= (?P<n>\d+)"), "deve ter no máximo {n} caracteres"),
    (re.compile(r"Expected `array` of length <= (?P<n>\d+)"), "lista com no máximo {n} itens"),
    (re.compile(r"Invalid enum value '(?P<v>[^']*)'"), "valor não permitido: {v}"),
    (re.compile(r"Invalid (?:RFC3339 encoded )?(?:date|datetime)"), "data inválida (use AAAA-MM-DD)"),
    (re.compile(r"Invalid decimal"), "número decimal inválido"),
    (re.compile(r"Invalid UUID"), "identificador inválido (UUID)"),
    (re.compile(r"Object contains unknown field `(?P<f>[^`]+)`"), "campo desconhecido"),
    (re.compile(r"JSON is malformed|Input data was truncated|invalid character"), "JSON malformado"),
]

_TYPE_NAMES = {
    "int": "inteiro",
    "str": "texto",
    "decimal": "número decimal",
    "uuid": "UUID",
    "bool": "booleano",
}


def translate(message: str) -> str:
    """Portuguese for the validator's English messages (unknown ones are kept)."""
    for pattern, template in _PATTERNS:
        m = pattern.search(message)
        if m:
            groups = {k: _TYPE_NAMES.get(v, v) for k, v in m.groupdict().items()}
            return template.format(**groups)
    return message


def _field_of(item: dict[str, Any]) -> str:
    key = item.get("key")
    message = str(item.get("message", ""))
    m = re.search(r"at `\$\.(?P<path>[^`]+)`", message)
    if m:
        return m.group("path")
    m = re.search(r"`(?P<f>[^`]+)`", message) if "missing required field" in message else None
    if m:
        return m.group("f")
    return str(key) if key else "corpo"


def _validation_problem(request: Request, exc: ValidationException) -> Response[Any]:
    errors = []
    extra = exc.extra if isinstance(exc.extra, list) else []
    for item in extra:
        if isinstance(item, dict):
            errors.append(FieldError(_field_of(item), translate(str(item.get("message", "")))))
    if not errors:
        errors.append(FieldError("corpo", translate(str(exc.detail))))
    return problem_response(
        400, "A requisição contém dados inválidos.", request=request, errors=errors, code="dados_invalidos"
    )


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
        return problem_response(exc.status_code, str(exc.detail), request=request, headers=exc.headers)
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
    if isinstance(exc, DBAPIError) and "DataError" in type(exc.orig).__name__ + str(exc.orig):
        return problem_response(
            422, "Valor fora dos limites aceitos.", request=request, code="valor_invalido"
        )
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem_response(500, "Erro interno inesperado.", request=request)
