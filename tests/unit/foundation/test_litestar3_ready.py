"""Both Litestar apps build without a deprecation: every handler and dependency
declares its parameters, body and dependencies the way Litestar 3 requires
(FromPath/FromQuery/QueryParameter, JSONBody, NamedDependency with Provide).

Building the app is where Litestar checks handler signatures, so this catches
a new inferred parameter without a database or a request; the deprecation
gate would fail the test too and names the line."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import pytest
from kubernetes import client as k8s
from litestar import Litestar

pytestmark = pytest.mark.unit


def _control_plane() -> Litestar:
    from control_plane.app import create_app
    from control_plane.settings import Settings

    settings = Settings.from_env({"CONTROL_PLANE_DATABASE_URL": "postgresql://cp:cp@127.0.0.1:9/cp"})
    # Never contacted: building the app only registers its routes.
    unreachable = k8s.ApiClient(k8s.Configuration(host="https://127.0.0.1:9"))
    return create_app(settings, kube_api_client=unreachable)


def _tenant_app() -> Litestar:
    from tenant_app.app import create_app
    from tenant_app.settings import Settings

    env = {
        "TENANT_SLUG": "acme",
        "DATABASE_URL": "postgresql://acme:acme@127.0.0.1:9/acme",
        "REDIS_URL": "redis://127.0.0.1:9/0",
        "JWT_SECRET": "x" * 32,
    }
    return create_app(Settings.from_env(env))


@pytest.mark.parametrize("build", [_control_plane, _tenant_app], ids=["control_plane", "tenant_app"])
def test_the_app_builds_without_a_deprecation(build: Callable[[], Litestar]) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        app = build()
    deprecations = [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)]
    assert deprecations == []
    assert len(app.routes) > 5  # the controllers were registered, not skipped
