"""Correctable schedules: an assembleia is edited or cancelled until its lance window opens, with audit,
and its dates are validated (cut-off in the future and on or before the assembleia's date)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tenant_app.users.roles import Role
from tests.support.tenant_app_fixtures import Tenant

from .conftest import HOJE, REGRAS_FINAIS, assert_problem, semear_grupo

pytestmark = pytest.mark.integration


def _corte(horas: float) -> str:
    return (datetime.now(UTC) + timedelta(hours=horas)).isoformat()


async def test_dates_are_validated_on_creation_and_on_correction(tenant_a: Tenant) -> None:
    c, h = tenant_a.client, tenant_a.auth()
    grupo = await semear_grupo(tenant_a, numero_cotas=5)
    url = f"/api/grupos/{grupo.grupo_id}/assembleias/"
    amanha = (HOJE + timedelta(days=1)).isoformat()
    # Cut-off after the assembleia's date: refused, naming the field.
    body = {"numero": 1, "data_assembleia": amanha, "corte_lances_em": _corte(24 * 5)}
    depois = assert_problem(await c.post(url, json=body, headers=h), 422)
    assert depois["type"].endswith("/datas_invalidas")
    assert [e["campo"] for e in depois["errors"]] == ["corte_lances_em"]
    # Cut-off already past: refused.
    body = {"numero": 1, "data_assembleia": amanha, "corte_lances_em": _corte(-1)}
    passado = assert_problem(await c.post(url, json=body, headers=h), 422)
    assert "passado" in passado["errors"][0]["mensagem"]
    # A valid one, then corrected: audited with before/after.
    body = {"numero": 1, "data_assembleia": amanha, "corte_lances_em": _corte(2)}
    r = await c.post(url, json=body, headers=h)
    assert r.status_code == 201, r.text
    assembleia = r.json()
    base = f"/api/assembleias/{assembleia['id']}"
    nova_data = (HOJE + timedelta(days=8)).isoformat()
    r = await c.patch(base, json={"data_assembleia": nova_data, "corte_lances_em": _corte(24 * 6)}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["data_assembleia"] == nova_data and r.json()["status"] == "agendada"
    url_trail = f"/api/auditoria?entidade=assembleias&entidade_id={assembleia['id']}"
    trail = (await c.get(url_trail, headers=h)).json()
    update = next(e for e in trail["items"] if e["action"] == "update")
    assert update["before"]["data_assembleia"] == amanha and update["after"]["data_assembleia"] == nova_data
    # A correction that breaks the rule is refused and changes nothing.
    assert_problem(await c.patch(base, json={"data_assembleia": HOJE.isoformat()}, headers=h), 422)
    assert (await c.get(base, headers=h)).json()["data_assembleia"] == nova_data


async def test_edit_and_cancel_only_until_the_lance_window_opens(tenant_a: Tenant) -> None:
    c, h = tenant_a.client, tenant_a.auth()
    grupo = await semear_grupo(tenant_a, numero_cotas=5)
    regras = await c.put(f"/api/grupos/{grupo.grupo_id}/regras-assembleia/", json=REGRAS_FINAIS, headers=h)
    assert regras.status_code == 200
    url = f"/api/grupos/{grupo.grupo_id}/assembleias/"
    amanha = (HOJE + timedelta(days=1)).isoformat()
    primeira = (
        await c.post(
            url, json={"numero": 1, "data_assembleia": amanha, "corte_lances_em": _corte(2)}, headers=h
        )
    ).json()
    segunda = (
        await c.post(
            url, json={"numero": 2, "data_assembleia": amanha, "corte_lances_em": _corte(3)}, headers=h
        )
    ).json()
    # Cancelling needs a reason; it is kept in the audit trail.
    cancelar = f"/api/assembleias/{segunda['id']}/cancelamento"
    cancelada = await c.post(cancelar, json={"motivo": "data errada"}, headers=h)
    assert cancelada.status_code == 200 and cancelada.json()["status"] == "cancelada", cancelada.text
    trail = (await c.get(f"/api/auditoria?entidade_id={segunda['id']}&acao=cancelamento", headers=h)).json()
    assert trail["items"][0]["after"] == {"motivo": "data errada"}
    again = assert_problem(await c.post(cancelar, json={"motivo": "de novo"}, headers=h), 409)
    assert again["type"].endswith("/transicao_invalida")
    assert_problem(await c.post(f"/api/assembleias/{segunda['id']}/abertura-lances", headers=h), 409)

    # Once the lance window is open: neither editable nor cancellable.
    base = f"/api/assembleias/{primeira['id']}"
    aberta = await c.post(f"{base}/abertura-lances", headers=h)
    assert aberta.status_code == 200, aberta.text
    assert_problem(await c.patch(base, json={"corte_lances_em": _corte(4)}, headers=h), 409)
    assert_problem(await c.post(f"{base}/cancelamento", json={"motivo": "tarde"}, headers=h), 409)
    # Operators cannot change the schedule.
    assert_problem(await c.patch(base, json={}, headers=tenant_a.auth(Role.OPERADOR)), 403)
