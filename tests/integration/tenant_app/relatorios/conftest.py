"""Tenants with their own bucket on the real S3 server (tests/support/object_store_fixtures.py)."""

from tests.support.object_store_fixtures import _drop_s3_buckets, s3_other_tenant, s3_tenant
from tests.support.tenant_app_fixtures import _drop_redis_users, tenant

__all__ = ["_drop_redis_users", "_drop_s3_buckets", "s3_other_tenant", "s3_tenant", "tenant"]
