"""The edge check of every request's values (``before_request`` of the app).

Rules that hold for every feature without each schema repeating them, so a new
route obeys them the day it is added:

* text without control characters and integers that fit 32 bits
  (``consorcio_kit.input_rules``): a NUL byte in an address and a huge ``offset``
  used to reach PostgreSQL and fail with 500;
* a JSON body is read **strictly** against the handler's ``data`` type: ``0`` is not
  ``false`` and a number is not a date (the framework converts leniently, which
  accepted what the document forbids);
* a date or datetime in the query is written as one, not as a number of seconds;
* a query parameter is sent once (the framework silently kept the last of several);
* an upload route gets a file part (a form without one failed inside the framework).

A request breaking them is 400 ``dados_invalidos`` with every offending field at
once, before the handler runs; the OpenAPI document states the same (``openapi_doc``).
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Request
from litestar.datastructures import UploadFile

from consorcio_kit.input_rules import (
    CONTROL,
    INT_RANGE,
    NUMERIC_DATE,
    REPEATED,
    parameter_violations,
    violations,
)
from tenant_app.erros import DadosInvalidos, FieldError
from tenant_app.http.problems import translate

_MENSAGENS = {
    CONTROL: "texto com caractere de controle (só tabulação e quebra de linha são aceitas)",
    INT_RANGE: "número inteiro fora do intervalo aceito (-2147483648 a 2147483647)",
    NUMERIC_DATE: "data inválida: use AAAA-MM-DD (datas) ou ISO 8601 com fuso horário (data e hora)",
    REPEATED: "parâmetro repetido: envie cada parâmetro de consulta uma vez só",
}
_CAMINHO = re.compile(r"at `\$(?P<path>[^`]*)`")


async def verificar_entrada(request: Request) -> None:
    """400 when the path, the query or the body breaks a rule of every input."""
    erros = [FieldError(nome, _MENSAGENS[regra]) for nome, regra in parameter_violations(request)]
    tipo_conteudo = request.headers.get("content-type", "")
    if request.method in ("POST", "PUT", "PATCH") and "json" in tipo_conteudo:
        erros += await _erros_do_corpo(request)
    elif request.method in ("POST", "PUT", "PATCH") and tipo_conteudo.startswith("multipart/"):
        erros += await _arquivo_ausente(request)
    if erros:
        raise DadosInvalidos("A requisição contém dados inválidos.", errors=erros, code="dados_invalidos")


async def _erros_do_corpo(request: Request) -> list[FieldError]:
    """The body read strictly against the handler's type, then the rules on what the type keeps."""
    corpo = await request.body()
    if not corpo:
        return []
    try:
        bruto = msgspec.json.decode(corpo)
    except msgspec.DecodeError:
        return []  # malformed JSON: the framework's 400 says so
    tipo = _tipo_do_corpo(request)
    valor: Any = bruto
    if tipo is not None:
        try:
            # JSON Schema counts 1.0 as an integer: so does this check.
            lido = msgspec.convert(_inteiros(bruto), type=tipo, strict=True)
        except msgspec.ValidationError as exc:
            try:
                msgspec.convert(bruto, type=tipo, strict=False)
            except msgspec.ValidationError:
                return []  # invalid anyway: the framework's 400 lists every bad field at once
            m = _CAMINHO.search(str(exc))
            caminho = m.group("path").lstrip(".") if m else ""
            return [FieldError(caminho or "corpo", translate(str(exc)))]
        # Unknown fields the type ignores are not the request's values: only what it keeps.
        valor = msgspec.to_builtins(lido)
    return [FieldError(caminho or "corpo", _MENSAGENS[regra]) for caminho, regra in violations(valor)]


def _inteiros(valor: Any) -> Any:
    if isinstance(valor, float) and valor.is_integer() and abs(valor) < 2**63:
        return int(valor)
    if isinstance(valor, list):
        return [_inteiros(v) for v in valor]
    if isinstance(valor, dict):
        return {k: _inteiros(v) for k, v in valor.items()}
    return valor


async def _arquivo_ausente(request: Request) -> list[FieldError]:
    """An upload route sent a multipart form without a file (the framework failed with 500)."""
    parametro = request.route_handler.parsed_fn_signature.parameters.get("data")
    if parametro is None or UploadFile not in (
        parametro.annotation,
        *getattr(parametro.annotation, "__args__", ()),
    ):
        return []
    formulario = await request.form()
    if any(isinstance(v, UploadFile) for v in formulario.values()):
        return []
    return [FieldError("arquivo", "envie o arquivo como uma parte do formulário multipart")]


def _tipo_do_corpo(request: Request) -> Any:
    """The handler's ``data`` type when it is a msgspec Struct (or a list of them), else None."""
    parametro = request.route_handler.parsed_fn_signature.parameters.get("data")
    if parametro is None:
        return None
    tipo = parametro.annotation
    base = getattr(tipo, "__origin__", None)
    alvo = tipo.__args__[0] if base is list and getattr(tipo, "__args__", None) else tipo
    return tipo if isinstance(alvo, type) and issubclass(alvo, msgspec.Struct) else None
