"""The data key wrapped by a tenant's Transit key in devstack's real Vault: create, rotate, shred, isolate.

Each test names its own tenant key ``tenant-<slug>`` and logs in with a token whose policy grants
exactly what the operator grants a tenant (datakey/wrapped, decrypt, rewrap; read of the key).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import hvac
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from consorcio_contract.names import VAULT_TRANSIT_MOUNT, transit_key_name
from tenant_app.cofre_vault import ConfigCofre, cliente_vault
from tenant_app.consorciados.models import DOCUMENTO
from tenant_app.dados_pessoais import chaves, cifra
from tenant_app.dados_pessoais.transit import Transit, versao
from tenant_app.database.session import create_engine
from tenant_app.migrations import runner
from tenant_app.notificacoes.webhooks import cofre as cofre_webhooks
from tenant_app.settings import DatabaseSettings
from tests.integration.tenant_app.factories import make_consorciado
from tests.support.tenant_app_fixtures import provision_tenant

pytestmark = pytest.mark.integration

CPF = "52998224725"


def _politica(chave: str) -> str:
    m = VAULT_TRANSIT_MOUNT
    return "\n".join(
        [
            *(
                f'path "{m}/{acao}/{chave}" {{ capabilities = ["update"] }}'
                for acao in ("datakey/wrapped", "decrypt", "rewrap")
            ),
            f'path "{m}/keys/{chave}" {{ capabilities = ["read"] }}',
        ]
    )


@pytest.fixture
def raiz(vault: Any) -> hvac.Client:
    cliente = hvac.Client(url=vault.addr, token=vault.token)
    if f"{VAULT_TRANSIT_MOUNT}/" not in cliente.sys.list_mounted_secrets_engines()["data"]:
        cliente.sys.enable_secrets_engine("transit", path=VAULT_TRANSIT_MOUNT)
    return cliente


@pytest.fixture
def tenant_vault(raiz: hvac.Client, vault: Any, tmp_path: Path) -> Iterator[Callable[..., ConfigCofre]]:
    """Factory: a slug whose Transit key exists (unless ``criar_chave=False``), a config logging in as it."""
    criadas: list[str] = []

    def novo(criar_chave: bool = True) -> ConfigCofre:
        slug = f"dp{uuid.uuid4().hex[:8]}"
        chave = transit_key_name(slug)
        if criar_chave:
            raiz.secrets.transit.create_key(chave, mount_point=VAULT_TRANSIT_MOUNT)
            criadas.append(chave)
        raiz.sys.create_or_update_policy(f"teste-{chave}", _politica(chave))
        token = raiz.auth.token.create(policies=[f"teste-{chave}"], ttl="1h")["auth"]["client_token"]
        arquivo = tmp_path / f"token-{slug}"
        arquivo.write_text(token)
        return ConfigCofre(addr=vault.addr, tenant_slug=slug, token_file=str(arquivo))

    yield novo
    for chave in criadas:
        raiz.sys.delete_policy(f"teste-{chave}")
        try:
            raiz.secrets.transit.update_key_configuration(
                chave, deletion_allowed=True, mount_point=VAULT_TRANSIT_MOUNT
            )
            raiz.secrets.transit.delete_key(chave, mount_point=VAULT_TRANSIT_MOUNT)
        except hvac.exceptions.VaultError:
            pass  # destroyed by the test


@pytest.fixture
async def novo_banco(make_database: Callable[[], str]) -> AsyncIterator[Callable[[], Any]]:
    engines: list[AsyncEngine] = []

    async def criar() -> AsyncEngine:
        dsn = make_database()
        await runner.upgrade(dsn)
        engine = create_engine(DatabaseSettings(url=dsn))
        engines.append(engine)
        return engine

    yield criar
    for engine in engines:
        await engine.dispose()


async def _linha(engine: AsyncEngine) -> str:
    dsn = engine.url.render_as_string(hide_password=False).replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(dsn)
    try:
        return str(await conn.fetchval("SELECT chave_cifrada FROM chaves_dados_pessoais WHERE id = 1"))
    finally:
        await conn.close()


async def test_criada_rotacionada_reembrulhada_destruida(
    tenant_vault: Callable[..., ConfigCofre], novo_banco: Callable[[], Any], raiz: hvac.Client
) -> None:
    config = tenant_vault()
    engine = await novo_banco()
    k1 = await chaves.carregar(engine, config, None)
    embrulhada = await _linha(engine)
    assert embrulhada.startswith("vault:v1:")
    guardado = cifra.cifrar(k1, DOCUMENTO, CPF)
    # A second start (another replica) opens the same row: same keys, no new row.
    k1b = await chaves.carregar(engine, config, None)
    assert await _linha(engine) == embrulhada
    assert cifra.decifrar(k1b, DOCUMENTO, guardado) == CPF

    # Rotation of the Transit key: the next start rewraps the row to v2; the data key is the same.
    raiz.secrets.transit.rotate_key(transit_key_name(config.tenant_slug), mount_point=VAULT_TRANSIT_MOUNT)
    k2 = await chaves.carregar(engine, config, None)
    reembrulhada = await _linha(engine)
    assert versao(reembrulhada) == 2 and reembrulhada != embrulhada
    assert cifra.decifrar(k2, DOCUMENTO, guardado) == CPF
    assert cifra.indice(k2, DOCUMENTO, CPF) == cifra.indice(k1, DOCUMENTO, CPF)

    # A local key against a database whose key is Transit's: refused (the data is not that key's).
    with pytest.raises(chaves.ChaveIndisponivel, match="Transit"):
        await chaves.carregar(engine, config, b"\x00" * 32)

    # The tenant deleted with deletionPolicy Delete: the key destroyed, the data key opens nowhere.
    nome = transit_key_name(config.tenant_slug)
    raiz.secrets.transit.update_key_configuration(
        nome, deletion_allowed=True, mount_point=VAULT_TRANSIT_MOUNT
    )
    raiz.secrets.transit.delete_key(nome, mount_point=VAULT_TRANSIT_MOUNT)
    with pytest.raises(chaves.ChaveIndisponivel, match="crypto-shredding"):
        await chaves.carregar(engine, config, None)
    with pytest.raises(hvac.exceptions.VaultError):
        Transit(config).abrir(reembrulhada)


async def test_chave_de_um_tenant_nao_abre_a_do_outro(
    tenant_vault: Callable[..., ConfigCofre], novo_banco: Callable[[], Any]
) -> None:
    config_a, config_b = tenant_vault(), tenant_vault()
    banco_a, banco_b = await novo_banco(), await novo_banco()
    ka = await chaves.carregar(banco_a, config_a, None)
    kb = await chaves.carregar(banco_b, config_b, None)
    guardado = cifra.cifrar(ka, DOCUMENTO, CPF)
    with pytest.raises(cifra.DadoIlegivel):
        cifra.decifrar(kb, DOCUMENTO, guardado)
    assert cifra.indice(ka, DOCUMENTO, CPF) != cifra.indice(kb, DOCUMENTO, CPF)
    # Nor can B's Vault login unwrap A's data key (its policy names only its own Transit key).
    with pytest.raises(hvac.exceptions.Forbidden):
        cliente_vault(config_b).secrets.transit.decrypt_data(
            transit_key_name(config_a.tenant_slug), await _linha(banco_a), mount_point=VAULT_TRANSIT_MOUNT
        )


async def test_sem_chave_transit_recusa_iniciar(
    tenant_vault: Callable[..., ConfigCofre], novo_banco: Callable[[], Any]
) -> None:
    with pytest.raises(chaves.ChaveIndisponivel, match="ainda não existe"):
        await chaves.carregar(await novo_banco(), tenant_vault(criar_chave=False), None)


async def test_app_com_vault_cifra_com_a_chave_do_transit(
    tenant_vault: Callable[..., ConfigCofre],
    make_database: Callable[[], str],
    redis_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The whole app as a pod runs it: no local key, Vault configured; the lifespan loads the Transit key."""
    config = tenant_vault()
    antes = dict(chaves._processo)
    # This process's other Vault users read the same variables once and keep what they built.
    webhooks_antes = dict(cofre_webhooks._do_ambiente)
    monkeypatch.delenv(chaves.VARIAVEL_LOCAL)
    monkeypatch.setenv("VAULT_ADDR", config.addr)
    monkeypatch.setenv("TENANT_SLUG", config.tenant_slug)
    monkeypatch.setenv("VAULT_TOKEN_FILE", config.token_file)
    try:
        t = await provision_tenant(make_database, redis_url, config.tenant_slug)
        try:
            criado = await make_consorciado(t, documento=CPF)
            dsn = t.env["DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://")
            conn = await asyncpg.connect(dsn)
            try:
                embrulhada = await conn.fetchval(
                    "SELECT chave_cifrada FROM chaves_dados_pessoais WHERE id = 1"
                )
                documento = await conn.fetchval(
                    "SELECT documento FROM consorciados WHERE id = $1", uuid.UUID(criado["id"])
                )
            finally:
                await conn.close()
            assert embrulhada.startswith("vault:v1:")
            assert documento.startswith("dp1:")
            k = cifra.derivar(Transit(config).abrir(embrulhada))
            assert cifra.decifrar(k, DOCUMENTO, documento) == CPF
            achados = await t.client.get("/api/consorciados/", params={"q": CPF}, headers=t.auth())
            assert [c["id"] for c in achados.json()["items"]] == [criado["id"]]
        finally:
            await t.client.__aexit__(None, None, None)
    finally:
        chaves._processo.clear()
        chaves._processo.update(antes)
        cofre_webhooks._do_ambiente.clear()
        cofre_webhooks._do_ambiente.update(webhooks_antes)
