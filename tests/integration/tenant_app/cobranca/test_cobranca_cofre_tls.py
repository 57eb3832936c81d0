"""The tenant app's Vault clients verify a Vault on TLS with the CA the operator hands them (issue 20 item 4).

A real Vault (``vault server -dev -dev-tls``: HTTPS with a certificate signed by a CA of its own,
written to a directory) stands in for the platform's Vault with its private CA. With
``VAULT_CACERT`` (what the operator sets in tenant pods) the PSP and webhook vaults write and
read; without it the certificate is refused and the call fails as ``CofreIndisponivel``, never
falling back to an unverified connection.
"""

from __future__ import annotations

import ssl
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from devstack.binaries import binary_path
from tenant_app.cobranca.cofre import CofreIndisponivel, CofrePsp, ConfigCofre
from tenant_app.notificacoes.webhooks.cofre import CofreWebhooks
from tests.support.operator_harness import free_port, wait_until

pytestmark = pytest.mark.integration

ROOT_TOKEN = "root-tls"


@dataclass(frozen=True)
class VaultTls:
    addr: str
    ca_file: Path


@pytest.fixture(scope="module")
def vault_tls(tmp_path_factory) -> Iterator[VaultTls]:
    certs = tmp_path_factory.mktemp("vault-tls")
    port = free_port()
    proc = subprocess.Popen(
        [
            str(binary_path("vault")),
            "server",
            "-dev",
            "-dev-tls",
            f"-dev-tls-cert-dir={certs}",
            f"-dev-listen-address=127.0.0.1:{port}",
            f"-dev-root-token-id={ROOT_TOKEN}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    ca = certs / "vault-ca.pem"
    addr = f"https://127.0.0.1:{port}"

    def ready() -> bool:
        if not ca.exists():
            return False
        try:
            return (
                httpx.get(
                    f"{addr}/v1/sys/health", verify=ssl.create_default_context(cafile=str(ca)), timeout=1
                ).status_code
                == 200
            )
        except httpx.HTTPError:
            return False

    try:
        wait_until(ready, timeout=30, what="the TLS Vault to answer", interval=0.2)
        yield VaultTls(addr, ca)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _env(vault: VaultTls, token_file: Path, **extra: str) -> dict[str, str]:
    return {
        "VAULT_ADDR": vault.addr,
        "TENANT_SLUG": f"tls-{uuid.uuid4().hex[:6]}",
        "VAULT_TOKEN_FILE": str(token_file),
        **extra,
    }


@pytest.fixture
def token_file(tmp_path: Path) -> Path:
    path = tmp_path / "token"
    path.write_text(ROOT_TOKEN)  # no VAULT_ROLE: the file holds a Vault token
    return path


async def test_with_vault_cacert_the_psp_vault_writes_and_reads_over_tls(vault_tls, token_file) -> None:
    config = ConfigCofre.from_env(_env(vault_tls, token_file, VAULT_CACERT=str(vault_tls.ca_file)))
    assert config is not None
    cofre = CofrePsp(config)
    conta = uuid.uuid4()
    await cofre.guardar(conta, "segredo-psp")
    assert await cofre.ler(conta) == "segredo-psp"


def test_with_vault_cacert_the_webhook_vault_writes_and_reads_over_tls(vault_tls, token_file) -> None:
    config = ConfigCofre.from_env(_env(vault_tls, token_file, VAULT_CACERT=str(vault_tls.ca_file)))
    assert config is not None
    cofre = CofreWebhooks(config)
    cofre._guardar({(segredo_id := uuid.uuid4()): "whsec_tls"})
    assert cofre._ler([segredo_id]) == {segredo_id: "whsec_tls"}


async def test_without_the_ca_the_certificate_is_refused(vault_tls, token_file) -> None:
    config = ConfigCofre.from_env(_env(vault_tls, token_file))
    assert config is not None and config.verify is True
    with pytest.raises(CofreIndisponivel):
        await CofrePsp(config).guardar(uuid.uuid4(), "nunca-sem-tls-verificado")
