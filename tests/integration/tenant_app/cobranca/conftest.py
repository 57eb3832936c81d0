"""Tenants for the cobrança tests; the remessa ones have their own bucket on the real S3 server."""

from tests.support.object_store_fixtures import _drop_s3_buckets, s3_other_tenant, s3_tenant
from tests.support.tenant_app_fixtures import _drop_redis_users, other_tenant, tenant

__all__ = ["_drop_redis_users", "_drop_s3_buckets", "other_tenant", "s3_other_tenant", "s3_tenant", "tenant"]
