"""Webhook signing secrets in the tenant's own Vault path, like the PSP's (tenant_app/cobranca/cofre.py).

Each secret lives at ``<VAULT_KV_MOUNT>/namespaces/tenant-<slug>/webhooks/<segredo id>`` (KV v2) as
``{"segredo": "whsec_…"}``; the ``webhook_segredos`` row keeps only the id, the endpoint and
the validity (``segredo_cifrado`` is NULL). The app and the worker log in with the tenant's
Kubernetes-auth role through the projected token (``ConfigCofre``); the operator's policy lets
the tenant write only its ``psp/*`` and ``webhooks/*`` subtrees.

A secret never changes once written (a rotation writes a new id), so what was read is kept
in memory for the life of the process: a worker asks Vault once per secret, not per batch.

Without Vault configured (a local process with no ``VAULT_ADDR``/``TENANT_SLUG``) new secrets
are still encrypted in the database (``cifra``); :func:`mover_para_o_cofre` moves such rows to
Vault once it is configured — the worker's sweep runs it, so existing secrets move by themselves.
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid

import hvac
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from consorcio_contract.names import vault_tenant_prefix
from tenant_app.cobranca.cofre import CofreIndisponivel
from tenant_app.cofre_vault import ConfigCofre, cliente_vault
from tenant_app.notificacoes.models import WebhookSegredo
from tenant_app.notificacoes.webhooks import cifra

log = logging.getLogger("tenant_app.notificacoes")

#: Rows moved per sweep: the sweep runs every 5 s, so a backlog drains quickly without a long transaction.
LOTE_MOVER = 200


class CofreWebhooks:
    """Write and read webhook secrets in the tenant's Vault path."""

    def __init__(self, config: ConfigCofre) -> None:
        self.config = config
        self._lidos: dict[uuid.UUID, str] = {}

    def caminho(self, segredo_id: uuid.UUID) -> str:
        return f"{vault_tenant_prefix(self.config.tenant_slug)}/webhooks/{segredo_id}"

    def _cliente(self) -> hvac.Client:
        return cliente_vault(self.config)

    def _guardar(self, segredos: dict[uuid.UUID, str]) -> None:
        cliente = self._cliente()
        for segredo_id, segredo in segredos.items():
            cliente.secrets.kv.v2.create_or_update_secret(
                path=self.caminho(segredo_id), secret={"segredo": segredo}, mount_point=self.config.kv_mount
            )

    def _ler(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
        cliente = self._cliente()
        lidos: dict[uuid.UUID, str] = {}
        for segredo_id in ids:
            try:
                resposta = cliente.secrets.kv.v2.read_secret_version(
                    path=self.caminho(segredo_id),
                    mount_point=self.config.kv_mount,
                    raise_on_deleted_version=True,
                )
            except hvac.exceptions.InvalidPath:
                log.error("webhook secret %s is not in Vault: its endpoint is not signed with it", segredo_id)
                continue
            lidos[segredo_id] = str(resposta["data"]["data"]["segredo"])
        return lidos

    async def guardar(self, segredos: dict[uuid.UUID, str]) -> None:
        try:
            await asyncio.to_thread(self._guardar, segredos)
        except (hvac.exceptions.VaultError, OSError) as erro:
            raise CofreIndisponivel(f"O Vault não guardou o segredo: {type(erro).__name__}.") from None
        self._lidos.update(segredos)

    async def ler(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
        """The secrets with these ids (from memory when read before)."""
        faltam = [i for i in ids if i not in self._lidos]
        if faltam:
            try:
                self._lidos.update(await asyncio.to_thread(self._ler, faltam))
            except (hvac.exceptions.VaultError, OSError) as erro:
                raise CofreIndisponivel(f"O Vault não respondeu: {type(erro).__name__}.") from None
        return {i: self._lidos[i] for i in ids if i in self._lidos}


_do_ambiente: dict[str, CofreWebhooks | None] = {}


def cofre_do_ambiente() -> CofreWebhooks | None:
    """The process's Vault access (VAULT_* and TENANT_SLUG as the operator sets them); one per process,
    so its memory of secrets read is shared by every batch."""
    if "cofre" not in _do_ambiente:
        config = ConfigCofre.from_env(os.environ)
        _do_ambiente["cofre"] = None if config is None else CofreWebhooks(config)
    return _do_ambiente["cofre"]


async def segredos_vigentes(
    session: AsyncSession, chave: str, cofre: CofreWebhooks | None, linhas: list[WebhookSegredo]
) -> dict[uuid.UUID, list[str]]:
    """The secrets that sign for each endpoint, newest first: from Vault, or decrypted for the
    rows not moved yet."""
    no_cofre = [s.id for s in linhas if s.segredo_cifrado is None]
    if no_cofre and cofre is None:
        raise CofreIndisponivel("Os segredos dos webhooks estão no Vault, e este processo não o alcança.")
    lidos = await cofre.ler(no_cofre) if cofre is not None and no_cofre else {}
    por_endpoint: dict[uuid.UUID, list[str]] = {}
    for s in linhas:
        valor = cifra.decifrar(chave, s.segredo_cifrado) if s.segredo_cifrado is not None else lidos.get(s.id)
        if valor is not None:
            por_endpoint.setdefault(s.endpoint_id, []).append(valor)
    return por_endpoint


async def mover_para_o_cofre(session: AsyncSession, chave: str, cofre: CofreWebhooks) -> int:
    """Move secrets still encrypted in the database to Vault (idempotent); how many moved.

    Vault first, then the row: a crash in between leaves the row encrypted, moved again
    next time (the same value is written twice). The caller commits.
    """
    linhas = (
        await session.execute(
            select(WebhookSegredo.id, WebhookSegredo.segredo_cifrado)
            .where(WebhookSegredo.segredo_cifrado.is_not(None))
            .limit(LOTE_MOVER)
            .with_for_update(skip_locked=True)
        )
    ).all()
    if not linhas:
        return 0
    await cofre.guardar({i: cifra.decifrar(chave, dado) for i, dado in linhas if dado is not None})
    await session.execute(
        update(WebhookSegredo)
        .where(WebhookSegredo.id.in_([i for i, _ in linhas]))
        .values(segredo_cifrado=None)
        .execution_options(synchronize_session=False)
    )
    return len(linhas)
