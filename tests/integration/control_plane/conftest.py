"""The control-plane app on a real PostgreSQL and Redis (fixtures in tests/support/control_plane_fixtures)."""

from tests.support.control_plane_fixtures import (
    auth,
    cnpj,
    cp_client,
    cp_session_factory,
    cp_settings,
    problem,
    seed_tenant,
)

__all__ = ["auth", "cnpj", "cp_client", "cp_session_factory", "cp_settings", "problem", "seed_tenant"]
