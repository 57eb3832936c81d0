"""Tenants with a seeded group for the assembleias tests (real PostgreSQL, Redis, the app over HTTP)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.assembleias.models import Assembleia
from tenant_app.consorciados.models import Consorciado, TipoPessoa
from tenant_app.cotas.models import Cota, StatusCota
from tenant_app.database.session import create_engine, create_session_factory
from tenant_app.grupos.models import Grupo, StatusGrupo, TipoBem
from tenant_app.ledger.models import Fundo, OrigemLancamento
from tenant_app.parcelas.models import Parcela, StatusParcela
from tenant_app.unit_of_work import Actor, UnitOfWork
from tests.support.tenant_app_fixtures import Tenant, provision_tenant

CREDITO = Decimal("100000.00")
PARCELA_FC = Decimal("2000.00")  # fundo comum share of one parcela (2% of the credit)
# The administradora's date: between 21:00 and midnight in Brasília the UTC date is already tomorrow.
HOJE = datetime.now(ZoneInfo("America/Sao_Paulo")).date()


@pytest.fixture(scope="session")
async def tenant_a(make_database: Callable[[], str], redis_url: str) -> AsyncIterator[Tenant]:
    """Tenant A for the assembleias tests."""
    t = await provision_tenant(make_database, redis_url, f"asmA{uuid.uuid4().hex[:6]}")
    yield t
    await t.client.__aexit__(None, None, None)


@pytest.fixture(scope="session")
async def tenant_b(make_database: Callable[[], str], redis_url: str) -> AsyncIterator[Tenant]:
    """Tenant B, for isolation."""
    t = await provision_tenant(make_database, redis_url, f"asmB{uuid.uuid4().hex[:6]}")
    yield t
    await t.client.__aexit__(None, None, None)


@dataclass
class GrupoSemeado:
    """A running group: ids of its cotas by number."""

    grupo_id: uuid.UUID
    codigo: str
    cotas: dict[int, uuid.UUID]


async def sessao(tenant: Tenant) -> tuple[AsyncSession, object]:
    """A direct session on the tenant database (for checks)."""
    uow, engine = await unidade(tenant)
    return uow.session, engine


async def unidade(tenant: Tenant) -> tuple[UnitOfWork, object]:
    """A unit of work on the tenant database, acting as "teste" (for seeding and service calls)."""
    engine = create_engine(tenant.settings.database)
    return UnitOfWork(create_session_factory(engine)(), Actor(None, "teste")), engine


async def semear_grupo(
    tenant: Tenant,
    *,
    numero_cotas: int = 50,
    em_atraso: frozenset[int] = frozenset(),
    excluidas: frozenset[int] = frozenset(),
    saldo_comum: Decimal = Decimal("0"),
    saldo_reserva: Decimal = Decimal("0"),
) -> GrupoSemeado:
    """A group em andamento with every cota sold; two parcelas fell due, ``em_atraso`` did not pay the 2nd."""
    uow, engine = await unidade(tenant)
    try:
        codigo = f"G{uuid.uuid4().hex[:8]}"
        grupo = Grupo(
            codigo=codigo,
            tipo_bem=TipoBem.AUTOMOVEL,
            valor_credito=CREDITO,
            prazo_meses=50,
            numero_cotas=numero_cotas,
            taxa_administracao_pct=Decimal("15"),
            fundo_reserva_pct=Decimal("2"),
            dia_assembleia=10,
            dia_vencimento=5,
            status=StatusGrupo.EM_ANDAMENTO,
            data_inicio=HOJE - timedelta(days=70),
        )
        uow.add(grupo)
        await uow.flush()
        cotas: dict[int, uuid.UUID] = {}
        for n in range(1, numero_cotas + 1):
            pessoa = Consorciado(tipo_pessoa=TipoPessoa.FISICA, nome=f"Consorciado {n}")
            uow.add(pessoa)
            await uow.flush()
            cota = Cota(
                grupo_id=grupo.id,
                numero=n,
                consorciado_id=pessoa.id,
                data_adesao=HOJE - timedelta(days=70),
                status=StatusCota.EXCLUIDA if n in excluidas else StatusCota.ATIVA,
            )
            uow.add(cota)
            await uow.flush()
            cotas[n] = cota.id
            for numero, dias in ((1, 60), (2, 30)):
                pago = not (numero == 2 and (n in em_atraso or n in excluidas))
                uow.add(
                    Parcela(
                        cota_id=cota.id,
                        grupo_id=grupo.id,
                        numero=numero,
                        vencimento=HOJE - timedelta(days=dias),
                        valor_fundo_comum=PARCELA_FC,
                        valor_taxa_administracao=Decimal("300.00"),
                        valor_fundo_reserva=Decimal("40.00"),
                        valor_seguro=Decimal("0.00"),
                        valor_total=Decimal("2340.00"),
                        pago_fundo_comum=PARCELA_FC if pago else Decimal("0.00"),
                        pago_taxa_administracao=Decimal("300.00") if pago else Decimal("0.00"),
                        pago_fundo_reserva=Decimal("40.00") if pago else Decimal("0.00"),
                        status=StatusParcela.PAGA if pago else StatusParcela.ABERTA,
                        paga_em=HOJE - timedelta(days=dias) if pago else None,
                    )
                )
        await uow.lancar(
            grupo.id,
            [(Fundo.FUNDO_COMUM, saldo_comum), (Fundo.FUNDO_RESERVA, saldo_reserva)],
            OrigemLancamento.AJUSTE,
            descricao="saldo inicial de teste",
        )
        await uow.commit()
        return GrupoSemeado(grupo.id, codigo, cotas)
    finally:
        await uow.close()
        await engine.dispose()  # type: ignore[attr-defined]


async def passar_corte(tenant: Tenant, assembleia_id: str) -> None:
    """Move the cut-off into the past (the test plays the clock; there is no API to do it)."""
    session, engine = await sessao(tenant)
    try:
        await session.execute(
            update(Assembleia)
            .where(Assembleia.id == uuid.UUID(assembleia_id))
            .values(corte_lances_em=datetime.now(UTC) - timedelta(seconds=1))
        )
        await session.commit()
    finally:
        await session.close()
        await engine.dispose()  # type: ignore[attr-defined]


REGRAS_FINAIS = {
    "metodo_sorteio": "finais",
    "direcao_aproximacao": "alternada",
    "contemplacoes_sorteio": 1,
    "tipos_lance": ["livre", "embutido"],
    "lance_minimo_percentual": "5",
    "embutido_maximo_percentual": "30",
}


async def assembleia_aberta(
    tenant: Tenant, grupo: GrupoSemeado, numero: int = 1, regras: dict | None = None
) -> str:
    """Rules entered (first assembleia only), an assembleia created and receiving lances; returns its id."""
    c, h = tenant.client, tenant.auth()
    if numero == 1:
        url = f"/api/grupos/{grupo.grupo_id}/regras-assembleia/"
        r = await c.put(url, json=regras or REGRAS_FINAIS, headers=h)
        assert r.status_code == 200, r.text
    corte = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    r = await c.post(
        f"/api/grupos/{grupo.grupo_id}/assembleias/",
        json={
            "numero": numero,
            "data_assembleia": (HOJE + timedelta(days=1)).isoformat(),
            "corte_lances_em": corte,
        },
        headers=h,
    )
    assert r.status_code == 201, r.text
    assembleia_id = str(r.json()["id"])
    r = await c.post(f"/api/assembleias/{assembleia_id}/abertura-lances", headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "recebendo_lances"
    return assembleia_id


def assert_problem(response: object, status: int) -> dict:
    """The response is problem+json with ``status``; returns the body."""
    r = response
    assert r.status_code == status, r.text  # type: ignore[attr-defined]
    assert r.headers["content-type"].startswith("application/problem+json")  # type: ignore[attr-defined]
    body = r.json()  # type: ignore[attr-defined]
    assert body["status"] == status and body["detail"]
    return dict(body)


@dataclass
class Worker:
    """A running ``python -m tenant_app worker`` of one tenant."""

    process: asyncio.subprocess.Process
    log: Path

    def log_tail(self) -> str:
        """The end of the worker's log, for assertion messages."""
        return self.log.read_text()[-3000:]


@asynccontextmanager
async def tenant_worker(tenant: Tenant, tmp_path: Path) -> AsyncIterator[Worker]:
    """The tenant's real Celery worker (the CLI the operator's Deployment runs), without beat."""
    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tenant_app",
            "worker",
            "--no-beat",
            env={**os.environ, **tenant.env},
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        try:
            yield Worker(process, log_path)
        finally:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), timeout=20)
            except TimeoutError:
                process.kill()
                await process.wait()
