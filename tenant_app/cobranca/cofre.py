"""PSP secrets in the tenant's own Vault path, never in PostgreSQL nor in the Kubernetes Secret.

The app logs in to Vault with its Kubernetes-auth role (``VAULT_ROLE``, the operator's ``tenant-<slug>``)
using the projected service-account token the operator mounts with the Vault audience
(``VAULT_TOKEN_FILE``); without ``VAULT_ROLE`` the file holds a Vault token (local runs, tests). Secrets
live at ``<VAULT_KV_MOUNT>/namespaces/tenant-<slug>/psp/<conta id>`` (KV v2), one per bank account.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import hvac

from consorcio_contract.names import vault_tenant_prefix
from tenant_app.erros import IndisponivelError, NaoEncontrado

TOKEN_PADRAO = "/var/run/secrets/vault/token"


class CofreIndisponivel(IndisponivelError):
    code = "cofre_indisponivel"


@dataclass(frozen=True)
class ConfigCofre:
    addr: str
    tenant_slug: str
    kv_mount: str = "secret"
    token_file: str = TOKEN_PADRAO
    role: str | None = None
    auth_mount: str = "kubernetes"
    #: PEM bundle of the CA that signed Vault's certificate (``VAULT_CACERT``, mounted by the
    #: operator when its Vault has a private CA); None: the system's trust store.
    ca_cert: str | None = None
    #: Seconds a Vault call may take (connect and each read). hvac's default is 30: a Vault
    #: that hangs would hold a staff request, and its worker thread, that long for a 503.
    timeout: float = 5.0

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ConfigCofre | None:
        """None without ``VAULT_ADDR`` and ``TENANT_SLUG`` (no Vault access configured for a tenant).

        A process with a Vault address but no tenant (a test runner, a shell with
        the devstack's variables) is not a tenant: it must not guess a path.
        """
        addr = env.get("VAULT_ADDR", "").strip()
        slug = env.get("TENANT_SLUG", "").strip()
        if not addr or not slug:
            return None
        return cls(
            addr=addr,
            tenant_slug=slug,
            kv_mount=env.get("VAULT_KV_MOUNT", "secret"),
            token_file=env.get("VAULT_TOKEN_FILE", TOKEN_PADRAO),
            role=env.get("VAULT_ROLE") or None,
            auth_mount=env.get("VAULT_K8S_AUTH_MOUNT", "kubernetes"),
            ca_cert=env.get("VAULT_CACERT", "").strip() or None,
        )

    @property
    def verify(self) -> str | bool:
        """hvac's ``verify``: the private CA when given, else the system's trust store (never off)."""
        return self.ca_cert or True


class CofrePsp:
    """Read and write a bank account's PSP client secret in the tenant's Vault path."""

    def __init__(self, config: ConfigCofre) -> None:
        self.config = config

    def caminho(self, conta_id: uuid.UUID) -> str:
        return f"{vault_tenant_prefix(self.config.tenant_slug)}/psp/{conta_id}"

    def _cliente(self) -> hvac.Client:
        # A fresh login per use: the projected token rotates, a Vault token expires (role ttl).
        credencial = Path(self.config.token_file).read_text().strip()
        cliente = hvac.Client(url=self.config.addr, verify=self.config.verify, timeout=self.config.timeout)
        if self.config.role:
            cliente.auth.kubernetes.login(self.config.role, credencial, mount_point=self.config.auth_mount)
        else:
            cliente.token = credencial
        return cliente

    def _guardar(self, conta_id: uuid.UUID, segredo: str) -> None:
        self._cliente().secrets.kv.v2.create_or_update_secret(
            path=self.caminho(conta_id), secret={"client_secret": segredo}, mount_point=self.config.kv_mount
        )

    def _ler(self, conta_id: uuid.UUID) -> str:
        try:
            resposta = self._cliente().secrets.kv.v2.read_secret_version(
                path=self.caminho(conta_id), mount_point=self.config.kv_mount, raise_on_deleted_version=True
            )
        except hvac.exceptions.InvalidPath:
            raise NaoEncontrado("Segredo do PSP") from None
        return str(resposta["data"]["data"]["client_secret"])

    async def guardar(self, conta_id: uuid.UUID, segredo: str) -> None:
        try:
            await asyncio.to_thread(self._guardar, conta_id, segredo)
        except (hvac.exceptions.VaultError, OSError) as erro:
            raise CofreIndisponivel(f"O Vault não guardou o segredo: {type(erro).__name__}.") from None

    async def ler(self, conta_id: uuid.UUID) -> str:
        try:
            return await asyncio.to_thread(self._ler, conta_id)
        except (hvac.exceptions.VaultError, OSError) as erro:
            raise CofreIndisponivel(f"O Vault não respondeu: {type(erro).__name__}.") from None


def cofre_do_ambiente() -> CofrePsp | None:
    config = ConfigCofre.from_env(os.environ)
    return None if config is None else CofrePsp(config)
