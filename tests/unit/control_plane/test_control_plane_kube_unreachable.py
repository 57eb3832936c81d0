"""An unreachable Kubernetes API is a 503 problem (UpstreamUnavailable), never a 500.

Found by benchmarks/chaos_plataforma.py: with the kube-apiserver killed, ``POST /api/tenants``
answered 500, because urllib3's MaxRetryError (connection refused after the client's own
retries) is not an OSError.
"""

from __future__ import annotations

import socket

import pytest
from control_plane.problems import UpstreamUnavailable
from control_plane.tenants.resources import TenantResources
from kubernetes import client

pytestmark = pytest.mark.unit


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _api_client() -> client.ApiClient:
    configuration = client.Configuration()
    configuration.host = f"https://127.0.0.1:{_closed_port()}"
    configuration.verify_ssl = False
    configuration.retries = 0
    return client.ApiClient(configuration)


async def test_listing_with_the_api_server_down_is_upstream_unavailable() -> None:
    resources = TenantResources(_api_client())
    with pytest.raises(UpstreamUnavailable, match="Kubernetes API unreachable"):
        await resources.list_all()


async def test_creating_with_the_api_server_down_is_upstream_unavailable() -> None:
    resources = TenantResources(_api_client())
    with pytest.raises(UpstreamUnavailable):
        await resources.create("acme", {"displayName": "ACME", "cnpj": "11222333000181", "plan": "starter"})
