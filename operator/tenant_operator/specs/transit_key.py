"""Each tenant's key in Vault's Transit engine (issue 20, item 8): what it must be (pure).

The tenant app wraps its personal-data key with it (envelope encryption, tenant_app/dados_pessoais);
the operator creates it, keeps its configuration, and destroys it under deletionPolicy Delete (the
wrapped data key, in the database and in every backup, is then unreadable: crypto-shredding).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: AES-256 in GCM: the key never leaves Vault (not exportable, no plaintext backup).
KEY_TYPE = "aes256-gcm96"
#: Default of OPERATOR_VAULT_TRANSIT_ROTATION_HOURS: Vault adds a key version every 90 days; old
#: versions keep decrypting, the app rewraps its data key to the latest one.
DEFAULT_ROTATION_HOURS = 2160


def rotation_period(hours: int) -> str:
    """``auto_rotate_period`` as the operator writes it (Vault answers it in seconds)."""
    return f"{hours}h"


def creation_parameters(rotation_hours: int) -> dict[str, Any]:
    """The body of ``POST <mount>/keys/tenant-<name>`` (JSON booleans: the operator's Vault policy
    pins ``exportable`` and ``allow_plaintext_backup`` to ``false``). ``deletion_allowed`` is false
    on a new key."""
    return {
        "type": KEY_TYPE,
        "exportable": False,
        "allow_plaintext_backup": False,
        "auto_rotate_period": rotation_period(rotation_hours),
    }


def unsafe_properties(live: Mapping[str, Any]) -> list[str]:
    """What in the live key (``GET <mount>/keys/<key>`` data) no configuration write can put back:
    Vault never makes an exportable key unexportable again, and type and derivation are fixed at
    creation. Only a person can replace such a key (and rewrap the data key); empty: none."""
    found = []
    if live.get("type") != KEY_TYPE:
        found.append(f"type {live.get('type')} (not {KEY_TYPE})")
    for flag in ("exportable", "allow_plaintext_backup", "derived", "convergent_encryption"):
        if live.get(flag):
            found.append(f"{flag} true")
    return found


def configuration_repair(live: Mapping[str, Any], rotation_hours: int) -> dict[str, Any]:
    """The ``<mount>/keys/<key>/config`` body that puts the live key back (empty: in sync):
    deletion refused, the rotation period, every version still decrypting (the lowest one Vault
    still has) and encryption with the latest."""
    lowest = max(1, int(live.get("min_available_version") or 0))
    wanted: dict[str, Any] = {
        "deletion_allowed": False,
        "auto_rotate_period": rotation_hours * 3600,
        "min_decryption_version": lowest,
        "min_encryption_version": 0,
    }
    repair: dict[str, Any] = {}
    for field, value in wanted.items():
        current = live.get(field)
        if field == "auto_rotate_period":
            current = _seconds(current)
        elif field != "deletion_allowed":
            current = int(current or 0)
        if current != value:
            repair[field] = rotation_period(rotation_hours) if field == "auto_rotate_period" else value
    return repair


def _seconds(value: Any) -> int:
    """Vault answers ``auto_rotate_period`` as an integer of seconds (a duration string is
    accepted too, in case a version answers with one)."""
    if isinstance(value, int | float):
        return int(value)
    text = str(value or "0").strip()
    units = {"h": 3600, "m": 60, "s": 1}
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)
