"""Tenants with a contemplated cota for the crédito tests (real PostgreSQL, Redis, the app over HTTP)."""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from tenant_app.assembleias.models import Assembleia
from tenant_app.consorciados.models import Consorciado, TipoPessoa
from tenant_app.cotas.models import Cota, StatusCota
from tenant_app.credito.models import CartaCredito
from tenant_app.database.session import create_engine, create_session_factory
from tenant_app.grupos.models import Grupo, StatusGrupo, TipoBem
from tenant_app.ledger.models import Fundo, OrigemLancamento
from tenant_app.parcelas.models import Parcela, StatusParcela
from tenant_app.rendimentos.models import RendimentoGrupo
from tenant_app.unit_of_work import Actor, UnitOfWork
from tests.support.tenant_app_fixtures import Tenant, provision_tenant

CREDITO = Decimal("100000.00")
# The administradora's date: between 21:00 and midnight in Brasília the UTC date is already tomorrow.
HOJE = datetime.now(ZoneInfo("America/Sao_Paulo")).date()


def novo_cpf() -> str:
    """A random valid CPF (consorciados' documents are unique in a tenant; tests share tenants)."""
    base = [random.randint(0, 9) for _ in range(9)]
    for pesos in (range(10, 1, -1), range(11, 1, -1)):
        resto = sum(d * p for d, p in zip(base, pesos, strict=False)) % 11
        base.append(0 if resto < 2 else 11 - resto)
    return "".join(map(str, base))


CNPJ_VENDEDOR = "11222333000181"
CNPJ_ADMINISTRADORA = "11444777000161"
CONTA_PAGADORA = {
    "banco": "001",
    "nome_banco": "BANCO DO BRASIL",
    "inscricao": CNPJ_ADMINISTRADORA,
    "nome": "ADMINISTRADORA TESTE",
    "convenio": "123456",
    "agencia": "1234",
    "dv_agencia": "5",
    "conta": "98765",
    "dv_conta": "0",
}


@pytest.fixture(scope="session")
async def tenant_a(make_database: Callable[[], str], redis_url: str) -> AsyncIterator[Tenant]:
    """Tenant A for the crédito tests."""
    t = await provision_tenant(make_database, redis_url, f"crdA{uuid.uuid4().hex[:6]}")
    yield t
    await t.client.__aexit__(None, None, None)


@pytest.fixture(scope="session")
async def tenant_b(make_database: Callable[[], str], redis_url: str) -> AsyncIterator[Tenant]:
    """Tenant B, for isolation."""
    t = await provision_tenant(make_database, redis_url, f"crdB{uuid.uuid4().hex[:6]}")
    yield t
    await t.client.__aexit__(None, None, None)


@pytest.fixture(scope="session")
async def tenant_fluxo(make_database: Callable[[], str], redis_url: str) -> AsyncIterator[Tenant]:
    """A tenant of its own for the end-to-end flow (its worker runs tenant-wide routines)."""
    t = await provision_tenant(make_database, redis_url, f"crdF{uuid.uuid4().hex[:6]}")
    yield t
    await t.client.__aexit__(None, None, None)


@pytest.fixture(scope="session")
async def tenant_demo(make_database: Callable[[], str], redis_url: str) -> AsyncIterator[Tenant]:
    """A tenant for the demo seed (its group code is fixed: one per tenant)."""
    t = await provision_tenant(make_database, redis_url, f"crdD{uuid.uuid4().hex[:6]}")
    yield t
    await t.client.__aexit__(None, None, None)


@dataclass
class GrupoSemeado:
    grupo_id: uuid.UUID
    cotas: dict[int, uuid.UUID]
    consorciados: dict[int, uuid.UUID]
    documentos: dict[int, str]


async def unidade(tenant: Tenant) -> tuple[UnitOfWork, object]:
    """A unit of work on the tenant database (seeding and checks)."""
    engine = create_engine(tenant.settings.database)
    return UnitOfWork(create_session_factory(engine)(), Actor(None, "teste")), engine


async def semear_grupo(
    tenant: Tenant, *, numero_cotas: int = 6, parcelas: int = 2, pagas: int = 2, inicio_dias: int = 70
) -> GrupoSemeado:
    """A group em andamento, all cotas sold; ``parcelas`` each, the first ``pagas`` paid (2,000 fundo comum).

    With ``parcelas == pagas`` a cota owes nothing (for the crédito em espécie)."""
    uow, engine = await unidade(tenant)
    try:
        grupo = Grupo(
            codigo=f"C{uuid.uuid4().hex[:8]}",
            tipo_bem=TipoBem.AUTOMOVEL,
            valor_credito=CREDITO,
            prazo_meses=50,
            numero_cotas=numero_cotas,
            taxa_administracao_pct=Decimal("15"),
            fundo_reserva_pct=Decimal("2"),
            dia_assembleia=10,
            dia_vencimento=5,
            status=StatusGrupo.EM_ANDAMENTO,
            data_inicio=HOJE - timedelta(days=inicio_dias),
        )
        uow.add(grupo)
        await uow.flush()
        cotas: dict[int, uuid.UUID] = {}
        pessoas: dict[int, uuid.UUID] = {}
        documentos: dict[int, str] = {}
        for n in range(1, numero_cotas + 1):
            pessoa = Consorciado(
                tipo_pessoa=TipoPessoa.FISICA,
                nome=f"Consorciado {n}",
                documento=novo_cpf(),
            )
            uow.add(pessoa)
            await uow.flush()
            cota = Cota(
                grupo_id=grupo.id,
                numero=n,
                consorciado_id=pessoa.id,
                data_adesao=HOJE - timedelta(days=inicio_dias),
                status=StatusCota.ATIVA,
            )
            uow.add(cota)
            await uow.flush()
            cotas[n], pessoas[n], documentos[n] = cota.id, pessoa.id, str(pessoa.documento)
            for numero in range(1, parcelas + 1):
                pago = numero <= pagas
                vencimento = HOJE - timedelta(days=inicio_dias - 30 * (numero - 1) - 10)
                uow.add(
                    Parcela(
                        cota_id=cota.id,
                        grupo_id=grupo.id,
                        numero=numero,
                        vencimento=vencimento,
                        valor_fundo_comum=Decimal("2000.00"),
                        valor_taxa_administracao=Decimal("300.00"),
                        valor_fundo_reserva=Decimal("40.00"),
                        valor_seguro=Decimal("0.00"),
                        valor_total=Decimal("2340.00"),
                        pago_fundo_comum=Decimal("2000.00") if pago else Decimal("0.00"),
                        pago_taxa_administracao=Decimal("300.00") if pago else Decimal("0.00"),
                        pago_fundo_reserva=Decimal("40.00") if pago else Decimal("0.00"),
                        status=StatusParcela.PAGA if pago else StatusParcela.ABERTA,
                        paga_em=vencimento if pago else None,
                    )
                )
        await uow.lancar(
            grupo.id,
            [(Fundo.FUNDO_COMUM, Decimal("500000.00")), (Fundo.FUNDO_RESERVA, Decimal("10000.00"))],
            OrigemLancamento.AJUSTE,
            descricao="saldo inicial de teste",
        )
        await uow.commit()
        return GrupoSemeado(grupo.id, cotas, pessoas, documentos)
    finally:
        await uow.close()
        await engine.dispose()  # type: ignore[attr-defined]


async def contemplar(tenant: Tenant, grupo: GrupoSemeado, cota: int, *, numero: int = 1) -> str:
    """An AGO whose sorteio draws ``cota`` ("finais": the 1st prize's last digit); returns the assembleia."""
    c, h = tenant.client, tenant.auth()
    if numero == 1:
        r = await c.put(
            f"/api/grupos/{grupo.grupo_id}/regras-assembleia/",
            json={"metodo_sorteio": "finais", "direcao_aproximacao": "alternada", "contemplacoes_sorteio": 1},
            headers=h,
        )
        assert r.status_code == 200, r.text
    r = await c.post(
        f"/api/grupos/{grupo.grupo_id}/assembleias/",
        json={
            "numero": numero,
            "data_assembleia": (HOJE + timedelta(days=1)).isoformat(),
            "corte_lances_em": (datetime.now(UTC) + timedelta(hours=2)).isoformat(),
        },
        headers=h,
    )
    assert r.status_code == 201, r.text
    assembleia = str(r.json()["id"])
    r = await c.post(f"/api/assembleias/{assembleia}/abertura-lances", headers=h)
    assert r.status_code == 200, r.text
    uow, engine = await unidade(tenant)
    try:
        await uow.session.execute(
            update(Assembleia)
            .where(Assembleia.id == uuid.UUID(assembleia))
            .values(corte_lances_em=datetime.now(UTC) - timedelta(seconds=1))
        )
        await uow.session.commit()
    finally:
        await uow.close()
        await engine.dispose()  # type: ignore[attr-defined]
    premios = [f"1234{cota}", "11111", "22222", "33333", "44444"]
    r = await c.post(
        f"/api/assembleias/{assembleia}/apuracao",
        json={"concurso": 6000 + numero, "premios": premios},
        headers={**h, "Idempotency-Key": f"apuracao-{uuid.uuid4()}"},
    )
    assert r.status_code == 201, r.text
    assert [x["cota_numero"] for x in r.json()["contemplacoes"]] == [cota], r.json()
    return assembleia


async def mover_contemplacao(tenant: Tenant, carta_id: str, dias: int) -> None:
    """Play the clock: the carta's contemplação ``dias`` ago (no API moves time)."""
    uow, engine = await unidade(tenant)
    try:
        quando: date = HOJE - timedelta(days=dias)
        await uow.session.execute(
            update(CartaCredito)
            .where(CartaCredito.id == uuid.UUID(carta_id))
            .values(contemplada_em=quando, disponivel_em=quando)
        )
        await uow.session.commit()
    finally:
        await uow.close()
        await engine.dispose()  # type: ignore[attr-defined]


async def registrar_rendimento(
    tenant: Tenant, grupo_id: uuid.UUID, inicio: date, fim: date, valor: Decimal, saldo_base: Decimal
) -> None:
    """The group's net yield for a period, as tenant_app.rendimentos records it (row + fundo comum)."""
    uow, engine = await unidade(tenant)
    try:
        rendimento = RendimentoGrupo(
            id=uuid.uuid4(), grupo_id=grupo_id, inicio=inicio, fim=fim, valor=valor, saldo_base=saldo_base
        )
        uow.add(rendimento)
        await uow.lancar(
            grupo_id, [(Fundo.FUNDO_COMUM, valor)], OrigemLancamento.RENDIMENTO, referencia_id=rendimento.id
        )
        await uow.commit()
    finally:
        await uow.close()
        await engine.dispose()  # type: ignore[attr-defined]


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


def chave() -> dict[str, str]:
    """A fresh Idempotency-Key header."""
    return {"Idempotency-Key": f"teste-{uuid.uuid4()}"}


def assert_problem(response: object, status: int, code: str | None = None) -> dict:
    """problem+json with ``status`` (and the type ending in ``code``); returns the body."""
    r = response
    assert r.status_code == status, r.text  # type: ignore[attr-defined]
    assert r.headers["content-type"].startswith("application/problem+json")  # type: ignore[attr-defined]
    body = dict(r.json())  # type: ignore[attr-defined]
    if code is not None:
        assert body["type"].endswith("/" + code), body
    return body
