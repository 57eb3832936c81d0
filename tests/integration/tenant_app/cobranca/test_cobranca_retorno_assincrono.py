"""A retorno bigger than a request settles: kept at upload (202, ``processando``), settled by a real Celery
worker on real PostgreSQL and Redis, its result read back from ``GET /api/cobranca/retornos/{id}``; the
same file again is the same row; a bad file is still refused at once with its line; the sweep settles a
kept file whose queued message was lost, once.

The tenant's limit is lowered to 1 título for these tests (``COBRANCA_RETORNO_SINCRONO_MAX``), so a
file of 2 takes the path a 100,000-título one takes."""

from __future__ import annotations

import asyncio
import dataclasses
import time
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from tenant_app.cobranca import retornos
from tenant_app.cobranca.models import ContaCobranca
from tenant_app.cobranca.retornos_fila import processar_pendentes, resumo_gravado
from tenant_app.database.session import create_engine, create_session_factory
from tenant_app.unit_of_work import Actor, UnitOfWork
from tests.integration.tenant_app.cobranca.apoio import (
    arquivo_retorno,
    conta,
    emitir,
    grupo_com_parcelas,
    importar,
    parcelas,
    worker_celery,
)
from tests.integration.tenant_app.cobranca.test_cobranca_retorno import CREDITO, _liq, _pagamentos
from tests.support.tenant_app_fixtures import Tenant

pytestmark = pytest.mark.integration


@pytest.fixture
def limite_baixo(tenant: Tenant) -> Iterator[None]:
    anterior = tenant.app.state.settings
    tenant.app.state.settings = dataclasses.replace(anterior, retorno_sincrono_max=1)
    yield
    tenant.app.state.settings = anterior


async def _titulos(
    tenant: Tenant, n: int
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    c = await conta(tenant)
    _, cotas = await grupo_com_parcelas(tenant, cotas=n)
    titulos = []
    for cota in cotas:
        r = await emitir(tenant, (await parcelas(tenant, cota["id"]))[0]["id"])
        assert r.status_code == 201, r.text
        titulos.append(r.json())
    return c, cotas, titulos


async def _ate_processado(tenant: Tenant, retorno_id: str, segundos: float = 90) -> dict[str, Any]:
    limite = time.monotonic() + segundos
    while True:
        r = await tenant.client.get(f"/api/cobranca/retornos/{retorno_id}", headers=tenant.auth())
        assert r.status_code == 200, r.text
        if r.json()["status"] != "processando" or time.monotonic() > limite:
            return dict(r.json())
        await asyncio.sleep(0.5)


@pytest.mark.usefixtures("limite_baixo")
async def test_big_retorno_is_kept_then_settled_by_the_worker(tenant: Tenant) -> None:
    c, cotas, titulos = await _titulos(tenant, 2)
    conteudo = arquivo_retorno(c, [_liq(t, t["valor"]) for t in titulos], numero=71)

    # Bad file: still refused at once with its line, whatever its size (nothing queued).
    ruim = conteudo.replace(b"\r\n", b"\n").split(b"\n")
    ruim[2] = ruim[2][:100]
    r = await importar(tenant, b"\r\n".join(ruim), "RUIM.RET")
    assert r.status_code == 422 and r.json()["type"].endswith("/retorno_invalido"), r.text
    assert "linha 3" in r.json()["detail"]

    r = await importar(tenant, conteudo, "GRANDE.RET")
    assert r.status_code == 202, r.text
    aceito = r.json()
    assert aceito["status"] == "processando" and aceito["ocorrencias"] == 2 and not aceito["repetido"]

    with worker_celery(tenant) as worker:
        pronto = await _ate_processado(tenant, aceito["id"])
        assert worker.poll() is None
    assert pronto["status"] == "processado", pronto
    assert pronto["contagem"] == {"liquidado": 2}
    assert Decimal(pronto["valor_liquidado"]) == sum(Decimal(t["valor"]) for t in titulos)
    assert Decimal(pronto["valor_a_identificar"]) == 0
    for cota, t in zip(cotas, titulos, strict=True):
        (pag,) = await _pagamentos(tenant, cota["id"])
        assert pag["forma"] == "boleto" and pag["data_pagamento"] == CREDITO.isoformat()
        titulo = (await tenant.client.get(f"/api/cobranca/titulos/{t['id']}", headers=tenant.auth())).json()
        assert titulo["status"] == "liquidado" and titulo["pagamento_id"] == pag["id"]
    ocorrencias = await tenant.client.get(
        f"/api/cobranca/retornos/{aceito['id']}/ocorrencias", headers=tenant.auth()
    )
    assert [o["resultado"] for o in ocorrencias.json()["items"]] == ["liquidado", "liquidado"]

    # The same file again (another key): the same row and its result, nothing applied twice.
    r = await importar(tenant, conteudo, "GRANDE-DE-NOVO.RET")
    assert r.status_code == 202, r.text
    de_novo = r.json()
    assert de_novo["id"] == aceito["id"] and de_novo["repetido"] and de_novo["status"] == "processado"
    assert de_novo["contagem"] == {"liquidado": 2}
    for cota in cotas:
        assert len(await _pagamentos(tenant, cota["id"])) == 1

    r = await tenant.client.get(f"/api/cobranca/retornos/{uuid.uuid4()}", headers=tenant.auth())
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")


async def test_the_sweep_settles_a_kept_retorno_once(tenant: Tenant) -> None:
    """A file kept while its message was lost (no worker here): the sweep settles it, once."""
    c, cotas, titulos = await _titulos(tenant, 2)
    conteudo = arquivo_retorno(c, [_liq(t, t["valor"]) for t in titulos], numero=72)
    engine = create_engine(tenant.settings.database)
    fabrica = create_session_factory(engine)
    try:
        async with UnitOfWork.start(fabrica, Actor(None, "teste")) as uow:
            conta_orm = await uow.session.get(ContaCobranca, uuid.UUID(c["id"]))
            assert conta_orm is not None
            resumo = await retornos.receber(uow, "PERDIDO.RET", conteudo, retornos.ler(conteudo), conta_orm)
            await uow.commit()
        async with UnitOfWork.start(fabrica, Actor(None, "teste")) as uow:
            assert await processar_pendentes(uow) == 1
        async with UnitOfWork.start(fabrica, Actor(None, "teste")) as uow:
            assert await processar_pendentes(uow) == 0
            arquivo = await retornos.obter_retorno(uow, resumo.retorno.id)
            gravado = await resumo_gravado(uow, arquivo)
        assert arquivo.status.value == "processado" and gravado.contagem == {"liquidado": 2}
    finally:
        await engine.dispose()
    for cota in cotas:
        assert len(await _pagamentos(tenant, cota["id"])) == 1
