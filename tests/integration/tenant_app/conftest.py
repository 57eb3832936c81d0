"""Real tenants for the tenant-app tests (fixtures and helpers in tests/support/tenant_app_fixtures.py)."""

from tests.support.tenant_app_fixtures import _drop_redis_users, other_tenant, tenant

__all__ = ["_drop_redis_users", "other_tenant", "tenant"]
