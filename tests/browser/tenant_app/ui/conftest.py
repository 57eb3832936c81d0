"""Browser tests of the web UI (fixtures in tests/support/tenant_app_ui_fixtures.py)."""

from tests.support.tenant_app_fixtures import _drop_redis_users
from tests.support.tenant_app_ui_fixtures import browser, logado, nova_tela, ui_server, ui_tenant

__all__ = ["_drop_redis_users", "browser", "logado", "nova_tela", "ui_server", "ui_tenant"]
