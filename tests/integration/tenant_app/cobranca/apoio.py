"""Helpers of the cobrança integration tests: an account, a running grupo with future parcelas, a
retorno for issued títulos (tests.support.cobranca_banco: the synthetic bank)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select

from tenant_app.database.session import create_engine
from tenant_app.eventos.models import EventoOutbox
from tenant_app.users.roles import Role
from tests.integration.tenant_app.factories import make_running_grupo
from tests.support.cobranca_banco import OcorrenciaBanco, retorno

CONTA_BB = {
    "banco": "001",
    "agencia": "1606",
    "dv_agencia": "3",
    "conta": "68093",
    "dv_conta": "X",
    "convenio": "1234567",
    "carteira": "17",
    "beneficiario_nome": "Administradora Ação Ltda",
    "beneficiario_documento": "11222333000181",
    "cidade": "São Paulo",
    "chave_pix": "11222333000181",
}


async def conta(tenant: Any, **extra: Any) -> dict[str, Any]:
    """The tenant's default account (created once per tenant; Banco do Brasil convênio 7)."""
    r = await tenant.client.get("/api/cobranca/contas/", headers=tenant.auth())
    assert r.status_code == 200, r.text
    padrao = [c for c in r.json() if c["grupo_id"] is None]
    if padrao:
        return dict(padrao[0])
    r = await tenant.client.post("/api/cobranca/contas/", json={**CONTA_BB, **extra}, headers=tenant.auth())
    assert r.status_code == 201, r.text
    return dict(r.json())


async def grupo_com_parcelas(tenant: Any, cotas: int = 1) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A grupo started now: its parcelas fall due from next month on (títulos can be issued for them)."""
    await conta(tenant)
    return await make_running_grupo(tenant, cotas=cotas, data_inicio="2026-12-01")


async def parcelas(tenant: Any, cota_id: str) -> list[dict[str, Any]]:
    r = await tenant.client.get(f"/api/cotas/{cota_id}/parcelas", headers=tenant.auth())
    assert r.status_code == 200, r.text
    return list(r.json())


async def emitir(tenant: Any, parcela_id: str, **body: Any) -> Any:
    return await tenant.client.post(
        f"/api/parcelas/{parcela_id}/titulo", json=body, headers=tenant.auth(Role.FINANCEIRO)
    )


def arquivo_retorno(c: dict[str, Any], ocorrencias: Sequence[OcorrenciaBanco], numero: int = 1) -> bytes:
    return retorno(
        banco=c["banco"],
        inscricao=c["beneficiario_documento"],
        convenio=c["convenio"],
        agencia=c["agencia"],
        dv_agencia=c["dv_agencia"],
        conta=c["conta"],
        dv_conta=c["dv_conta"],
        ocorrencias=ocorrencias,
        numero=numero,
    )


async def importar(tenant: Any, conteudo: bytes, nome: str = "RET.RET", key: str | None = None) -> Any:
    return await tenant.client.post(
        "/api/cobranca/retornos/",
        files={"arquivo": (nome, conteudo, "application/octet-stream")},
        headers={**tenant.auth(Role.FINANCEIRO), "Idempotency-Key": key or uuid.uuid4().hex},
    )


async def eventos(tenant: Any, tipo: str) -> list[dict[str, Any]]:
    """The ``dados`` of the outbox events of ``tipo``, oldest first (read straight from the database)."""
    engine = create_engine(tenant.settings.database)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                select(EventoOutbox.dados).where(EventoOutbox.tipo == tipo).order_by(EventoOutbox.seq)
            )
            return [dict(r[0]) for r in rows]
    finally:
        await engine.dispose()


@contextmanager
def worker_celery(tenant: Any) -> Iterator[subprocess.Popen[bytes]]:
    """A real Celery worker of the tenant (its Redis ACL user, its database), without beat."""
    processo = subprocess.Popen(
        [sys.executable, "-m", "tenant_app", "worker", "--no-beat"],
        env={**os.environ, **tenant.env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield processo
    finally:
        processo.terminate()
        try:
            processo.wait(timeout=20)
        except subprocess.TimeoutExpired:
            processo.kill()
