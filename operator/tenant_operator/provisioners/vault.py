"""Tenant secrets in Vault: KV v2 data under the tenant's namespace folder, a Kubernetes-auth
role attaching the platform's shared policy ``consorcio-tenant`` (the operator writes no policy:
issue 20, item 4) and the tenant's Transit key (item 8, :mod:`tenant_operator.provisioners.transit`).
hvac is synchronous, so every call runs in a thread pool and never blocks the operator's event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import hvac
import hvac.exceptions
import requests

from tenant_operator import names
from tenant_operator.config import VaultConfig
from tenant_operator.provisioners import transit
from tenant_operator.specs.vault_policy import kubernetes_role

T = TypeVar("T")

#: How long the platform's SMTP relay read from Vault is reused across tenants' passes.
SMTP_RELAY_CACHE_SECONDS = 60.0


class VaultError(Exception):
    """Vault is configured but cannot do what is needed; ``reason`` names the cause."""

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        self.message = message
        super().__init__(f"{reason}: {message}")


def _classify(err: Exception) -> VaultError:
    if isinstance(err, hvac.exceptions.VaultDown):
        return VaultError("VaultSealed", f"Vault is sealed or in maintenance: {err}")
    if isinstance(err, hvac.exceptions.Forbidden | hvac.exceptions.Unauthorized):
        return VaultError("VaultForbidden", f"the operator's Vault token was refused: {err}")
    if isinstance(err, requests.exceptions.RequestException):
        return VaultError("VaultUnavailable", f"Vault is unreachable: {type(err).__name__}")
    if isinstance(err, hvac.exceptions.VaultError):
        return VaultError("VaultError", str(err).strip() or type(err).__name__)
    return VaultError("VaultError", f"{type(err).__name__}: {err}")


class VaultProvisioner:
    """KV data, Kubernetes-auth role and Transit key of each tenant."""

    def __init__(self, config: VaultConfig, *, max_threads: int = 16) -> None:
        self._config = config
        self._executor = ThreadPoolExecutor(max_workers=max_threads, thread_name_prefix="vault")
        # TLS verified against Vault's own CA when one is configured (terraform/modules/vault).
        verify: bool | str = config.ca_file or True
        self._client = hvac.Client(url=config.addr, token=config.token, timeout=10, verify=verify)
        self._smtp_cache: tuple[float, dict[str, str]] | None = None

    async def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    async def _call(self, fn: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor, fn)
        except VaultError:
            raise
        except transit.TransitError as err:
            raise VaultError(err.reason, err.message) from err
        except Exception as err:  # every failure becomes a condition reason
            raise _classify(err) from err

    # --- KV data -------------------------------------------------------
    def _read_data(self, name: str) -> dict[str, str] | None:
        try:
            answer = self._client.secrets.kv.v2.read_secret_version(
                path=names.vault_secret_path(name),
                mount_point=self._config.kv_mount,
                raise_on_deleted_version=True,
            )
        except hvac.exceptions.InvalidPath:
            return None
        return dict(answer["data"]["data"])

    async def read_app_env(self, name: str) -> dict[str, str] | None:
        """The tenant's app environment stored in Vault, or None."""
        return await self._call(lambda: self._read_data(name))

    def _read_smtp_relay_sync(self) -> dict[str, str]:
        path = self._config.smtp_path
        try:
            answer = self._client.secrets.kv.v2.read_secret_version(
                path=path, mount_point=self._config.kv_mount, raise_on_deleted_version=True
            )
        except hvac.exceptions.InvalidPath:
            raise VaultError(
                "SmtpRelayMissing",
                f"no SMTP relay at {self._config.kv_mount}/{path} (OPERATOR_VAULT_SMTP_PATH): "
                "write host, port, username, password and tls there (docs/deployment.md)",
            ) from None
        return {key: str(value) for key, value in answer["data"]["data"].items()}

    async def read_smtp_relay(self) -> dict[str, str] | None:
        """The platform's SMTP relay (None when none is configured), read at most once a minute:
        every tenant's pass needs it, and a rotation reaches the tenants within that minute."""
        if not self._config.smtp_path:
            return None
        now = time.monotonic()
        if self._smtp_cache is not None and now - self._smtp_cache[0] < SMTP_RELAY_CACHE_SECONDS:
            return self._smtp_cache[1]
        relay = await self._call(self._read_smtp_relay_sync)
        self._smtp_cache = (now, relay)
        return relay

    def _move_legacy_sync(self, name: str) -> list[str]:
        """Move what the tenant had under ``tenants/<name>`` (before the shared policy) to its
        namespace folder, then delete the per-tenant policy and the old secrets; idempotent: a
        secret already at the new place is not overwritten (the app may have written it since), and
        the old secrets go last, so an interrupted move is simply done again."""
        legacy = names.legacy_vault_tenant_prefix(name)
        paths = self._kv_paths_under(legacy)
        if not paths:
            return []
        kv = self._client.secrets.kv.v2
        mount = self._config.kv_mount
        for path in paths:
            target = f"{names.vault_tenant_prefix(name)}/{path[len(legacy) + 1 :]}"
            try:
                answer = kv.read_secret_version(path=path, mount_point=mount, raise_on_deleted_version=True)
            except hvac.exceptions.InvalidPath:
                continue  # deleted meanwhile (only its metadata is left)
            try:
                kv.read_secret_metadata(path=target, mount_point=mount)
            except hvac.exceptions.InvalidPath:
                kv.create_or_update_secret(
                    path=target, secret=dict(answer["data"]["data"]), mount_point=mount
                )
                meta = kv.read_secret_metadata(path=path, mount_point=mount)["data"]
                if custom := meta.get(
                    "custom_metadata"
                ):  # the retained tenant's mark and CNPJ move with its data
                    kv.update_metadata(path=target, mount_point=mount, custom_metadata=custom)
        # The operator's policy grants delete (only) on sys/policies/acl/tenant-*: this call.
        self._client.sys.delete_policy(names.legacy_vault_policy(name))
        for path in paths:
            with contextlib.suppress(hvac.exceptions.InvalidPath):
                kv.delete_metadata_and_all_versions(path=path, mount_point=mount)
        return [f"moved {len(paths)} secrets from {legacy}"]

    def _ensure_sync(self, name: str, env: dict[str, str], cnpj: str | None = None) -> list[str]:
        changes = self._move_legacy_sync(name)
        kv = self._client.secrets.kv.v2
        mount = self._config.kv_mount
        path = names.vault_secret_path(name)
        if cnpj is not None:
            self._check_retained_for(name, cnpj)
        if self._read_data(name) != env:
            kv.create_or_update_secret(path=path, secret=env, mount_point=mount)
            changes.append("KV data")
        # A retained tenant's metadata says so; adopting it clears the mark.
        try:
            meta = kv.read_secret_metadata(path=path, mount_point=mount)["data"]
        except hvac.exceptions.InvalidPath:
            meta = {}
        if (meta.get("custom_metadata") or {}).get("orphaned"):
            kv.update_metadata(path=path, mount_point=mount, custom_metadata={"tenant": name})
            changes.append("KV orphan mark")

        role_name = names.vault_role(name)
        wanted_role = kubernetes_role(name, self._config.token_audience)
        auth = self._client.auth.kubernetes
        mount_k8s = self._config.kubernetes_auth_mount
        try:
            live_role = auth.read_role(name=role_name, mount_point=mount_k8s)
        except hvac.exceptions.InvalidPath:
            live_role = None
        if live_role is None or any(
            _normalise(live_role.get(key)) != _normalise(value) for key, value in wanted_role.items()
        ):
            auth.create_role(name=role_name, mount_point=mount_k8s, **wanted_role)
            changes.append("kubernetes auth role")
        # The personal-data key's key (issue 20, item 8): one read when in sync.
        changes += transit.ensure_key(
            self._client,
            self._config.transit_mount,
            names.transit_key_name(name),
            self._config.transit_rotation_hours,
        )
        return changes

    def _check_retained_for(self, name: str, cnpj: str) -> None:
        """Retained KV data of another CNPJ is neither overwritten nor re-adopted (RetainedDataConflict)."""
        try:
            meta = self._client.secrets.kv.v2.read_secret_metadata(
                path=names.vault_secret_path(name), mount_point=self._config.kv_mount
            )["data"]
        except hvac.exceptions.InvalidPath:
            return
        custom = meta.get("custom_metadata") or {}
        if custom.get("orphaned") and custom.get("cnpj") != cnpj:
            raise VaultError(
                "RetainedDataConflict",
                f"Vault data of tenant {name} was retained for another administradora "
                f"(CNPJ {custom.get('cnpj') or 'unknown'}), not {cnpj}: not re-adopted, nothing written",
            )

    async def ensure(self, name: str, env: dict[str, str], *, cnpj: str | None = None) -> list[str]:
        """Write what differs; the list of corrected items (empty: nothing was written).

        ``cnpj``: retained (orphaned) data of another CNPJ raises VaultError RetainedDataConflict.
        """
        return await self._call(lambda: self._ensure_sync(name, env, cnpj))

    def _mark_orphaned_sync(self, name: str, when: str, cnpj: str) -> None:
        path = names.vault_secret_path(name)
        with contextlib.suppress(hvac.exceptions.InvalidPath):
            self._client.secrets.kv.v2.update_metadata(
                path=path,
                mount_point=self._config.kv_mount,
                # Vault refuses empty metadata values: no cnpj key when it is unknown.
                custom_metadata={"tenant": name, "orphaned": "true", "orphaned-at": when}
                | ({"cnpj": cnpj} if cnpj else {}),
            )

    async def mark_orphaned(self, name: str, when: str, *, cnpj: str = "") -> None:
        """Record in the KV metadata that the tenant was deleted with Retain, and whose data it is."""
        await self._call(lambda: self._mark_orphaned_sync(name, when, cnpj))

    def _remove_role_sync(self, name: str) -> bool:
        try:
            self._client.auth.kubernetes.read_role(
                name=names.vault_role(name), mount_point=self._config.kubernetes_auth_mount
            )
        except hvac.exceptions.InvalidPath:
            return False
        self._client.auth.kubernetes.delete_role(
            name=names.vault_role(name), mount_point=self._config.kubernetes_auth_mount
        )
        return True

    async def remove_role(self, name: str) -> bool:
        """Delete the Kubernetes auth role (no pod can log in), data and policy kept; False if absent.

        ``ensure`` re-creates the role when the tenant is re-created.
        """
        return await self._call(lambda: self._remove_role_sync(name))

    def _kv_paths_under(self, prefix: str) -> list[str]:
        """Every KV v2 secret below ``prefix`` (depth first), from the metadata listing."""
        kv = self._client.secrets.kv.v2
        try:
            keys = kv.list_secrets(path=prefix, mount_point=self._config.kv_mount)["data"]["keys"]
        except hvac.exceptions.InvalidPath:
            return []
        found: list[str] = []
        for key in keys:
            path = f"{prefix}/{key.rstrip('/')}"
            found += self._kv_paths_under(path) if key.endswith("/") else [path]
        return found

    def _copy_subtrees_sync(self, source: str, target: str, subtrees: tuple[str, ...]) -> list[str]:
        kv = self._client.secrets.kv.v2
        mount = self._config.kv_mount
        copied: list[str] = []
        # A source the operator has not moved yet still has its secrets in the legacy folder; what
        # is in its namespace folder is newer and written last.
        for prefix in (names.legacy_vault_tenant_prefix(source), names.vault_tenant_prefix(source)):
            for subtree in subtrees:
                for path in self._kv_paths_under(f"{prefix}/{subtree}"):
                    try:
                        answer = kv.read_secret_version(
                            path=path, mount_point=mount, raise_on_deleted_version=True
                        )
                    except hvac.exceptions.InvalidPath:
                        continue  # deleted meanwhile (only its metadata is left)
                    relative = path[len(prefix) + 1 :]
                    kv.create_or_update_secret(
                        path=f"{names.vault_tenant_prefix(target)}/{relative}",
                        secret=dict(answer["data"]["data"]),
                        mount_point=mount,
                    )
                    copied.append(relative)
        return copied

    async def copy_subtrees(self, source: str, target: str, subtrees: tuple[str, ...]) -> list[str]:
        """Copy the latest version of every secret under ``<subtree>/`` of the source's folder to the
        same place in the target's (a restore under a new name); the relative paths copied."""
        return await self._call(lambda: self._copy_subtrees_sync(source, target, subtrees))

    def _delete_subtrees_sync(self, name: str, subtrees: tuple[str, ...]) -> int:
        kv = self._client.secrets.kv.v2
        removed = 0
        for subtree in subtrees:
            for path in self._kv_paths_under(f"{names.vault_tenant_prefix(name)}/{subtree}"):
                with contextlib.suppress(hvac.exceptions.InvalidPath):
                    kv.delete_metadata_and_all_versions(path=path, mount_point=self._config.kv_mount)
                    removed += 1
        return removed

    async def delete_subtrees(self, name: str, subtrees: tuple[str, ...]) -> int:
        """Delete every secret under ``<subtree>/`` of the tenant's folder (undoing a failed restore)."""
        return await self._call(lambda: self._delete_subtrees_sync(name, subtrees))

    def _delete_sync(self, name: str) -> list[str]:
        deleted = []
        kv = self._client.secrets.kv.v2
        # Not only the app environment: the tenant app keeps its PSP credentials and webhook
        # signing secrets below the same prefix, and a Delete policy must leave none behind
        # (nor in the legacy folder of a tenant deleted before its secrets were moved).
        paths = self._kv_paths_under(names.vault_tenant_prefix(name))
        paths += self._kv_paths_under(names.legacy_vault_tenant_prefix(name))
        for path in paths:
            with contextlib.suppress(hvac.exceptions.InvalidPath):
                kv.delete_metadata_and_all_versions(path=path, mount_point=self._config.kv_mount)
        if paths:
            deleted.append(f"KV data ({len(paths)} secrets)")
        self._client.sys.delete_policy(names.legacy_vault_policy(name))  # idempotent
        with contextlib.suppress(hvac.exceptions.InvalidPath):
            self._client.auth.kubernetes.delete_role(
                name=names.vault_role(name), mount_point=self._config.kubernetes_auth_mount
            )
        deleted.append("kubernetes auth role")
        return deleted

    async def delete(self, name: str) -> list[str]:
        """Delete all versions of the KV data and the role (idempotent). The Transit key stays:
        :meth:`destroy_transit_key` is deletionPolicy Delete's alone."""
        return await self._call(lambda: self._delete_sync(name))

    async def destroy_transit_key(self, name: str) -> bool:
        """Destroy the tenant's Transit key and all its versions (crypto-shredding: the data key
        wrapped by it, in the database and in every backup, can never be unwrapped again); False
        when it was already gone."""
        key = names.transit_key_name(name)
        return await self._call(lambda: transit.destroy_key(self._client, self._config.transit_mount, key))

    async def rewrap_data_keys(self, source: str, target: str, ciphertexts: list[str]) -> list[str]:
        """Data keys wrapped by tenant ``source``'s Transit key, wrapped by ``target``'s instead (a
        restore under another name). VaultError ``TransitKeyMissing`` when the source's key was
        destroyed, ``TransitDecryptFailed`` when it cannot unwrap one of them."""
        mount = self._config.transit_mount
        keys = names.transit_key_name(source), names.transit_key_name(target)
        return await self._call(lambda: transit.rewrap_between(self._client, mount, *keys, ciphertexts))


def _normalise(value: Any) -> Any:
    # Vault answers lists for comma-separated inputs and may add defaults.
    if isinstance(value, str) and "," in value:
        return sorted(value.split(","))
    if isinstance(value, list):
        return sorted(str(v) for v in value)
    return value
