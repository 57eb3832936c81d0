"""Clients from the contract (issue 13 item 10), TypeScript side: each app's OpenAPI document
generates types with openapi-typescript (pinned, devstack/npm_tools.py) that compile with
``tsc --noEmit --strict``, together with a small program using a path's response type and a
generated one naming every operation's success body (none may type as ``unknown``).

The tools come from the npm registry on the first run and are reused from the cache after.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from devstack.openapi_typescript import TypeScriptClientError, generate, typecheck, usage_program
from tests.support.openapi_documents import documents

pytestmark = pytest.mark.unit

# What a customer's developer writes against each generated module: a path's response
# type, a component schema, query parameters. The @ts-expect-error lines fail the build
# if a field stops being typed (``any`` would accept the wrong assignment).
_USO = {
    "cliente_tenant": """
import type { components, paths } from "./cliente_tenant";

type PaginaDeGrupos = paths["/api/grupos"]["get"]["responses"][200]["content"]["application/json"];
type Grupo = components["schemas"]["GrupoOut"];
type Filtros = NonNullable<paths["/api/grupos"]["get"]["parameters"]["query"]>;
type Problema = paths["/api/grupos"]["get"]["responses"][400]["content"]["application/problem+json"];

export const filtros: Filtros = { limit: 50, offset: 0 };

export function creditos(pagina: PaginaDeGrupos): string[] {
    return pagina.items.map(
        (grupo: Grupo) => `${grupo.codigo}: R$ ${grupo.valor_credito} em ${grupo.prazo_meses} meses`,
    );
}

export function paginas(pagina: PaginaDeGrupos): number {
    return Math.ceil(pagina.total / pagina.limit);
}

export function titulo(problema: Problema): string {
    return problema.title;
}

export function errado(grupo: Grupo): void {
    // @ts-expect-error money is a decimal string, never a number
    const valor: number = grupo.valor_credito;
    void valor;
}
""",
    "client_control_plane": """
import type { components, paths } from "./client_control_plane";

type Tenants = paths["/api/tenants"]["get"]["responses"][200]["content"]["application/json"];
type Tenant = components["schemas"]["TenantView"];

export function slugs(tenants: Tenants): string[] {
    return tenants.map((tenant: Tenant) => `${tenant.slug} (${tenant.plan}, suspenso: ${tenant.suspended})`);
}

export function errado(tenant: Tenant): void {
    // @ts-expect-error suspended is a boolean
    const suspenso: string = tenant.suspended;
    void suspenso;
}
""",
}


def _write(folder: Path, name: str, document: dict[str, Any]) -> list[Path]:
    source = folder / f"{name}.json"
    source.write_text(json.dumps(document))
    generated = generate(source, folder / f"{name}.d.ts")
    uso = folder / f"{name}_uso.ts"
    uso.write_text(_USO.get(name, ""))
    respostas = folder / f"{name}_respostas.ts"
    respostas.write_text(usage_program(document, f"./{name}"))
    return [generated, uso, respostas]


def test_both_documents_generate_typescript_that_type_checks(tmp_path: Path) -> None:
    files: list[Path] = []
    for name, document in documents().items():
        files += _write(tmp_path, name, document)
        assert "export const opaca1:" in (tmp_path / f"{name}_respostas.ts").read_text(), name
    try:
        typecheck(files, cwd=tmp_path)
    except TypeScriptClientError as error:
        pytest.fail(str(error), pytrace=False)


def _minimo(resposta: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/x": {"get": {"operationId": "x", "responses": {"200": resposta}}}},
        "components": {
            "schemas": {"X": {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}}
        },
    }


def test_a_typed_body_passes_and_an_untyped_one_fails(tmp_path: Path) -> None:
    """The check can fail: a ``{}`` success body (what issue 13 found) is refused by tsc."""
    tipado = _minimo(
        {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/X"}}}}
    )
    typecheck(_write(tmp_path, "tipado", tipado), cwd=tmp_path)
    opaco = _minimo({"description": "ok", "content": {"application/json": {"schema": {}}}})
    with pytest.raises(TypeScriptClientError, match="GET /x 200 sem tipo"):
        typecheck(_write(tmp_path, "opaco", opaco), cwd=tmp_path)
