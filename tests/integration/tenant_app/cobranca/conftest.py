"""Tenants for the cobrança tests; the remessa ones have their own bucket on the real S3 server; the PSP
ones reach the real Vault with the tenant's own policy."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tenant_app.cobranca.cofre import CofrePsp
from tests.support.object_store_fixtures import _drop_s3_buckets, s3_other_tenant, s3_tenant
from tests.support.pix_psp import cofre_no_vault
from tests.support.tenant_app_fixtures import Tenant, _drop_redis_users, other_tenant, tenant

__all__ = ["_drop_redis_users", "_drop_s3_buckets", "other_tenant", "s3_other_tenant", "s3_tenant", "tenant"]


@pytest.fixture
def cofre_do_tenant(tenant: Tenant, vault: Any, tmp_path: Path) -> Iterator[CofrePsp]:
    """The tenant's Vault access on the real Vault (``pix_psp.cofre_no_vault``), used by its test app."""
    with cofre_no_vault(vault, tenant.slug, tmp_path, [tenant.app]) as cofre:
        yield cofre
