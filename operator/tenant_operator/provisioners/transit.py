"""Each tenant's Transit key in Vault (issue 20, item 8), with the operator's hvac client.

Synchronous (hvac): :class:`~tenant_operator.provisioners.vault.VaultProvisioner` runs these in its
thread pool. The desired key is :mod:`tenant_operator.specs.transit_key`; the raw API is used so the
booleans go out as JSON booleans, which the operator's Vault policy pins (``allowed_parameters``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

import hvac
import hvac.exceptions

from tenant_operator.specs.transit_key import (
    configuration_repair,
    creation_parameters,
    unsafe_properties,
)

#: VaultError reasons (conditions.REASONS).
REASON_NOT_MOUNTED = "TransitNotMounted"
REASON_UNSAFE = "TransitKeyUnsafe"
#: Not condition reasons: the restore turns them into RestoreFailed (the source key destroyed, i.e.
#: crypto-shredded, or unable to unwrap the backup's data keys).
KEY_MISSING = "TransitKeyMissing"
UNDECRYPTABLE = "TransitDecryptFailed"


class TransitError(Exception):
    """The Transit engine cannot do what is needed; ``reason`` names the cause (VaultError's shape)."""

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        self.message = message
        super().__init__(f"{reason}: {message}")


def _not_mounted(err: hvac.exceptions.InvalidPath, mount: str) -> TransitError | None:
    # Vault answers 404 both for a missing key (no errors) and for a path no engine serves.
    if "no handler for route" in str(err):
        return TransitError(
            REASON_NOT_MOUNTED,
            f"no secrets engine at {mount}/: enable it with `vault secrets enable -path={mount} transit` "
            "(docs/deployment.md)",
        )
    return None


def read_key(client: hvac.Client, mount: str, key: str) -> dict[str, Any] | None:
    """The key's description (``GET <mount>/keys/<key>`` data), or None when it does not exist."""
    try:
        answer = client.adapter.get(f"/v1/{mount}/keys/{key}")
    except hvac.exceptions.InvalidPath as err:
        if (mounting := _not_mounted(err, mount)) is not None:
            raise mounting from err
        return None
    return dict(answer["data"]) if answer else None


def ensure_key(client: hvac.Client, mount: str, key: str, rotation_hours: int) -> list[str]:
    """Create the key, or put its configuration back; what was written (empty: one read, nothing
    written). A key no configuration can make safe again raises TransitError TransitKeyUnsafe."""
    live = read_key(client, mount, key)
    if live is None:
        try:
            client.adapter.post(f"/v1/{mount}/keys/{key}", json=creation_parameters(rotation_hours))
        except hvac.exceptions.InvalidPath as err:
            raise (_not_mounted(err, mount) or err) from err
        return [f"transit key {key}"]
    unsafe = unsafe_properties(live)
    if unsafe:
        raise TransitError(
            REASON_UNSAFE,
            f"Transit key {mount}/keys/{key} is {', '.join(unsafe)}: Vault cannot undo it; a person "
            "must replace the key and rewrap the tenant's data key (docs/security.md)",
        )
    repair = configuration_repair(live, rotation_hours)
    if not repair:
        return []
    client.adapter.post(f"/v1/{mount}/keys/{key}/config", json=repair)
    return [f"transit key {key} configuration ({', '.join(sorted(repair))})"]


def destroy_key(client: hvac.Client, mount: str, key: str) -> bool:
    """Delete the key and every version of it (crypto-shredding); False when it was already gone.
    Vault refuses to delete a key until its configuration allows it, so that comes first."""
    try:
        if read_key(client, mount, key) is None:
            return False
    except TransitError:
        return False  # no engine, no key
    client.adapter.post(f"/v1/{mount}/keys/{key}/config", json={"deletion_allowed": True})
    with contextlib.suppress(hvac.exceptions.InvalidPath):
        client.adapter.delete(f"/v1/{mount}/keys/{key}")
    return True


def rewrap_between(
    client: hvac.Client, mount: str, source: str, target: str, ciphertexts: Sequence[str]
) -> list[str]:
    """Each ciphertext of ``source``'s key decrypted and encrypted again with ``target``'s (in
    order). Transit has no rewrap across keys; the plaintext (a data key) stays in this process's
    memory only. A missing source key raises TransitError TransitKeyMissing (crypto-shredded), a
    ciphertext the source key cannot decrypt TransitDecryptFailed."""
    if not ciphertexts:
        return []
    if read_key(client, mount, source) is None:
        raise TransitError(
            KEY_MISSING,
            f"the Transit key {mount}/keys/{source} does not exist (destroyed: deletionPolicy Delete)",
        )
    if read_key(client, mount, target) is None:
        # The Vault step creates it before the database step restores: retried, never upserted
        # by encrypt (with a root token that would make a key of Vault's defaults).
        raise hvac.exceptions.VaultError(f"the Transit key {mount}/keys/{target} does not exist yet")
    try:
        decrypted = client.adapter.post(
            f"/v1/{mount}/decrypt/{source}",
            json={"batch_input": [{"ciphertext": c} for c in ciphertexts]},
        )["data"]["batch_results"]
    except hvac.exceptions.InvalidRequest as err:
        raise TransitError(UNDECRYPTABLE, f"{mount}/decrypt/{source}: {err}") from err
    failed = [i for i, item in enumerate(decrypted) if item.get("error") or "plaintext" not in item]
    if failed:
        raise TransitError(
            UNDECRYPTABLE,
            f"{len(failed)} of {len(ciphertexts)} data keys cannot be decrypted with {mount}/keys/{source}: "
            f"{decrypted[failed[0]].get('error') or 'no plaintext'}",
        )
    encrypted = client.adapter.post(
        f"/v1/{mount}/encrypt/{target}",
        json={"batch_input": [{"plaintext": item["plaintext"]} for item in decrypted]},
    )["data"]["batch_results"]
    if any(item.get("error") or "ciphertext" not in item for item in encrypted):
        raise hvac.exceptions.VaultError(f"{mount}/encrypt/{target} refused a data key")
    return [str(item["ciphertext"]) for item in encrypted]
