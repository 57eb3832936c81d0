"""Sealed lances: before the apuração no GET route shows a lance's percentages, to any role.

The walk enumerates the app's own route table, so a route added later is
walked too. After the apuração the same values are shown (listing, single
GET, audit trail), so the trail really kept them.
"""

from __future__ import annotations

import logging
import re
import uuid
from decimal import Decimal

import pytest
from litestar.routes import HTTPRoute
from sqlalchemy import select

from tenant_app.cotas.models import Cota
from tenant_app.users.roles import Role
from tests.support.tenant_app_fixtures import Tenant

from .conftest import CREDITO, assembleia_aberta, passar_corte, semear_grupo, unidade

pytestmark = pytest.mark.integration

EXTRACAO = {"concurso": 6101, "premios": ["83127", "10450", "22222", "31415", "40404"]}
LANCES: list[dict[str, str | int]] = [
    {"cota_numero": 10, "tipo": "embutido", "percentual": "37.4219", "percentual_embutido": "12.3457"},
    {"cota_numero": 11, "tipo": "livre", "percentual": "41.5873"},
]


def _segredos() -> list[str]:
    """Every spelling of the sealed percentages and their amounts over the credit."""
    textos: list[str] = []
    for lance in LANCES:
        for campo in ("percentual", "percentual_embutido"):
            if campo not in lance:
                continue
            texto = str(lance[campo])
            valor = (CREDITO * Decimal(texto) / 100).quantize(Decimal("0.01"))
            textos += [texto, str(valor), str(valor.normalize()), f"{valor:,.2f}"]
    return textos


_PARAM = re.compile(r"\{(?P<name>[a-z_]+)(?::[a-z]+)?\}")


def _get_paths(tenant: Tenant, ids: dict[str, str]) -> list[str]:
    """Every GET route of the app, path parameters filled with the scenario's ids."""
    paths = []
    for route in tenant.app.routes:
        if not isinstance(route, HTTPRoute) or "GET" not in route.methods:
            continue
        if any(h.media_type == "text/event-stream" for h in route.route_handlers):
            # A live stream never ends; what it carries is the outbox's events,
            # whose payloads hold ids and amounts only (checked by the
            # notifications tests), never a sealed lance.
            continue
        paths.append(_PARAM.sub(lambda m: ids.get(m.group("name"), str(uuid.uuid4())), route.path))
    return paths


async def test_no_get_route_shows_a_sealed_lance_to_any_role(
    tenant_a: Tenant, caplog: pytest.LogCaptureFixture
) -> None:
    c, h = tenant_a.client, tenant_a.auth()
    grupo = await semear_grupo(tenant_a, numero_cotas=20, saldo_comum=Decimal("300000.00"))
    assembleia = await assembleia_aberta(tenant_a, grupo)
    base = f"/api/assembleias/{assembleia}"
    lance_ids = []
    for body in LANCES:
        r = await c.post(f"{base}/lances", json=body, headers=h)
        assert r.status_code == 201, r.text
        lance_ids.append(r.json()["id"])
    # A third one registered and withdrawn: the cancellation's answer stays sealed too.
    r = await c.post(
        f"{base}/lances", json={"cota_numero": 12, "tipo": "livre", "percentual": "45.1234"}, headers=h
    )
    assert r.status_code == 201, r.text
    cancel = await c.delete(f"{base}/lances/{r.json()['id']}", headers=h)
    assert cancel.status_code == 200, cancel.text
    assert cancel.json()["percentual"] is None and cancel.json()["sigiloso"] is True
    assert "45.1234" not in cancel.text

    uow, engine = await unidade(tenant_a)
    try:
        consorciado_id = await uow.session.scalar(
            select(Cota.consorciado_id).where(Cota.id == grupo.cotas[10])
        )
    finally:
        await uow.close()
        await engine.dispose()  # type: ignore[attr-defined]
    ids = {
        "grupo_id": str(grupo.grupo_id),
        "assembleia_id": assembleia,
        "lance_id": lance_ids[0],
        "cota_id": str(grupo.cotas[10]),
        "consorciado_id": str(consorciado_id),
        "path": "openapi.json",
    }
    paths = _get_paths(tenant_a, ids)
    assert f"/api/assembleias/{assembleia}/lances/{lance_ids[0]}" in paths
    assert "/api/auditoria" in paths
    # The audit trail filtered every way a reader would look for the bids.
    extra = [
        "/api/auditoria?entidade=lances&limit=200",
        f"/api/auditoria?entidade_id={lance_ids[0]}",
        f"/api/auditoria?entidade_id={lance_ids[1]}",
        "/api/auditoria?acao=insert&limit=200",
        f"/api/assembleias/{assembleia}/lances/{lance_ids[1]}",
    ]
    segredos = _segredos()
    caplog.set_level(logging.DEBUG)
    vistos = 0
    for role in Role:
        headers = tenant_a.auth(role)
        for path in [*paths, *extra]:
            r = await c.get(path, headers=headers)
            # This tenant has no object storage: routes that need it answer the
            # documented 503 armazenamento_indisponivel, never another 5xx.
            indisponivel = r.status_code == 503 and "armazenamento_indisponivel" in r.text
            assert r.status_code < 500 or indisponivel, (role, path, r.text)
            vistos += r.status_code == 200
            for segredo in segredos:
                assert segredo not in r.text, (role, path, segredo, r.text[:500])
    assert vistos > 5 * len(Role)
    for segredo in segredos:
        assert segredo not in caplog.text, segredo

    # The audit trail has the lance entries, with the amounts hidden and no hash to try them against.
    trail = (await c.get(f"/api/auditoria?entidade_id={lance_ids[0]}", headers=h)).json()["items"]
    assert trail and trail[0]["after"]["percentual"] is None and trail[0]["hash"] is None
    assert trail[0]["sigilosos"] == ["percentual", "percentual_embutido"]
    single = (await c.get(f"{base}/lances/{lance_ids[0]}", headers=h)).json()
    assert single["sigiloso"] is True and single["percentual"] is None and single["cota_numero"] == 10

    # After the apuração the same routes show them: the trail kept them.
    await passar_corte(tenant_a, assembleia)
    r = await c.post(f"{base}/apuracao", json=EXTRACAO, headers={**h, "Idempotency-Key": uuid.uuid4().hex})
    assert r.status_code == 201, r.text
    trail = (await c.get(f"/api/auditoria?entidade_id={lance_ids[0]}", headers=h)).json()["items"]
    assert trail[0]["after"]["percentual"] == "37.4219" and trail[0]["hash"]
    assert trail[0]["after"]["percentual_embutido"] == "12.3457" and trail[0]["sigilosos"] == []
    single = (await c.get(f"{base}/lances/{lance_ids[1]}", headers=h)).json()
    assert single["sigiloso"] is False and Decimal(single["percentual"]) == Decimal("41.5873")
