"""``seed-demo`` with object storage: the demo tenant's bucket gets every demo cota's contrato de adesão
PDF and the last month's Doc 2080 (real S3 server); running it again adds nothing."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from tenant_app.armazenamento import ObjectStore
from tenant_app.database.session import create_engine, create_session_factory
from tenant_app.demo.seed import seed_demo
from tenant_app.documentos.models import CategoriaDocumento, Documento
from tenant_app.relatorios.models import Relatorio, StatusRelatorio, TipoRelatorio
from tenant_app.unit_of_work import Actor, UnitOfWork
from tests.support.object_store_fixtures import _tenant_with_bucket

pytestmark = pytest.mark.integration


async def test_demo_seed_fills_its_bucket(make_database, redis_url, s3) -> None:
    tenant = await _tenant_with_bucket(make_database, redis_url, s3, "demo")
    store: ObjectStore = tenant.app.state.object_store
    engine = create_engine(tenant.settings.database)
    hoje = date(2026, 12, 6)
    try:
        for rodada in range(2):
            async with UnitOfWork.start(create_session_factory(engine), Actor(None, "teste")) as uow:
                resumo = await seed_demo(uow, today=hoje, members=6, armazenamento=store)
            if rodada == 0:
                assert "6 contract PDFs" in resumo and "Doc 2080 2026-11 generated" in resumo, resumo
            else:
                assert "0 contract PDFs" in resumo and "already there" in resumo, resumo
        async with create_session_factory(engine)() as session:
            contratos = await session.scalar(
                select(func.count())
                .select_from(Documento)
                .where(Documento.categoria == CategoriaDocumento.CONTRATO_ADESAO)
            )
            rel = (
                await session.execute(select(Relatorio).where(Relatorio.tipo == TipoRelatorio.DOC_2080))
            ).scalar_one()
        assert contratos == 6 and rel.status is StatusRelatorio.PRONTO
        objetos = await store.list("documentos/")
        assert len(objetos) == 6 and all(o.key.endswith(".pdf") for o in objetos)
        assert (await store.get(objetos[0].key)).startswith(b"%PDF-")
        doc = json.loads(await store.get(rel.chave or ""))
        assert doc["data_base"] == "2026-11-30" and doc["prazo_entrega"] == "2026-12-30"
        assert doc["administradora"]["cnpj"] == "11222333000181"
        assert any(g["codigo"] == "DEMO-AUTO-01" for g in doc["grupos"])
    finally:
        await engine.dispose()
        await tenant.client.__aexit__(None, None, None)
