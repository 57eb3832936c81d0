"""Finishing an app's OpenAPI document from its routes: what Litestar does not write by itself.

Each app (tenant app in Portuguese, control plane in English) calls
:func:`finish_document` once, right after building its ``Litestar`` app, with its
own texts, its problem schema and its links. The document then has, for every
operation:

* a summary and a description (the handler's docstring unless the route gave them);
* every error status the route can answer, each as ``application/problem+json``
  with the app's problem schema (``statuses`` decides which, from the route);
* Portuguese/English descriptions for success responses instead of Litestar's
  HTTP reason phrases;
* OpenAPI links (``LinkSpec``: create → read/act), so clients and stateful fuzzers
  can follow an id from one answer into the next call.

:func:`document_gaps` lists what an operation still lacks; each app has a test that
fails naming the offending operations.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import msgspec
from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.spec import (
    Components,
    Link,
    OpenAPI,
    OpenAPIMediaType,
    OpenAPIResponse,
    Operation,
    Reference,
    Schema,
)
from litestar.openapi.spec.enums import OpenAPIType
from litestar.routes import HTTPRoute

from consorcio_kit.problems import PROBLEM_MEDIA_TYPE

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class OperationInfo:
    """One documented operation and the route handler behind it."""

    path: str
    method: str
    operation: Operation
    handler: HTTPRouteHandler

    @property
    def operation_id(self) -> str:
        return self.operation.operation_id or f"{self.method} {self.path}"

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"

    def parameters(self, location: str) -> list[Any]:
        return [p for p in self.operation.parameters or [] if getattr(p, "param_in", None) == location]

    def has_header(self, name: str, *, required: bool | None = None) -> bool:
        return any(
            p.name.lower() == name.lower() and (required is None or bool(p.required) == required)
            for p in self.parameters("header")
        )


@dataclass(frozen=True)
class LinkSpec:
    """``source`` answering ``status`` leads to ``target`` with these runtime expressions."""

    source: str
    target: str
    parameters: Mapping[str, str] = field(default_factory=dict)
    request_body: Any = None
    status: str = "201"
    name: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class DocumentTexts:
    """The app's language: a description per status code and what a problem response says."""

    status_descriptions: Mapping[int, str]
    problem_schema_name: str
    problem_schema: Schema
    problem_example: Callable[[int], dict[str, Any]]


def iter_operations(app: Litestar, openapi: OpenAPI) -> Iterator[OperationInfo]:
    """Every operation of ``openapi`` with its route handler (matched by path and method)."""
    handlers: dict[tuple[str, str], HTTPRouteHandler] = {}
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            for handler in route.route_handlers:
                for http_method in handler.http_methods:
                    handlers[(route.path_format or "/", http_method.lower())] = handler
    for path, item in (openapi.paths or {}).items():
        for method in _METHODS:
            operation = getattr(item, method, None)
            if isinstance(operation, Operation) and (path, method) in handlers:
                yield OperationInfo(path, method, operation, handlers[(path, method)])


def finish_document(
    app: Litestar,
    texts: DocumentTexts,
    statuses: Callable[[OperationInfo], set[int]],
    links: Sequence[LinkSpec] = (),
    public: Callable[[OperationInfo], bool] = lambda _: False,
) -> OpenAPI:
    """Complete the app's (cached) OpenAPI document in place and return it."""
    openapi = app.openapi_schema
    components = openapi.components or Components()
    openapi.components = components
    schemas = dict(components.schemas or {})
    schemas[texts.problem_schema_name] = texts.problem_schema
    components.schemas = schemas
    problem_ref = Reference(ref=f"#/components/schemas/{texts.problem_schema_name}")
    by_id: dict[str, OperationInfo] = {}
    for info in iter_operations(app, openapi):
        by_id[info.operation_id] = info
        _describe(info)
        if public(info):
            info.operation.security = []
        _required_not_null(info.operation)
        _optional_body(info)
        responses = dict(info.operation.responses or {})
        for code, response in list(responses.items()):
            # Litestar's generic 400 ("Validation Exception", application/json) is not what the app
            # answers: the statuses below replace it.
            content = response.content if isinstance(response, OpenAPIResponse) else None
            if code.isdigit() and int(code) >= 400 and PROBLEM_MEDIA_TYPE not in (content or {}):
                del responses[code]
        for code, response in list(responses.items()):
            if isinstance(response, OpenAPIResponse) and code.isdigit() and int(code) < 400:
                response.description = texts.status_descriptions.get(int(code), response.description)
        for status in sorted(statuses(info)):
            responses[str(status)] = OpenAPIResponse(
                description=texts.status_descriptions[status],
                content={
                    PROBLEM_MEDIA_TYPE: OpenAPIMediaType(
                        schema=problem_ref, example=texts.problem_example(status)
                    )
                },
            )
        info.operation.responses = responses
    for spec in links:
        _add_link(by_id, spec)
    return openapi


def _required_not_null(operation: Operation) -> None:
    """A required header or query parameter cannot be null: ``str | None`` handlers (absent
    becomes a 428 with a clear problem, not a 400) are documented as the plain string."""
    for parameter in operation.parameters or []:
        schema = getattr(parameter, "schema", None)
        if not getattr(parameter, "required", False) or not isinstance(schema, Schema) or not schema.one_of:
            continue
        members = [m for m in schema.one_of if not (isinstance(m, Schema) and m.type == OpenAPIType.NULL)]
        if len(members) == 1 and isinstance(members[0], Schema) and len(members) < len(schema.one_of):
            inner = members[0]
            schema.one_of = None
            schema.type = inner.type
            schema.format = schema.format or inner.format
            schema.pattern = schema.pattern or inner.pattern


def _optional_body(info: OperationInfo) -> None:
    """A ``data`` parameter with a default (``SuspendRequest | None = None``) is an optional body."""
    parameter = info.handler.parsed_fn_signature.parameters.get("data")
    body = info.operation.request_body
    if parameter is not None and body is not None and not isinstance(body, Reference):
        if parameter.default is not None and parameter.default is not inspect.Parameter.empty:
            return
        if parameter.default is None or type(None) in typing.get_args(parameter.annotation):
            body.required = False


def _describe(info: OperationInfo) -> None:
    """Summary and description from the handler's docstring when the route gave none."""
    doc = inspect.getdoc(info.handler.fn) or ""
    first, _, _rest = doc.partition("\n\n")
    first = " ".join(first.split())
    if info.handler.summary is None and first:
        info.operation.summary = first if len(first) <= 120 else first[:117].rstrip() + "..."
    if not info.operation.description and doc:
        info.operation.description = doc


def _add_link(by_id: Mapping[str, OperationInfo], spec: LinkSpec) -> None:
    source, target = by_id.get(spec.source), by_id.get(spec.target)
    if source is None or target is None:
        missing = spec.source if source is None else spec.target
        raise LookupError(f"OpenAPI link {spec.source} -> {spec.target}: no operation {missing!r}")
    response = (source.operation.responses or {}).get(spec.status)
    if not isinstance(response, OpenAPIResponse):
        raise LookupError(f"OpenAPI link from {spec.source}: it documents no {spec.status} response")
    links = dict(response.links or {})
    links[spec.name or spec.target] = Link(
        operation_id=spec.target,
        parameters=dict(spec.parameters) or None,
        request_body=spec.request_body,
        description=spec.description,
    )
    response.links = links


def document_gaps(app: Litestar) -> dict[str, list[str]]:
    """Operation label -> what it lacks (empty when the document is complete)."""
    openapi = app.openapi_schema
    gaps: dict[str, list[str]] = {}
    for info in iter_operations(app, openapi):
        problems: list[str] = []
        op = info.operation
        if not (op.summary or "").strip():
            problems.append("no summary")
        if not (op.description or "").strip():
            problems.append("no description")
        responses = op.responses or {}
        if not any(code.startswith("2") or code.startswith("3") for code in responses):
            problems.append("no success response")
        can_fail = bool(op.parameters or op.request_body or op.security != [])
        if can_fail and not any(code[:1] in "45" for code in responses):
            problems.append("no error response")
        for code, response in responses.items():
            if not isinstance(response, OpenAPIResponse):
                continue
            if not (response.description or "").strip():
                problems.append(f"{code} without description")
            if code.isdigit() and int(code) >= 400:
                content = response.content or {}
                if set(content) != {PROBLEM_MEDIA_TYPE}:
                    problems.append(f"{code} not documented as {PROBLEM_MEDIA_TYPE}")
            elif code.startswith("2") and code != "204":
                for media, body in (response.content or {}).items():
                    if media.endswith("json") and _empty_schema(body.schema):
                        problems.append(f"{code} {media} has an empty schema")
        if problems:
            gaps[info.label] = problems
    return gaps


def _empty_schema(schema: Schema | Reference | None) -> bool:
    if schema is None:
        return True
    if isinstance(schema, Reference):
        return False
    return not any(
        (schema.type, schema.properties, schema.items, schema.one_of, schema.any_of, schema.all_of)
    )


#: A decimal number written as text (``"1234.50"``, ``"-3"``, ``"0.0001"``).
DECIMAL_PATTERN = r"^[+-]?(\d+(\.\d*)?|\.\d+)$"


def document_decimals(app: Litestar, openapi: OpenAPI) -> None:
    """Request fields typed ``Decimal``: a decimal string (with its pattern) or a JSON number.

    Litestar writes them as a bare ``string``, which promises that any text is accepted.
    """
    schemas = (openapi.components.schemas or {}) if openapi.components else {}
    by_title = {s.title: s for s in schemas.values() if isinstance(s, Schema) and s.title}
    done: set[type] = set()
    for info in iter_operations(app, openapi):
        parameter = info.handler.parsed_fn_signature.parameters.get("data")
        if parameter is not None:
            _decimals_of(parameter.annotation, by_title, done)


def _decimals_of(tipo: Any, by_title: Mapping[str, Schema], done: set[type]) -> None:
    for inner in (tipo, *typing.get_args(tipo)):
        if isinstance(inner, type) and issubclass(inner, msgspec.Struct) and inner not in done:
            done.add(inner)
            component = by_title.get(inner.__name__)
            if component is not None and inner.__struct_config__.forbid_unknown_fields:
                component.additional_properties = False  # an unknown field is refused: say so
            for f in msgspec.structs.fields(inner):
                field_types = _flatten(f.type)
                if component is not None and component.properties:
                    _integer_bounds(f.type, component.properties.get(f.encode_name))
                if Decimal in field_types and component is not None and component.properties:
                    current = component.properties.get(f.encode_name)
                    if isinstance(current, Schema):
                        nullable = type(None) in field_types
                        decimal_schema = Schema(
                            one_of=[
                                Schema(type=OpenAPIType.STRING, pattern=DECIMAL_PATTERN),
                                Schema(type=OpenAPIType.NUMBER),
                                *([Schema(type=OpenAPIType.NULL)] if nullable else []),
                            ],
                            description=current.description,
                            examples=current.examples,
                        )
                        component.properties[f.encode_name] = decimal_schema
                for member in field_types:
                    _decimals_of(member, by_title, done)
        elif typing.get_origin(inner) is not None and inner is not tipo:
            _decimals_of(inner, by_title, done)


def _integer_bounds(tipo: Any, schema: Schema | Reference | None) -> None:
    """Litestar drops a bound equal to 0 (``Meta(ge=0)`` documents no minimum): put it back."""
    if not isinstance(schema, Schema):
        return
    info = msgspec.inspect.type_info(tipo)
    members = info.types if isinstance(info, msgspec.inspect.UnionType) else (info,)
    for member in members:
        if isinstance(member, msgspec.inspect.IntType):
            targets = [
                schema,
                *(m for m in schema.one_of or [] if isinstance(m, Schema) and m.type == OpenAPIType.INTEGER),
            ]
            for target in targets:
                if member.ge is not None:
                    target.minimum = member.ge
                if member.le is not None:
                    target.maximum = member.le
                if member.gt is not None:
                    target.exclusive_minimum = member.gt
                if member.lt is not None:
                    target.exclusive_maximum = member.lt


def _flatten(tipo: Any) -> set[Any]:
    out: set[Any] = set()
    origin = typing.get_origin(tipo)
    if origin is typing.Annotated:
        return _flatten(typing.get_args(tipo)[0])
    if origin is not None and origin not in (list, tuple, set, frozenset, dict):
        for arg in typing.get_args(tipo):
            out |= _flatten(arg)
        return out
    if origin in (list, tuple, set, frozenset):
        for arg in typing.get_args(tipo):
            out |= _flatten(arg)
        return out
    out.add(tipo)
    return out
