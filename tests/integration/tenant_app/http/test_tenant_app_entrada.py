"""Rules every input obeys, checked at the edge for every route (tenant_app/http/entrada.py).

Each test reproduces a class of 500 the API fuzz run found (issue 21 item 3) and checks
that the class — not only the one route — is now a 400 problem with the field named.
"""

from __future__ import annotations

import uuid

from tests.integration.tenant_app.factories import make_consorciado
from tests.support.control_plane_fixtures import assert_problem
from tests.support.tenant_app_fixtures import Tenant

ENDERECO = {
    "logradouro": "Rua das Flores",
    "numero": "10",
    "bairro": "Centro",
    "cidade": "São Paulo",
    "uf": "SP",
    "cep": "01001-000",
}


async def test_a_nul_byte_in_any_text_field_is_a_400_naming_the_field(tenant: Tenant) -> None:
    consorciado = await make_consorciado(tenant)
    r = await tenant.client.post(
        f"/api/consorciados/{consorciado['id']}/enderecos",
        json={**ENDERECO, "logradouro": "Rua\x00 das Flores", "complemento": "bloco\x07"},
        headers=tenant.auth(),
    )
    body = assert_problem(r, 400)
    assert {e["campo"] for e in body["errors"]} == {"logradouro", "complemento"}, body
    # Tab and line feed are text; the same route takes them.
    ok = await tenant.client.post(
        f"/api/consorciados/{consorciado['id']}/enderecos",
        json={**ENDERECO, "complemento": "bloco 2\tfundos\n"},
        headers=tenant.auth(),
    )
    assert ok.status_code == 201, ok.text
    # Query values too.
    r = await tenant.client.get("/api/consorciados", params={"q": "a\x00b"}, headers=tenant.auth())
    assert assert_problem(r, 400)["errors"][0]["campo"] == "q"


async def test_a_huge_offset_is_a_400_on_every_listing(tenant: Tenant) -> None:
    for path in ("/api/usuarios", "/api/consorciados", "/api/grupos", "/api/pagamentos", "/api/auditoria"):
        r = await tenant.client.get(path, params={"offset": str(10**20)}, headers=tenant.auth())
        body = assert_problem(r, 400)
        assert body["errors"][0]["campo"] == "offset", (path, body)


async def test_integers_past_32_bits_in_a_body_are_a_400(tenant: Tenant) -> None:
    r = await tenant.client.post(
        "/api/grupos",
        json={"codigo": "G-BIG", "tipo_bem": "imovel", "valor_credito": "100000", "prazo_meses": 2**40},
        headers=tenant.auth(),
    )
    body = assert_problem(r, 400)
    assert "prazo_meses" in {e["campo"] for e in body["errors"]}, body


async def test_lenient_conversions_are_refused_as_the_document_says(tenant: Tenant) -> None:
    """``0`` is not ``false`` and a number is not a datetime (the framework accepted both)."""
    r = await tenant.client.get("/api/auditoria", params={"desde": "0.5"}, headers=tenant.auth())
    assert assert_problem(r, 400)["errors"][0]["campo"] == "desde"
    users = (await tenant.client.get("/api/usuarios", headers=tenant.auth())).json()["items"]
    alvo = next(u for u in users if u["role"] != "admin")
    r = await tenant.client.patch(f"/api/usuarios/{alvo['id']}", json={"active": 0}, headers=tenant.auth())
    assert assert_problem(r, 400)["errors"][0]["campo"] == "active"


async def test_unknown_fields_the_type_ignores_are_not_checked(tenant: Tenant) -> None:
    """Only the values a route reads obey the rules; an ignored extra key with a NUL does not matter."""
    consorciado = await make_consorciado(tenant)
    r = await tenant.client.post(
        f"/api/consorciados/{consorciado['id']}/enderecos",
        json={**ENDERECO, "x\x00": 2**70},
        headers=tenant.auth(),
    )
    assert r.status_code == 201, r.text  # EnderecoIn ignores unknown fields


async def test_a_too_short_idempotency_key_is_a_400_and_a_missing_one_428(tenant: Tenant) -> None:
    url = f"/api/pagamentos/{uuid.uuid4()}/estorno"
    r = await tenant.client.post(url, json={"motivo": "teste"}, headers=tenant.auth())
    assert_problem(r, 428)
    r = await tenant.client.post(
        url, json={"motivo": "teste"}, headers={**tenant.auth(), "Idempotency-Key": "abc"}
    )
    assert assert_problem(r, 400)["errors"][0]["campo"] == "Idempotency-Key"


async def test_a_query_parameter_sent_twice_is_a_400_on_every_route(tenant: Tenant) -> None:
    # Found by the 1,000-case fuzz run: ``?offset={'': 0}&offset=0.0`` on the valores a identificar
    # answered 200 (the framework kept the last value and ignored the rest).
    for path in ("/api/cobranca/valores-a-identificar", "/api/consorciados", "/api/grupos"):
        r = await tenant.client.get(
            path, params=[("offset", "{'': 0}"), ("offset", "0.0")], headers=tenant.auth()
        )
        body = assert_problem(r, 400)
        assert [e["campo"] for e in body["errors"]] == ["offset"], (path, body)
        assert "repetido" in body["errors"][0]["mensagem"], body
    r = await tenant.client.get(
        "/api/consorciados", params=[("q", "ana"), ("q", "bia"), ("limit", "5")], headers=tenant.auth()
    )
    assert [e["campo"] for e in assert_problem(r, 400)["errors"]] == ["q"]
    ok = await tenant.client.get(
        "/api/consorciados", params={"q": "ana", "limit": "5"}, headers=tenant.auth()
    )
    assert ok.status_code == 200, ok.text
