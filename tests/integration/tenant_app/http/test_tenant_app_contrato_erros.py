"""One error contract: every field error of a body at once, names as the client sent them, Portuguese only,
enum values listed, date vs datetime hints, and a documented, served problem ``type`` for every answer."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.support.tenant_app_fixtures import Tenant

pytestmark = pytest.mark.integration

#: English the validator speaks; none of it may reach a client of the tenant app.
INGLES = re.compile(
    r"Expected|Input data|truncated|Invalid|matching regex|got `|Object |missing|required field"
)


def _problem(r, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = dict(r.json())
    assert body["type"] != "about:blank" and "/problemas/" in body["type"], body
    assert not INGLES.search(r.text), r.text
    return body


async def test_every_bad_field_of_a_body_comes_back_at_once(tenant: Tenant) -> None:
    body = {
        "codigo": "com espaço",  # regex
        "tipo_bem": "veiculo",  # enum
        "valor_credito": "abc",  # decimal
        "prazo_meses": 0,  # >= 1
        "numero_cotas": "dez",  # type
        # taxa_administracao_pct, dia_assembleia, dia_vencimento missing
        "cor": "azul",  # unknown field, if the schema forbids them
    }
    p = _problem(await tenant.client.post("/api/grupos/", json=body, headers=tenant.auth()), 400)
    erros = {e["campo"]: e["mensagem"] for e in p["errors"]}
    assert {
        "codigo",
        "tipo_bem",
        "valor_credito",
        "prazo_meses",
        "numero_cotas",
        "taxa_administracao_pct",
        "dia_assembleia",
        "dia_vencimento",
    } <= set(erros), erros
    assert erros["codigo"] == "formato inválido"
    # The allowed values are listed.
    for valor in ("automovel", "imovel"):
        assert valor in erros["tipo_bem"], erros["tipo_bem"]
    assert erros["taxa_administracao_pct"] == "campo obrigatório"


async def test_nested_paths_and_date_versus_datetime_hints(tenant: Tenant) -> None:
    grupo_id = uuid.uuid4()
    p = _problem(
        await tenant.client.post(
            f"/api/grupos/{grupo_id}/assembleias/",
            json={"numero": 1, "data_assembleia": "10/12/2026", "corte_lances_em": "2026-12-10"},
            headers=tenant.auth(),
        ),
        400,
    )
    erros = {e["campo"]: e["mensagem"] for e in p["errors"]}
    assert "AAAA-MM-DD" in erros["data_assembleia"], erros
    assert "ISO 8601" in erros["corte_lances_em"] and "fuso" in erros["corte_lances_em"], erros
    assert "AAAA-MM-DD)" not in erros["corte_lances_em"]


async def test_query_parameters_are_named_as_sent(tenant: Tenant) -> None:
    p = _problem(
        await tenant.client.get(
            "/api/inadimplencia?data=2026-13-45&minimo_parcelas=0", headers=tenant.auth()
        ),
        400,
    )
    campos = {e["campo"] for e in p["errors"]}
    assert "data" in campos and "ref_date" not in campos, p
    assert "minimo_parcelas" in campos


async def test_truncated_json_is_portuguese(tenant: Tenant) -> None:
    r = await tenant.client.post(
        "/api/grupos/",
        content=b'{"codigo": "X',
        headers={**tenant.auth(), "content-type": "application/json"},
    )
    p = _problem(r, 400)
    assert p["errors"][0]["mensagem"] == "JSON malformado"


async def test_framework_errors_have_catalogued_types_with_pages(tenant: Tenant) -> None:
    sem_token = _problem(await tenant.client.get("/api/grupos/"), 401)
    assert sem_token["type"].endswith("/problemas/nao_autenticado")
    rota = _problem(await tenant.client.get("/api/nada", headers=tenant.auth()), 404)
    assert rota["type"].endswith("/problemas/nao_encontrado")
    metodo = _problem(await tenant.client.put("/api/grupos/", json={}, headers=tenant.auth()), 405)
    assert metodo["type"].endswith("/problemas/metodo_nao_permitido")
    # The type is a page the app serves, in Portuguese, without a token.
    for tipo in (sem_token["type"], rota["type"], metodo["type"]):
        page = await tenant.client.get(tipo.split("testserver.local", 1)[-1])
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html"), tipo
        assert 'lang="pt-BR"' in page.text
    index = await tenant.client.get("/problemas")
    assert index.status_code == 200 and "idempotency_key_obrigatoria" in index.text
    _problem(await tenant.client.get("/problemas/nao_existe"), 404)
