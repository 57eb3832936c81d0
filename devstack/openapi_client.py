"""Generate a typed Python client from an OpenAPI 3.1 document (the tenant app's or the control plane's).

    python -m devstack.openapi_client <openapi.json | http(s)://…/schema/openapi.json> <out.py>

The output is one self-contained module: a ``TypedDict`` per component schema and a
``Client`` class with one ``async`` method per operation (snake_case of its
``operationId``), on top of ``httpx.AsyncClient``. Path parameters are positional,
query parameters and headers (``Idempotency-Key`` -> ``idempotency_key``) keyword-only,
JSON bodies typed, answers typed by their 2xx schema; an error status raises
``ApiError`` carrying the problem+json body. Types follow the wire: dates, UUIDs and
money stay strings (money is a decimal string: parse it with ``decimal.Decimal``).

``tests/unit/foundation/test_openapi_client_generated.py`` generates both apps' clients
and type-checks them with mypy, so a document that cannot give a usable client fails
the build; ``tests/integration/tenant_app/http/test_tenant_app_cliente_gerado.py`` calls
a real tenant app with the generated client.
"""

from __future__ import annotations

import json
import keyword
import re
import sys
import urllib.request
from pathlib import Path
from typing import Any

_HEADER = '''"""Client generated from the OpenAPI document "{title}" {version} by devstack/openapi_client.py.

Do not edit: regenerate it. {operations} operations, {schemas} schemas.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypeAlias, TypedDict

import httpx


class ApiError(Exception):
    """An error answer: ``status`` and the problem+json body (``type``, ``title``, ``detail``, ``errors``)."""

    def __init__(self, status: int, problem: dict[str, Any]) -> None:
        super().__init__(f"{{status}} {{problem.get('title', '')}}: {{problem.get('detail', '')}}")
        self.status = status
        self.problem = problem

    @property
    def code(self) -> str:
        """The problem's code: the last segment of its ``type`` URI."""
        return str(self.problem.get("type", "")).rstrip("/").rsplit("/", 1)[-1]

'''

_CLIENT = '''

class Client:
    """One method per operation. ``http`` carries the base URL; ``token`` is sent as Bearer."""

    def __init__(self, http: httpx.AsyncClient, token: str | None = None) -> None:
        self._http = http
        self._token = token

    async def _call(
        self,
        method: str,
        path: str,
        *,
        query: dict[str, Any] | None = None,
        headers: dict[str, str | None] | None = None,
        json: Any = None,
        content: bytes | None = None,
        data: dict[str, Any] | None = None,
        files: dict[str, tuple[str, bytes]] | None = None,
        raw: bool = False,
    ) -> Any:
        sent = {{k: v for k, v in (headers or {{}}).items() if v is not None}}
        if self._token:
            sent["Authorization"] = f"Bearer {{self._token}}"
        params = {{k: v for k, v in (query or {{}}).items() if v is not None}}
        form = {{k: v for k, v in (data or {{}}).items() if v is not None}} or None
        answer = await self._http.request(
            method, path, params=params, headers=sent, json=json, content=content, data=form, files=files
        )
        if answer.status_code >= 400:
            try:
                problem = answer.json()
            except ValueError:
                problem = {{"title": answer.text}}
            body = problem if isinstance(problem, dict) else {{"detail": problem}}
            raise ApiError(answer.status_code, body)
        if raw:
            return answer.content
        if answer.status_code == 204 or not answer.content:
            return None
        return answer.json()
'''


def identifier(name: str) -> str:
    """A valid Python identifier for a schema or parameter name."""
    out = re.sub(r"\W+", "_", name).strip("_") or "x"
    if out[0].isdigit():
        out = "_" + out
    return out + "_" if keyword.iskeyword(out) else out


def snake(name: str) -> str:
    """``listGrupos`` -> ``list_grupos``."""
    return identifier(re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower())


class Generator:
    """Turns one OpenAPI document into one client module."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.doc = document
        self.schemas: dict[str, Any] = (document.get("components") or {}).get("schemas") or {}
        self.names = {name: identifier(name) for name in self.schemas}

    def type_of(self, schema: dict[str, Any] | None) -> str:
        """The Python type of a schema (quoted names are fine: the module uses postponed annotations)."""
        if not schema:
            return "Any"
        if "$ref" in schema:
            return self.names.get(schema["$ref"].rsplit("/", 1)[-1], "Any")
        for key in ("oneOf", "anyOf"):
            if key in schema:
                return self._union([self.type_of(s) for s in schema[key]])
        if "type" not in schema and len(schema.get("allOf") or []) == 1:  # a $ref carrying a description
            return self.type_of(schema["allOf"][0])
        if "const" in schema:
            return f"Literal[{json.dumps(schema['const'])}]"
        if "enum" in schema and all(isinstance(v, str | int) or v is None for v in schema["enum"]):
            values = [v for v in schema["enum"] if v is not None]
            literal = f"Literal[{', '.join(json.dumps(v) for v in values)}]" if values else "None"
            return self._union([literal, "None"]) if None in schema["enum"] else literal
        kind = schema.get("type")
        if isinstance(kind, list):
            return self._union([self.type_of({**schema, "type": k}) for k in kind])
        if kind == "array":
            return f"list[{self.type_of(schema.get('items'))}]"
        if kind == "object":
            extra = schema.get("additionalProperties")
            return f"dict[str, {self.type_of(extra) if isinstance(extra, dict) else 'Any'}]"
        return {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "null": "None"}.get(
            kind or "", "Any"
        )

    @staticmethod
    def _union(types: list[str]) -> str:
        seen: list[str] = []
        for t in types:
            if t not in seen:
                seen.append(t)
        return "Any" if "Any" in seen else " | ".join(seen)

    def typed_dicts(self) -> str:
        out: list[str] = []
        for name, schema in sorted(self.schemas.items()):
            props: dict[str, Any] = schema.get("properties") or {}
            required = set(schema.get("required") or [])
            if schema.get("type") != "object" or not props or not all(p.isidentifier() for p in props):
                alias = self.type_of({k: v for k, v in schema.items() if k != "title"})
                # Quoted: it may name a schema defined further down.
                out.append(f"{self.names[name]}: TypeAlias = {json.dumps(alias)}\n")
                continue
            doc = (schema.get("description") or name).replace('"""', "'''").strip()
            lines = [f"class {self.names[name]}(TypedDict):", f'    """{_one_line(doc)}"""', ""]
            for prop, prop_schema in props.items():
                kind = self.type_of(prop_schema)
                text = _one_line(prop_schema.get("description", ""))
                if text:
                    lines.append(f"    #: {text}")
                lines.append(f"    {prop}: {kind if prop in required else f'NotRequired[{kind}]'}")
            out.append("\n".join(lines) + "\n")
        return "\n\n".join(out)

    def methods(self) -> tuple[str, int]:
        out: list[str] = []
        count = 0
        for path, item in sorted((self.doc.get("paths") or {}).items()):
            for method, op in item.items():
                if method not in ("get", "post", "put", "patch", "delete") or "operationId" not in op:
                    continue
                count += 1
                out.append(self._method(path, method, op, item.get("parameters") or []))
        return "\n".join(out), count

    def _form(self, body: dict[str, Any], args: list[str], kwargs: list[str], call: list[str]) -> None:
        """A form body: each binary property is a ``bytes`` argument sent as a file part (with a
        ``<name>_filename`` keyword), every other property a form field."""
        media = (
            "multipart/form-data" if "multipart/form-data" in body else "application/x-www-form-urlencoded"
        )
        schema = body[media].get("schema") or {}
        if "$ref" in schema:
            schema = self.schemas.get(schema["$ref"].rsplit("/", 1)[-1], {})
        required = set(schema.get("required") or [])
        files: list[str] = []
        fields: list[str] = []
        for prop, prop_schema in (schema.get("properties") or {}).items():
            name = identifier(prop).lower()
            if prop_schema.get("format") == "binary":
                args.append(f"{name}: bytes")
                kwargs.append(f"{name}_filename: str = {json.dumps(prop)}")
                files.append(f"{json.dumps(prop)}: ({name}_filename, {name})")
                continue
            kind = self.type_of(prop_schema)
            if prop in required:
                args.append(f"{name}: {kind}")
            else:
                kwargs.append(f"{name}: {self._union([*kind.split(' | '), 'None'])} = None")
            fields.append(f"{json.dumps(prop)}: {name}")
        if fields:
            call.append("data={" + ", ".join(fields) + "}")
        if files:
            call.append("files={" + ", ".join(files) + "}")

    def _method(self, path: str, method: str, op: dict[str, Any], shared: list[dict[str, Any]]) -> str:
        params = [p for p in [*shared, *(op.get("parameters") or [])] if "$ref" not in p]
        args: list[str] = []
        kwargs: list[str] = []
        query: list[str] = []
        headers: list[str] = []
        path_expr = path
        for p in params:
            name, where = identifier(p["name"]).lower(), p.get("in")
            kind = self.type_of(p.get("schema"))
            if where == "path":
                args.append(f"{name}: str")
                path_expr = path_expr.replace("{" + p["name"] + "}", "{" + name + "}")
            elif where in ("query", "header"):
                if where == "header" and p["name"].lower() == "authorization":
                    continue
                if not p.get("required"):
                    kind = self._union([*kind.split(" | "), "None"]) + " = None"
                kwargs.append(f"{name}: {kind}")
                target = query if where == "query" else headers
                target.append(f"{json.dumps(p['name'])}: {name}")
        body = (op.get("requestBody") or {}).get("content") or {}
        call = [f'"{method.upper()}"', f'f"{path_expr}"' if "{" in path_expr else json.dumps(path_expr)]
        if "application/json" in body:
            required = (op.get("requestBody") or {}).get("required", False)
            kind = self.type_of(body["application/json"].get("schema"))
            args.append(f"body: {kind}" if required else "")
            if not required:
                kwargs.insert(0, f"body: {kind} | None = None")
            call.append("json=body")
        elif "multipart/form-data" in body or "application/x-www-form-urlencoded" in body:
            self._form(body, args, kwargs, call)
        elif body:
            args.append("content: bytes")
            call.append("content=content")
        if query:
            call.append("query={" + ", ".join(query) + "}")
        if headers:
            call.append("headers={" + ", ".join(headers) + "}")
        returns, raw = self._returns(op)
        if raw:
            call.append("raw=True")
        signature = ", ".join(["self", *[a for a in args if a], *(["*", *kwargs] if kwargs else [])])
        doc = _one_line(op.get("summary") or op["operationId"])
        lines = [
            f"    async def {snake(op['operationId'])}({signature}) -> {returns}:",
            f'        """{doc} (`{method.upper()} {path}`)."""',
            f"        result: {returns} = await self._call({', '.join(call)})",
            "        return result",
            "",
        ]
        return "\n".join(lines)

    def _returns(self, op: dict[str, Any]) -> tuple[str, bool]:
        for code, response in sorted((op.get("responses") or {}).items()):
            if not code.startswith("2"):
                continue
            content = response.get("content") or {}
            if "application/json" in content:
                return self.type_of(content["application/json"].get("schema")), False
            if content:
                return "bytes", True
            return "None", False
        return "Any", False

    def module(self) -> str:
        methods, count = self.methods()
        info = self.doc.get("info") or {}
        header = _HEADER.format(
            title=info.get("title", ""),
            version=info.get("version", ""),
            operations=count,
            schemas=len(self.schemas),
        )
        return header + "\n" + self.typed_dicts() + _CLIENT.format() + "\n" + methods


def _one_line(text: str) -> str:
    return " ".join(str(text).split()).replace("\\", "\\\\").replace('"""', "'''")


def generate(document: dict[str, Any]) -> str:
    """The client module's source for ``document``."""
    return Generator(document).module()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    source, target = args
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=30) as answer:
            document = json.loads(answer.read())
    else:
        document = json.loads(Path(source).read_text())
    Path(target).write_text(generate(document))
    print(f"{target}: {len(document.get('paths') or {})} paths")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
