"""Two rules every request value obeys in both apps, checked at the edge and stated in the document.

* **Text has no control characters** (tab, line feed and carriage return are text). A NUL
  cannot be stored by PostgreSQL at all, and the others only ever arrive by accident
  or from an attack on whoever displays them later.
* **Integers fit 32 bits** (−2 147 483 648 … 2 147 483 647): every integer column and
  query argument is ``integer``/``bigint`` and no field of either API needs more, so a
  larger number is a malformed request, not a database error.

Each app checks the decoded JSON body, the query and the path before its handler
runs (:func:`violations`, turned into its own 400/422 problem) and calls
:func:`constrain_document` so the OpenAPI document says the same to clients and
fuzzers: every request string without its own ``pattern``/``format``/``enum`` gets
:data:`TEXT_PATTERN`, every request integer the 32-bit bounds it lacks.
"""

from __future__ import annotations

import collections.abc
import datetime
import re
import typing
from collections.abc import Iterator
from typing import Any

import msgspec
from litestar.openapi.spec import OpenAPI, Operation, Reference, Schema
from litestar.openapi.spec.enums import OpenAPIType

INT_MIN, INT_MAX = -(2**31), 2**31 - 1
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: The same rule as a JSON Schema (ECMA-262) pattern.
TEXT_PATTERN = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F]*$"

#: Formats whose values cannot hold a control character anyway.
_CLEAN_FORMATS = frozenset({"date", "date-time", "time", "uuid", "binary", "byte", "duration"})

CONTROL = "control"
INT_RANGE = "int_range"

#: An e-mail address: ``local@domínio.tld`` without whitespace or control characters.
#: ``\s`` alone is not enough: Python counts U+001C–U+001F and U+0085 as whitespace and
#: ECMA-262 (the document's dialect, which fuzzers and clients read) counts U+FEFF, so a
#: bare ``\s`` made the API reject addresses its own document allowed. Naming the C0/C1
#: controls and U+FEFF makes the class mean the same in both dialects.
_EMAIL_CHAR = r"[^@\s\x00-\x20\x7f-\x9f\ufeff]"
EMAIL_PATTERN = rf"^{_EMAIL_CHAR}+@{_EMAIL_CHAR}+\.{_EMAIL_CHAR}+$"
Email = typing.Annotated[str, msgspec.Meta(pattern=EMAIL_PATTERN, max_length=254)]
#: An ``Idempotency-Key`` value: printable ASCII, no space at either end. Spelled as ranges
#: for the same reason as the e-mail class (``\S`` differs between the two dialects).
IDEMPOTENCY_KEY_PATTERN = r"^[\x21-\x7E]([\x20-\x7E]*[\x21-\x7E])?$"


#: Route ``opt`` key: the body's own type bounds its integers (a contract wider than 32 bits,
#: such as usage values up to 10**12), so the 32-bit rule is not applied to that body.
WIDE_INTEGERS = "wide_integers"


def violations(value: Any, path: str = "", *, wide_integers: bool = False) -> list[tuple[str, str]]:
    """``(path, rule)`` for every string with a control character and every integer out of range.

    ``path`` is written as the client sent it: ``enderecos[0].logradouro``.
    """
    out: list[tuple[str, str]] = []
    _walk(value, path, out, wide_integers)
    return out


def _walk(value: Any, path: str, out: list[tuple[str, str]], wide: bool = False) -> None:
    if isinstance(value, str):
        if _CONTROL.search(value):
            out.append((path, CONTROL))
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        if not wide and not INT_MIN <= value <= INT_MAX:
            out.append((path, INT_RANGE))
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and _CONTROL.search(key):
                out.append((f"{path}.{key!r}" if path else repr(key), CONTROL))
            _walk(item, f"{path}.{key}" if path else str(key), out, wide)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, f"{path}[{index}]", out, wide)


def has_control_characters(text: str) -> bool:
    """Whether ``text`` breaks the text rule."""
    return bool(_CONTROL.search(text))


def constrain_document(openapi: OpenAPI) -> None:
    """State both rules on every request parameter and body schema of ``openapi`` (in place)."""
    components = (openapi.components.schemas or {}) if openapi.components else {}
    seen: set[int] = set()
    for operation in _operations(openapi):
        for parameter in operation.parameters or []:
            schema = getattr(parameter, "schema", None)
            _constrain(schema, components, seen)
        body = operation.request_body
        if body is not None and not isinstance(body, Reference):
            for media in (body.content or {}).values():
                _constrain(media.schema, components, seen)


def _operations(openapi: OpenAPI) -> Iterator[Operation]:
    for item in (openapi.paths or {}).values():
        for method in ("get", "put", "post", "delete", "patch"):
            operation = getattr(item, method, None)
            if isinstance(operation, Operation):
                yield operation


def _constrain(schema: Schema | Reference | None, components: dict[str, Any], seen: set[int]) -> None:
    if schema is None:
        return
    if isinstance(schema, Reference):
        name = schema.ref.rsplit("/", 1)[-1]
        schema = components.get(name)
        if not isinstance(schema, Schema):
            return
    if id(schema) in seen:
        return
    seen.add(id(schema))
    types = schema.type if isinstance(schema.type, list) else [schema.type]
    if OpenAPIType.STRING in types and not (schema.enum or schema.const or schema.format in _CLEAN_FORMATS):
        if not schema.pattern:
            schema.pattern = TEXT_PATTERN
        elif schema.pattern != TEXT_PATTERN and not schema.all_of:
            # A field's own pattern (an e-mail's shape) may still let control characters through.
            schema.all_of = [Schema(pattern=TEXT_PATTERN)]
    if OpenAPIType.OBJECT in types and schema.additional_properties not in (None, False):
        schema.property_names = schema.property_names or Schema(pattern=TEXT_PATTERN)
    if OpenAPIType.INTEGER in types:
        if schema.maximum is None and schema.exclusive_maximum is None:
            schema.maximum = INT_MAX
        if schema.minimum is None and schema.exclusive_minimum is None:
            schema.minimum = INT_MIN
    for child in (
        *(schema.properties or {}).values(),
        *(schema.one_of or []),
        *(schema.any_of or []),
        *(schema.all_of or []),
        *([schema.items] if isinstance(schema.items, Schema | Reference) else []),
        *(
            [schema.additional_properties]
            if isinstance(schema.additional_properties, Schema | Reference)
            else []
        ),
    ):
        _constrain(child, components, seen)


NUMERIC_DATE = "numeric_date"
#: A query parameter sent more than once that the handler takes as one value: the framework kept
#: the last and ignored the rest (``?offset=x&offset=0`` answered 200), so the request said two
#: things and was served as one.
REPEATED = "repeated"
_NUMBER = re.compile(r"^\s*[-+]?\d+(\.\d*)?([eE][-+]?\d+)?\s*$")
_INTEGER = re.compile(r"^\s*[-+]?\d+\s*$")


def parameter_violations(request: Any) -> list[tuple[str, str]]:
    """``(name as sent, rule)`` for the path and query values of a Litestar request.

    Text rule on every value; for the handler's parameters typed ``int``, the 32-bit range;
    for those typed ``date``/``datetime``, a number is not a date (the framework would read
    ``0.5`` as seconds since 1970).
    """
    out: list[tuple[str, str]] = []
    for name, value in request.path_params.items():
        if isinstance(value, str) and has_control_characters(value):
            out.append((name, CONTROL))
    kinds = _query_kinds(request.route_handler)
    seen: set[str] = set()
    for name, value in request.query_params.multi_items():
        if name in seen and kinds.get(name) != "list":
            if (name, REPEATED) not in out:
                out.append((name, REPEATED))
            continue
        seen.add(name)
        if has_control_characters(value) or has_control_characters(name):
            out.append((name, CONTROL))
        elif kinds.get(name) == "int" and _INTEGER.match(value) and not INT_MIN <= int(value) <= INT_MAX:
            out.append((name, INT_RANGE))
        elif kinds.get(name) == "date" and _NUMBER.match(value):
            out.append((name, NUMERIC_DATE))
    return out


_MANY = (list, tuple, set, frozenset, collections.abc.Sequence)


def _query_kinds(handler: Any) -> dict[str, str]:
    """Sent name -> ``int``/``date``/``list`` for the handler's integer, date and many-valued
    parameters."""
    out: dict[str, str] = {}
    for name, parameter in handler.parsed_fn_signature.parameters.items():
        annotation = parameter.annotation
        while typing.get_origin(annotation) is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        members = set(typing.get_args(annotation)) or {annotation}
        sent = getattr(parameter.kwarg_definition, "name", None) or name
        if typing.get_origin(annotation) in _MANY or any(typing.get_origin(m) in _MANY for m in members):
            out[sent] = "list"
        elif members & {datetime.date, datetime.datetime}:
            out[sent] = "date"
        elif int in members and bool not in members:
            out[sent] = "int"
    return out


def body_type(handler: Any) -> Any:
    """The handler's ``data`` type when it is a msgspec Struct (optional, or a list of them), else None."""
    parameter = handler.parsed_fn_signature.parameters.get("data")
    if parameter is None:
        return None
    annotation = parameter.annotation
    members = [m for m in (typing.get_args(annotation) or (annotation,)) if m is not type(None)]
    for member in members:
        target = typing.get_args(member)[0] if typing.get_origin(member) is list else member
        if isinstance(target, type) and issubclass(target, msgspec.Struct):
            return parameter.annotation
    return None


def strict_type_error(raw: Any, target: Any) -> str | None:
    """The validator's message when ``raw`` fits ``target`` only by lenient conversion (``0`` for
    ``false``, a number for a datetime); None when it fits strictly or does not fit at all (the
    framework's own validation then reports every field)."""
    try:
        msgspec.convert(_integral(raw), type=target, strict=True)
        return None
    except msgspec.ValidationError as exc:
        try:
            msgspec.convert(raw, type=target, strict=False)
        except msgspec.ValidationError:
            return None
        return str(exc)


def _integral(value: Any) -> Any:
    """JSON Schema counts 1.0 as an integer: so does the strict reading."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    if isinstance(value, list):
        return [_integral(v) for v in value]
    if isinstance(value, dict):
        return {k: _integral(v) for k, v in value.items()}
    return value
