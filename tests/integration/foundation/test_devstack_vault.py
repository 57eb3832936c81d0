"""The devstack Vault: KV v2 and path-scoped policies are enforced."""

from __future__ import annotations

import uuid

import hvac
import pytest

pytestmark = pytest.mark.integration


def test_kv2_roundtrip_and_policy_confines_a_token(vault) -> None:
    root = hvac.Client(url=vault.addr, token=vault.token)
    a, b = f"a-{uuid.uuid4().hex[:6]}", f"b-{uuid.uuid4().hex[:6]}"
    root.secrets.kv.v2.create_or_update_secret(path=f"tenants/{a}/app", secret={"password": "pa"})
    root.secrets.kv.v2.create_or_update_secret(path=f"tenants/{b}/app", secret={"password": "pb"})
    read = root.secrets.kv.v2.read_secret_version(path=f"tenants/{a}/app", raise_on_deleted_version=True)
    assert read["data"]["data"] == {"password": "pa"}
    assert read["data"]["metadata"]["version"] == 1

    root.sys.create_or_update_policy(
        name=f"tenant-{a}", policy=f'path "secret/data/tenants/{a}/*" {{ capabilities = ["read"] }}'
    )
    token = root.auth.token.create(policies=[f"tenant-{a}"], ttl="5m")["auth"]["client_token"]
    scoped = hvac.Client(url=vault.addr, token=token)
    own = scoped.secrets.kv.v2.read_secret_version(path=f"tenants/{a}/app", raise_on_deleted_version=True)
    assert own["data"]["data"]["password"] == "pa"
    with pytest.raises(hvac.exceptions.Forbidden):
        scoped.secrets.kv.v2.read_secret_version(path=f"tenants/{b}/app", raise_on_deleted_version=True)
    with pytest.raises(hvac.exceptions.Forbidden):
        scoped.secrets.kv.v2.create_or_update_secret(path=f"tenants/{a}/app", secret={"password": "x"})
