"""``make up``'s demo tenant has a contemplated cota at each stage of the carta de crédito (the seed runs
the real apuração and the crédito's services on real PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tenant_app.demo.creditos import ESTAGIOS
from tenant_app.demo.seed import DEMO_CODIGO, seed_demo
from tenant_app.grupos.models import Grupo
from tenant_app.ledger.service import reconcile
from tests.support.tenant_app_fixtures import Tenant

from .conftest import unidade

pytestmark = pytest.mark.integration


async def test_demo_tem_uma_carta_em_cada_estagio(tenant_demo: Tenant) -> None:
    uow, engine = await unidade(tenant_demo)
    try:
        resumo = await seed_demo(uow, members=60)
        assert "8 cartas de crédito" in resumo, resumo
        grupo_id = await uow.session.scalar(select(Grupo.id).where(Grupo.codigo == DEMO_CODIGO))
        assert grupo_id is not None
        assert (await reconcile(uow.session, grupo_id))["conciliado"] is True
    finally:
        await uow.close()
        await engine.dispose()  # type: ignore[attr-defined]
    c, h = tenant_demo.client, tenant_demo.auth()
    cartas = (await c.get(f"/api/grupos/{grupo_id}/creditos", headers=h)).json()
    assert sorted(x["status"] for x in cartas) == sorted(ESTAGIOS)
    conciliacao = (await c.get(f"/api/grupos/{grupo_id}/creditos/conciliacao", headers=h)).json()
    assert conciliacao["conciliado"] is True and conciliacao["total_no_razao"] != "0.00", conciliacao
    # The cartas waited months: the group's recorded yield reached them (art. 24 §1).
    assert any(x["rendimentos"] != "0.00" for x in cartas)
