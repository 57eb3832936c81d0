"""The 10 % cap: the cônjuge and the active cotas on the date of sale count (Res. BCB 285; issue 12, 2, 9)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest

from tenant_app.users.roles import Role
from tests.integration.tenant_app.factories import cpf, make_consorciado, make_grupo
from tests.support.tenant_app_fixtures import Tenant

pytestmark = pytest.mark.integration


async def _adesao(tenant: Tenant, grupo_id: str, consorciado_id: str, data: str = "2025-01-05") -> Any:
    return await tenant.client.post(
        f"/api/grupos/{grupo_id}/cotas",
        json={"consorciado_id": consorciado_id, "data_adesao": data},
        headers=tenant.auth(Role.OPERADOR),
    )


async def test_consorciado_and_conjuge_hold_at_most_ten_percent_of_the_active_cotas(tenant: Tenant) -> None:
    grupo = await make_grupo(tenant, numero_cotas=100)
    conjuge = await make_consorciado(tenant)
    titular = await make_consorciado(tenant, cpf_conjuge=conjuge["documento"])
    assert titular["cpf_conjuge"] == conjuge["documento"]
    for _ in range(19):
        outro = await make_consorciado(tenant)
        assert (await _adesao(tenant, grupo["id"], outro["id"])).status_code == 201
    # 1 of 20 active (limit 10 % x 20 = 2), then the cônjuge: 2 of 21 (limit 2.1 -> 2).
    assert (await _adesao(tenant, grupo["id"], titular["id"])).status_code == 201
    assert (await _adesao(tenant, grupo["id"], conjuge["id"])).status_code == 201
    # A third for the couple: 3 of 22 active, limit 2.2 -> 2 — refused, with the numbers.
    for quem in (titular, conjuge):  # the link recorded on one of them binds both
        r = await _adesao(tenant, grupo["id"], quem["id"])
        assert r.status_code == 422, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        body = r.json()
        assert body["type"].endswith("limite_10_por_cento")
        (erro,) = body["errors"]
        assert erro["campo"] == "consorciado_id"
        assert erro["mensagem"] == (
            "Com esta cota o consorciado e seu cônjuge/companheiro teriam 3 cota(s) ativa(s) no grupo; "
            "o limite é 2 (10% das 22 cotas ativas em 05/01/2025, contando esta)."
        )


async def test_counted_on_the_date_of_the_sale(tenant: Tenant) -> None:
    grupo = await make_grupo(tenant, numero_cotas=100)
    pessoa = await make_consorciado(tenant)
    for _ in range(27):
        outro = await make_consorciado(tenant)
        assert (await _adesao(tenant, grupo["id"], outro["id"], "2025-01-10")).status_code == 201
    # Sold on 05/01: none of the 27 cotas sold on 10/01 was active yet -> 1 of 1, then 2 of 2 (limit 1).
    assert (await _adesao(tenant, grupo["id"], pessoa["id"], "2025-01-05")).status_code == 201
    r = await _adesao(tenant, grupo["id"], pessoa["id"], "2025-01-05")
    assert r.status_code == 422 and "2 cotas ativas em 05/01/2025" in r.json()["detail"], r.text
    # Sold on 10/01: 2 of 29 active, limit 2.9 -> 2.
    assert (await _adesao(tenant, grupo["id"], pessoa["id"], "2025-01-10")).status_code == 201
    # An excluded cota is not active from its exclusion on: exclude one of the others today.
    cotas = (
        await tenant.client.get(f"/api/grupos/{grupo['id']}/cotas?limit=100", headers=tenant.auth())
    ).json()["items"]
    alheia = next(c for c in cotas if c["consorciado_id"] != pessoa["id"])
    r = await tenant.client.post(
        f"/api/cotas/{alheia['id']}/exclusao",
        json={"motivo": "solicitacao"},
        headers={**tenant.auth(Role.OPERADOR), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 200, r.text
    # Today: 28 active + this one = 29, 3 held -> limit 2.9 -> 2, refused.
    hoje = date.today()
    r = await _adesao(tenant, grupo["id"], pessoa["id"], hoje.isoformat())
    assert r.status_code == 422, r.text
    assert (
        f"teriam 3 cota(s) ativa(s) no grupo; o limite é 2 (10% das 29 cotas ativas em {hoje:%d/%m/%Y}"
        in (r.json()["detail"])
    )
    # On 10/01 the excluded cota was still active: 29 + this one = 30, limit 3 -> allowed.
    assert (await _adesao(tenant, grupo["id"], pessoa["id"], "2025-01-10")).status_code == 201


async def test_cpf_do_conjuge_validated(tenant: Tenant) -> None:
    base = {
        "tipo_pessoa": "PF",
        "nome": "Maria da Silva",
    }
    proprio = cpf()
    casos = [
        ({"documento": proprio, "cpf_conjuge": "123.456.789-00"}, "cpf_conjuge"),  # wrong check digits
        ({"documento": proprio, "cpf_conjuge": proprio}, "cpf_conjuge"),  # oneself
        ({"documento": proprio, "cpf_conjuge": "３９０５３３４４７０５"}, "cpf_conjuge"),  # full-width digits
        ({"documento": "３９０５３３４４７０５"}, "documento"),  # issue 12, 9: ASCII digits only
        ({"documento": "390533447\u00b2\u2075"}, "documento"),  # superscript digits: no HTTP 500
        (
            {"tipo_pessoa": "PJ", "documento": "11.222.333/0001-81", "cpf_conjuge": "390.533.447-05"},
            "cpf_conjuge",
        ),
    ]
    for extra, campo in casos:
        r = await tenant.client.post(
            "/api/consorciados/", json={**base, **extra}, headers=tenant.auth(Role.OPERADOR)
        )
        assert r.status_code == 422, (extra, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert [e["campo"] for e in r.json()["errors"]] == [campo], r.text
    pessoa = await make_consorciado(tenant)
    url = f"/api/consorciados/{pessoa['id']}"
    r = await tenant.client.patch(
        url, json={"cpf_conjuge": "390.533.447-05"}, headers=tenant.auth(Role.OPERADOR)
    )
    assert r.status_code == 200 and r.json()["cpf_conjuge"] == "39053344705", r.text
    r = await tenant.client.patch(
        url, json={"cpf_conjuge": "390.533.447-06"}, headers=tenant.auth(Role.OPERADOR)
    )
    assert r.status_code == 422 and r.json()["errors"][0]["campo"] == "cpf_conjuge"
    r = await tenant.client.patch(url, json={"cpf_conjuge": ""}, headers=tenant.auth(Role.OPERADOR))
    assert r.status_code == 200 and r.json()["cpf_conjuge"] is None
