"""The ordered, idempotent ensure_* steps of a reconcile pass; each owns one condition."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from tenant_operator import conditions as c
from tenant_operator.conditions import Condition
from tenant_operator.steps.context import ReconcileContext
from tenant_operator.steps.ensure_app_workload import ensure_app_workload
from tenant_operator.steps.ensure_database import ensure_database
from tenant_operator.steps.ensure_migrations import ensure_migrations
from tenant_operator.steps.ensure_namespace import ensure_namespace
from tenant_operator.steps.ensure_redis_user import ensure_redis_user
from tenant_operator.steps.ensure_secrets import ensure_secrets
from tenant_operator.steps.ensure_storage import ensure_storage

Step = Callable[[ReconcileContext], Awaitable[Condition]]

# Order matters: each step needs what the previous ones produced. Credentials
# are stored (Vault, Secret) before any system is set to use them, so a crash
# at any point never leaves a password that exists nowhere else; the Secret
# exists before the migration Job, the migrated version before the Deployment.
# Storage comes with the other credentialed planes (its key is in the Secret
# already) and before the workload, so the app never starts without its bucket.
STEPS: tuple[tuple[str, str, Step], ...] = (
    ("namespace", c.NAMESPACE_READY, ensure_namespace),
    ("secrets", c.SECRETS_READY, ensure_secrets),
    ("database", c.DATABASE_READY, ensure_database),
    ("redis", c.REDIS_READY, ensure_redis_user),
    ("storage", c.STORAGE_READY, ensure_storage),
    ("migrations", c.MIGRATIONS_COMPLETE, ensure_migrations),
    ("workload", c.APP_AVAILABLE, ensure_app_workload),
)
