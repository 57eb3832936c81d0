"""The client generated from the served OpenAPI document (devstack/openapi_client.py) works against a
real tenant app (PostgreSQL, Redis): typed calls, bodies, query parameters, required headers, errors
as ApiError with the problem code — and an integration's API key as its credential (issue 13 items 9, 10)."""

from __future__ import annotations

import importlib.util
import uuid
from pathlib import Path
from typing import Any

import pytest

from devstack.openapi_client import generate
from tenant_app.users.roles import Role
from tests.support.tenant_app_fixtures import Tenant

pytestmark = pytest.mark.integration


def _load(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_generated_client_calls_the_app(tenant: Tenant, tmp_path: Path) -> None:
    served = await tenant.client.get("/schema/openapi.json")
    assert served.status_code == 200
    path = tmp_path / "cliente_consorcio.py"
    path.write_text(generate(served.json()))
    api = _load(path)

    admin = api.Client(tenant.client, tenant.tokens[Role.ADMIN])
    me = await admin.me()
    assert me["tenant"] == tenant.slug

    # A body and the answer typed by the document; then the integration uses its own key.
    nome = f"ERP gerado {uuid.uuid4().hex[:6]}"
    criado = await admin.create_cliente_api(
        {"nome": nome, "perfil": "gestor", "permissoes": ["grupos:read", "grupos:write"]}
    )
    integracao = api.Client(tenant.client, criado["chave"]["chave"])
    # A form body (OAuth 2.0 client credentials, urlencoded): the token works like the key.
    token = await api.Client(tenant.client).create_cliente_token(
        "client_credentials", client_secret=criado["chave"]["chave"]
    )
    assert (await api.Client(tenant.client, token["access_token"]).list_grupos(limit=1))["limit"] == 1
    codigo = f"GEN{uuid.uuid4().hex[:6].upper()}"
    grupo = await integracao.create_grupo(
        {
            "codigo": codigo,
            "tipo_bem": "automovel",
            "valor_credito": "50000.00",
            "prazo_meses": 50,
            "numero_cotas": 10,
            "taxa_administracao_pct": "15",
            "fundo_reserva_pct": "2",
            "dia_assembleia": 10,
            "dia_vencimento": 5,
        }
    )
    assert grupo["codigo"] == codigo and grupo["valor_credito"] == "50000.00"
    pagina = await integracao.list_grupos(limit=200)
    assert codigo in {g["codigo"] for g in pagina["items"]}
    assert (await integracao.get_grupo(grupo["id"]))["id"] == grupo["id"]

    # Errors arrive as ApiError with the problem+json body and its code.
    with pytest.raises(api.ApiError) as nao_achou:
        await integracao.get_grupo(str(uuid.uuid4()))
    assert nao_achou.value.status == 404 and nao_achou.value.code == "nao_encontrado"
    with pytest.raises(api.ApiError) as proibido:  # outside the key's scope
        await integracao.list_consorciados()
    assert proibido.value.status == 403
    await admin.revoke_cliente_api(criado["cliente"]["id"])
    with pytest.raises(api.ApiError) as revogada:
        await integracao.list_grupos()
    assert revogada.value.status == 401


async def test_generated_client_uploads_a_retorno_as_a_multipart_part(tenant: Tenant, tmp_path: Path) -> None:
    """The file goes as the ``file`` part of a multipart form: the app reads it and answers about
    its content (not a CNAB 240 file), not about a missing part."""
    path = tmp_path / "cliente_consorcio_upload.py"
    path.write_text(generate((await tenant.client.get("/schema/openapi.json")).json()))
    api = _load(path)
    financeiro = api.Client(tenant.client, tenant.tokens[Role.FINANCEIRO])
    with pytest.raises(api.ApiError) as recusado:
        await financeiro.import_retorno(
            b"isto nao e um retorno\r\n", idempotency_key=uuid.uuid4().hex, file_filename="RET0001.RET"
        )
    assert recusado.value.status == 422, recusado.value.problem
    assert "multipart" not in str(recusado.value.problem)
