"""PSP secrets in the tenant's own Vault path, never in PostgreSQL nor in the Kubernetes Secret.

The app logs in to Vault as ``tenant_app.cofre_vault`` describes. Secrets
live at ``<VAULT_KV_MOUNT>/namespaces/tenant-<slug>/psp/<conta id>`` (KV v2), one per bank account.
"""

from __future__ import annotations

import asyncio
import os
import uuid

import hvac

from consorcio_contract.names import vault_tenant_prefix
from tenant_app.cofre_vault import TOKEN_PADRAO as TOKEN_PADRAO
from tenant_app.cofre_vault import ConfigCofre as ConfigCofre
from tenant_app.cofre_vault import cliente_vault
from tenant_app.erros import IndisponivelError, NaoEncontrado


class CofreIndisponivel(IndisponivelError):
    code = "cofre_indisponivel"


class CofrePsp:
    """Read and write a bank account's PSP client secret in the tenant's Vault path."""

    def __init__(self, config: ConfigCofre) -> None:
        self.config = config

    def caminho(self, conta_id: uuid.UUID) -> str:
        return f"{vault_tenant_prefix(self.config.tenant_slug)}/psp/{conta_id}"

    def _cliente(self) -> hvac.Client:
        return cliente_vault(self.config)

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
