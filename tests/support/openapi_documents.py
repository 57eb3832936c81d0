"""Both apps built in-process (no services reached) to read their OpenAPI documents."""

from __future__ import annotations

import json
from typing import Any

from control_plane.app import create_app as create_control_plane
from control_plane.settings import Settings as ControlPlaneSettings
from kubernetes import client as k8s
from litestar import Litestar
from litestar.serialization import encode_json

from tenant_app.app import create_app as create_tenant_app
from tenant_app.settings import Settings


def apps() -> dict[str, Litestar]:
    """``cliente_tenant`` and ``client_control_plane``, the names the generated clients take."""
    tenant = create_tenant_app(
        Settings.from_env(
            {
                "TENANT_SLUG": "docs",
                "DATABASE_URL": "postgresql://u:p@127.0.0.1:1/docs",
                "REDIS_URL": "redis://127.0.0.1:1/0",
                "JWT_SECRET": "x" * 64,
            }
        )
    )
    control_plane = create_control_plane(
        ControlPlaneSettings.from_env(
            {
                "CONTROL_PLANE_DATABASE_URL": "postgresql://u:p@127.0.0.1:1/docs",
                "CONTROL_PLANE_REDIS_URL": "redis://127.0.0.1:1/0",
            }
        ),
        kube_api_client=k8s.ApiClient(k8s.Configuration(host="https://127.0.0.1:9")),
    )
    return {"cliente_tenant": tenant, "client_control_plane": control_plane}


def documents() -> dict[str, dict[str, Any]]:
    """Each app's document as served at /schema/openapi.json."""
    return {name: json.loads(encode_json(app.openapi_schema.to_schema())) for name, app in apps().items()}
