"""Personal data at rest in the real PostgreSQL: ciphertext in the rows, CPFs through the API and index."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

from tenant_app.consorciados.models import DOCUMENTO
from tenant_app.dados_pessoais import chaves, cifra, tarefas
from tenant_app.dados_pessoais.inicio import carregar_chaves_e_cifrar_legados
from tenant_app.database.session import create_engine
from tenant_app.users.roles import Role
from tests.integration.tenant_app.factories import cpf, make_consorciado
from tests.support.tenant_app_fixtures import Tenant

pytestmark = pytest.mark.integration


def _formatado(numero: str) -> str:
    return f"{numero[:3]}.{numero[3:6]}.{numero[6:9]}-{numero[9:]}"


@pytest.fixture
async def banco(tenant: Tenant) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(tenant.env["DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://"))
    yield conn
    await conn.close()


async def test_linhas_cifradas_api_em_claro_busca_pelo_indice(
    tenant: Tenant, banco: asyncpg.Connection
) -> None:
    documento, conjuge = cpf(), cpf()
    criado = await make_consorciado(
        tenant, documento=_formatado(documento), email="ana.cifrada@exemplo.com.br", cpf_conjuge=conjuge
    )
    linha = await banco.fetchrow(
        "SELECT documento, email, cpf_conjuge, documento_indice, cpf_conjuge_indice"
        " FROM consorciados WHERE id = $1",
        uuid.UUID(criado["id"]),
    )
    assert linha is not None
    for coluna in ("documento", "email", "cpf_conjuge"):
        assert linha[coluna].startswith("dp1:"), coluna
    assert documento not in linha["documento"] and "ana.cifrada" not in linha["email"]
    assert conjuge not in linha["cpf_conjuge"]
    assert len(linha["documento_indice"]) == 64 and linha["documento_indice"] != linha["cpf_conjuge_indice"]
    endereco = await banco.fetchrow(
        "SELECT logradouro, cep, cidade FROM consorciado_enderecos WHERE consorciado_id = $1",
        uuid.UUID(criado["id"]),
    )
    assert endereco["logradouro"].startswith("dp1:") and endereco["cep"].startswith("dp1:")
    assert endereco["cidade"] == "São Paulo"  # not personal on its own: stays searchable

    lido = await tenant.client.get(f"/api/consorciados/{criado['id']}", headers=tenant.auth(Role.OPERADOR))
    assert lido.status_code == 200, lido.text
    assert lido.json()["documento"] == documento and lido.json()["email"] == "ana.cifrada@exemplo.com.br"
    assert lido.json()["cpf_conjuge"] == conjuge
    assert lido.json()["enderecos"][0]["logradouro"] == "Rua das Flores"

    for q in (documento, _formatado(documento)):
        achados = await tenant.client.get(
            "/api/consorciados/", params={"q": q}, headers=tenant.auth(Role.OPERADOR)
        )
        assert achados.status_code == 200, achados.text
        assert [c["id"] for c in achados.json()["items"]] == [criado["id"]]

    duplicado = await tenant.client.post(
        "/api/consorciados/",
        json={"tipo_pessoa": "PF", "documento": documento, "nome": "Outra pessoa"},
        headers=tenant.auth(Role.OPERADOR),
    )
    assert duplicado.status_code == 409, duplicado.text
    assert duplicado.json()["type"].endswith("documento_duplicado")


async def test_anonimizacao_apaga_os_indices(tenant: Tenant, banco: asyncpg.Connection) -> None:
    documento = cpf()
    criado = await make_consorciado(tenant, documento=documento, cpf_conjuge=cpf())
    r = await tenant.client.post(
        f"/api/consorciados/{criado['id']}/anonimizacao",
        headers={**tenant.auth(Role.GESTOR), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 200, r.text
    linha = await banco.fetchrow(
        "SELECT documento, email, cpf_conjuge, documento_indice, cpf_conjuge_indice"
        " FROM consorciados WHERE id = $1",
        uuid.UUID(criado["id"]),
    )
    assert dict(linha) == dict.fromkeys(linha.keys())
    achados = await tenant.client.get("/api/consorciados/", params={"q": documento}, headers=tenant.auth())
    assert achados.json()["items"] == []


async def test_backfill_cifra_e_indexa_linhas_legadas(tenant: Tenant, banco: asyncpg.Connection) -> None:
    documento, conjuge = cpf(), cpf()
    pessoa = uuid.uuid4()
    # As a row written before the migration: in clear, no index.
    await banco.execute(
        "INSERT INTO consorciados"
        " (id, tipo_pessoa, documento, nome, email, telefone, cpf_conjuge, created_at, updated_at)"
        " VALUES ($1, 'PF', $2, 'Legado da Silva', 'legado@exemplo.com.br', '11999990000', $3, now(), now())",
        pessoa,
        documento,
        conjuge,
    )
    await banco.execute(
        "INSERT INTO consorciado_contatos (id, consorciado_id, tipo, valor, principal)"
        " VALUES ($1, $2, 'email', $3, false)",
        uuid.uuid4(),
        pessoa,
        "outro@exemplo.com.br",
    )
    # Read as legacy plaintext before the backfill.
    lido = await tenant.client.get(f"/api/consorciados/{pessoa}", headers=tenant.auth())
    assert lido.status_code == 200 and lido.json()["documento"] == documento

    engine = create_engine(tenant.settings.database)
    try:
        await carregar_chaves_e_cifrar_legados(engine)
        await carregar_chaves_e_cifrar_legados(engine)  # idempotent: nothing left to do
    finally:
        await engine.dispose()
    linha = await banco.fetchrow(
        "SELECT documento, email, telefone, cpf_conjuge, documento_indice, cpf_conjuge_indice"
        " FROM consorciados WHERE id = $1",
        pessoa,
    )
    for coluna in ("documento", "email", "telefone", "cpf_conjuge"):
        assert linha[coluna].startswith("dp1:"), coluna
    k = chaves.atuais()
    assert cifra.decifrar(k, DOCUMENTO, linha["documento"]) == documento
    assert linha["documento_indice"] == cifra.indice(k, DOCUMENTO, documento)
    assert linha["cpf_conjuge_indice"] == cifra.indice(k, "consorciados.cpf_conjuge", conjuge)
    contato = await banco.fetchval("SELECT valor FROM consorciado_contatos WHERE consorciado_id = $1", pessoa)
    assert contato.startswith("dp1:")

    achados = await tenant.client.get("/api/consorciados/", params={"q": documento}, headers=tenant.auth())
    assert [c["id"] for c in achados.json()["items"]] == [str(pessoa)]
    lido = await tenant.client.get(f"/api/consorciados/{pessoa}", headers=tenant.auth())
    assert (
        lido.json()["email"] == "legado@exemplo.com.br"
        and lido.json()["contatos"][0]["valor"] == "outro@exemplo.com.br"
    )


async def test_tarefa_periodica_cifra_o_que_uma_versao_antiga_escreveu(
    tenant: Tenant, banco: asyncpg.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    pessoa, documento = uuid.uuid4(), cpf()
    await banco.execute(
        "INSERT INTO consorciados (id, tipo_pessoa, documento, nome, created_at, updated_at)"
        " VALUES ($1, 'PF', $2, 'Versão antiga', now(), now())",
        pessoa,
        documento,
    )
    for nome, valor in tenant.env.items():
        monkeypatch.setenv(nome, valor)
    assert await asyncio.to_thread(tarefas.cifrar_legados.run) >= 1
    linha = await banco.fetchrow("SELECT documento, documento_indice FROM consorciados WHERE id = $1", pessoa)
    assert linha["documento"].startswith("dp1:")
    assert linha["documento_indice"] == cifra.indice(chaves.atuais(), DOCUMENTO, documento)
