"""The demo tenant (``seed-demo``) has issued boletos and one settled retorno, once."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest

from tenant_app.database.session import create_engine, create_session_factory
from tenant_app.demo.seed import seed_demo
from tenant_app.unit_of_work import Actor, UnitOfWork
from tenant_app.users.roles import Role
from tests.support.tenant_app_fixtures import provision_tenant

pytestmark = pytest.mark.integration


async def test_demo_has_boletos_and_a_settled_retorno(
    make_database: Callable[[], str], redis_url: str
) -> None:
    t = await provision_tenant(make_database, redis_url, f"demo{uuid.uuid4().hex[:6]}", roles=(Role.ADMIN,))
    engine = create_engine(t.settings.database)
    try:
        for _ in range(2):  # the second run adds nothing
            async with UnitOfWork.start(create_session_factory(engine), Actor(None, "seed")) as uow:
                resumo = await seed_demo(uow, members=8)
        assert "nothing to do" in resumo
        titulos = (await t.client.get("/api/cobranca/titulos?limit=200", headers=t.auth())).json()
        assert titulos["total"] == 8 * 3
        assert sum(1 for x in titulos["items"] if x["status"] == "liquidado") == 6
        (retorno,) = (await t.client.get("/api/cobranca/retornos/", headers=t.auth())).json()["items"]
        assert retorno["status"] == "processado" and retorno["ocorrencias"] == 6
        ocorrencias = (
            await t.client.get(f"/api/cobranca/retornos/{retorno['id']}/ocorrencias", headers=t.auth())
        ).json()
        assert {o["resultado"] for o in ocorrencias["items"]} == {"liquidado"}
        pdf = await t.client.get(f"/api/cotas/{titulos['items'][-1]['cota_id']}/carne.pdf", headers=t.auth())
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    finally:
        await engine.dispose()
        await t.client.__aexit__(None, None, None)
