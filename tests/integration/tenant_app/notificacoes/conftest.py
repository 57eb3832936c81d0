"""Real tenants, Mailpit, a local webhook receiver and Celery workers (tests/support)."""

from tests.support.notificacoes_fixtures import iniciar_servidor, iniciar_worker, mailpit, receptor
from tests.support.otlp_receiver import otlp_receiver
from tests.support.tenant_app_fixtures import _drop_redis_users, other_tenant, tenant

__all__ = [
    "_drop_redis_users",
    "iniciar_servidor",
    "iniciar_worker",
    "mailpit",
    "other_tenant",
    "otlp_receiver",
    "receptor",
    "tenant",
]
