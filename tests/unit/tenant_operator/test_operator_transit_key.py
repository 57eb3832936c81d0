"""Each tenant's Vault Transit key (issue 20, item 8): what the operator creates and what it puts
back (pure; the real Vault: tests/k8s/tenant_operator/test_operator_transit.py)."""

from __future__ import annotations

import pytest
from tenant_operator.config import ConfigError, OperatorConfig
from tenant_operator.specs.transit_key import (
    DEFAULT_ROTATION_HOURS,
    KEY_TYPE,
    configuration_repair,
    creation_parameters,
    unsafe_properties,
)

BASE_ENV = {
    "OPERATOR_PG_ADMIN_DSN": "postgresql://postgres:pw@db.internal:5433/postgres",
    "OPERATOR_REDIS_ADMIN_URL": "redis://default:pw@127.0.0.1:16379/0",
}

#: What Vault answers for a key the operator created with the default period (GET transit/keys/<k>).
CREATED = {
    "type": "aes256-gcm96",
    "exportable": False,
    "allow_plaintext_backup": False,
    "deletion_allowed": False,
    "derived": False,
    "auto_rotate_period": 2160 * 3600,
    "latest_version": 1,
    "min_available_version": 0,
    "min_decryption_version": 1,
    "min_encryption_version": 0,
}


def test_the_key_is_created_unexportable_with_the_rotation_period():
    assert creation_parameters(DEFAULT_ROTATION_HOURS) == {
        "type": KEY_TYPE,
        "exportable": False,
        "allow_plaintext_backup": False,
        "auto_rotate_period": "2160h",
    }
    # JSON booleans: the operator's policy pins them with allowed_parameters = [false].
    assert creation_parameters(1)["exportable"] is False


def test_a_key_as_created_needs_no_write():
    assert configuration_repair(CREATED, DEFAULT_ROTATION_HOURS) == {}
    assert unsafe_properties(CREATED) == []
    # Rotated keys are in sync too: versions come and go without the operator.
    assert configuration_repair(CREATED | {"latest_version": 7}, DEFAULT_ROTATION_HOURS) == {}


@pytest.mark.parametrize(
    "changed,repair",
    [
        ({"deletion_allowed": True}, {"deletion_allowed": False}),
        ({"auto_rotate_period": 0}, {"auto_rotate_period": "2160h"}),
        ({"auto_rotate_period": 3600}, {"auto_rotate_period": "2160h"}),
        # Old versions hidden from decryption (the data key wrapped by them unreadable): back to all.
        ({"min_decryption_version": 3, "latest_version": 4}, {"min_decryption_version": 1}),
        ({"min_encryption_version": 2, "latest_version": 4}, {"min_encryption_version": 0}),
    ],
)
def test_a_changed_configuration_is_put_back(changed, repair):
    assert configuration_repair(CREATED | changed, DEFAULT_ROTATION_HOURS) == repair


def test_a_trimmed_key_decrypts_from_its_lowest_remaining_version():
    trimmed = CREATED | {"latest_version": 5, "min_available_version": 3, "min_decryption_version": 3}
    assert configuration_repair(trimmed, DEFAULT_ROTATION_HOURS) == {}


def test_a_new_rotation_setting_reaches_existing_keys():
    assert configuration_repair(CREATED, 24) == {"auto_rotate_period": "24h"}
    assert configuration_repair(CREATED | {"auto_rotate_period": "24h"}, 24) == {}


@pytest.mark.parametrize(
    "changed,found",
    [
        ({"exportable": True}, ["exportable true"]),
        ({"allow_plaintext_backup": True}, ["allow_plaintext_backup true"]),
        ({"type": "chacha20-poly1305"}, ["type chacha20-poly1305 (not aes256-gcm96)"]),
        ({"derived": True}, ["derived true"]),
    ],
)
def test_what_no_configuration_can_undo_is_reported(changed, found):
    assert unsafe_properties(CREATED | changed) == found


def test_the_rotation_setting():
    assert OperatorConfig.from_env(BASE_ENV).vault.transit_rotation_hours == DEFAULT_ROTATION_HOURS == 2160
    assert OperatorConfig.from_env(BASE_ENV).vault.transit_mount == "transit"
    env = BASE_ENV | {"OPERATOR_VAULT_TRANSIT_ROTATION_HOURS": "720"}
    assert OperatorConfig.from_env(env).vault.transit_rotation_hours == 720
    for bad in ("0", "-1", "90d"):
        with pytest.raises(ConfigError, match="OPERATOR_VAULT_TRANSIT_ROTATION_HOURS"):
            OperatorConfig.from_env(BASE_ENV | {"OPERATOR_VAULT_TRANSIT_ROTATION_HOURS": bad})
