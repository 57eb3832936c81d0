"""Every property of an OpenAPI document described: from the code first, then a glossary.

Where a property's description comes from, in order:

1. ``msgspec.Meta(description=...)`` on the field (Litestar already writes it);
2. the ``#:`` comment above the field, or trailing it, in the Struct's source — the
   comment the code already carries for its readers;
3. the app's glossary: a ``"Schema.campo"`` key (the component's name as the document
   shows it) for one schema's field, else the field names used the same way everywhere
   (``id``, ``criado_em``);
4. the app's naming rules (``<x>_id`` is the id of an ``<x>``; ``data_<x>`` a date).

:func:`undescribed_properties` lists what is still missing (``Schema.property``), for the test
that keeps the documents complete.
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any

import msgspec
from litestar import Litestar
from litestar.openapi.spec import OpenAPI, Reference, Schema

#: (pattern on the property name, description built from the match).
NamingRule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]


def describe_properties(
    app: Litestar,
    openapi: OpenAPI,
    glossary: Mapping[str, str],
    rules: Sequence[NamingRule] = (),
    *,
    comments_first: bool = True,
) -> None:
    """Fill the description of every component property that has none (see the module docstring).

    ``comments_first=False`` puts the glossary and rules before the code's comments: for a
    document in another language than the code's comments (the tenant app's is Portuguese).
    """
    schemas = _schemas(openapi)
    structs = _structs_by_name(app)
    for title, schema in schemas.items():
        cls = _struct_of(title, structs)
        comments = _field_comments(cls) if cls is not None else {}
        for name, prop in (schema.properties or {}).items():
            if not isinstance(prop, Schema) or (prop.description or "").strip():
                continue
            # "Schema.campo" first: one field whose name means something else elsewhere.
            named = glossary.get(f"{title}.{name}") or glossary.get(name) or _by_rule(name, rules)
            text = (comments.get(name) or named) if comments_first else (named or comments.get(name))
            if text:
                prop.description = text


#: Example values by string format: always valid for the format, whatever the field.
FORMAT_EXAMPLES: dict[str, str] = {
    "uuid": "3f2c1e9a-7b4d-4c8e-9a1f-2b3c4d5e6f70",
    "date": "2026-12-07",
    "date-time": "2026-12-07T14:30:00-03:00",
}


def add_examples(openapi: OpenAPI, decimals: Sequence[tuple[re.Pattern[str], str]] = ()) -> None:
    """Give properties without examples one from their format (uuid, date, date-time) or, for decimal
    fields (a decimal string or a number), from ``decimals`` by property name. Only values the
    property's own schema accepts (a test validates every example of the document)."""
    for schema in _schemas(openapi).values():
        for name, prop in (schema.properties or {}).items():
            if not isinstance(prop, Schema) or prop.examples:
                continue
            example = _example(name, prop, decimals)
            if example is not None:
                prop.examples = [example]


def _example(name: str, prop: Schema, decimals: Sequence[tuple[re.Pattern[str], str]]) -> str | None:
    members = [m for m in (prop.one_of or prop.any_of or [prop]) if isinstance(m, Schema)]
    strings = [m for m in members if _is_type(m, "string") and not m.enum and not m.const]
    if not strings:
        return None
    fmt = getattr(strings[0].format, "value", strings[0].format)
    if isinstance(fmt, str) and fmt in FORMAT_EXAMPLES and not strings[0].pattern:
        return FORMAT_EXAMPLES[fmt]
    numeric = any(_is_type(m, "number") for m in members)
    if numeric:  # a decimal: "1500.00" or 1500
        for pattern, value in decimals:
            if pattern.fullmatch(name):
                return value
    return None


def _is_type(schema: Schema, kind: str) -> bool:
    value = getattr(schema.type, "value", schema.type)
    if isinstance(value, list | tuple):
        return any(getattr(v, "value", v) == kind for v in value)
    return value == kind


def undescribed_properties(openapi: OpenAPI) -> list[str]:
    """``Schema.property`` of every component property without a description."""
    out: list[str] = []
    for title, schema in _schemas(openapi).items():
        for name, prop in (schema.properties or {}).items():
            if isinstance(prop, Schema) and not (prop.description or "").strip():
                out.append(f"{title}.{name}")
            elif isinstance(prop, Reference):
                continue  # the referenced schema carries its own description
    return sorted(out)


def _schemas(openapi: OpenAPI) -> dict[str, Schema]:
    raw = (openapi.components.schemas or {}) if openapi.components else {}
    return {k: v for k, v in raw.items() if isinstance(v, Schema)}


def _by_rule(name: str, rules: Sequence[NamingRule]) -> str | None:
    for pattern, build in rules:
        match = pattern.fullmatch(name)
        if match:
            return build(match)
    return None


def _struct_of(key: str, structs: Mapping[str, list[type[msgspec.Struct]]]) -> type[msgspec.Struct] | None:
    """The Struct of a component: by class name, or — when Litestar prefixed the name with the
    module path to tell two classes apart (``credito_saidas_RemessaOut``) — by that path."""
    name = key.rsplit("_", 1)[-1] if key not in structs else key
    candidates = structs.get(name, [])
    if len(candidates) == 1:
        return candidates[0]
    prefix = key[: -len(name)].rstrip("_")
    for cls in candidates:
        if prefix and cls.__module__.replace(".", "_").endswith(prefix):
            return cls
    return None


def _structs_by_name(app: Litestar) -> dict[str, list[type[msgspec.Struct]]]:
    """Every Struct the routes take or answer (and those inside them), by class name."""
    found: dict[type[msgspec.Struct], None] = {}
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            signature = handler.parsed_fn_signature
            for parameter in signature.parameters.values():
                _collect(parameter.annotation, found)
            _collect(signature.return_type.annotation, found)
    by_name: dict[str, list[type[msgspec.Struct]]] = {}
    for cls in found:
        by_name.setdefault(cls.__name__, []).append(cls)
    return by_name


def _collect(tipo: Any, found: dict[type[msgspec.Struct], None]) -> None:
    for inner in _walk(tipo):
        if isinstance(inner, type) and issubclass(inner, msgspec.Struct) and inner not in found:
            found[inner] = None
            for f in msgspec.structs.fields(inner):
                _collect(f.type, found)


def _walk(tipo: Any) -> Iterator[Any]:
    yield tipo
    for arg in typing.get_args(tipo):
        if not isinstance(arg, msgspec.Meta):
            yield from _walk(arg)
    origin = typing.get_origin(tipo)
    if origin is not None and isinstance(origin, type) and issubclass(origin, msgspec.Struct):
        yield origin


@lru_cache(maxsize=1024)
def _field_comments(cls: type) -> dict[str, str]:
    """``#:`` comments of the class's annotated fields (its bases' first), by encoded name."""
    out: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if klass is object or not issubclass(klass, msgspec.Struct) or klass is msgspec.Struct:
            continue
        out.update(_own_comments(klass))
    if issubclass(cls, msgspec.Struct):
        renamed = {f.name: f.encode_name for f in msgspec.structs.fields(cls)}
        out = {renamed.get(k, k): v for k, v in out.items()}
    return out


def _own_comments(klass: type) -> dict[str, str]:
    try:
        source = textwrap.dedent(inspect.getsource(klass))
    except (OSError, TypeError):
        return {}
    lines = source.splitlines()
    tree = ast.parse(source)
    body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
    out: dict[str, str] = {}
    for node in body:
        if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)):
            continue
        above: list[str] = []
        index = node.lineno - 2
        while index >= 0 and lines[index].strip().startswith("#:"):
            above.insert(0, lines[index].strip()[2:].strip())
            index -= 1
        trailing = (
            lines[node.end_lineno - 1 if node.end_lineno else node.lineno - 1].partition("#:")[2].strip()
        )
        text = " ".join(above) or trailing
        if text:
            out[node.target.id] = text
    return out
