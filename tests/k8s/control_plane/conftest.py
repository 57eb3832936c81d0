"""Control plane against the devstack's real Kubernetes API server.

The API runs as a real HTTP server (uvicorn in a thread, its own event loop)
with the cluster-admin kubeconfig; the ConsorcioTenant CRD is installed from
charts/consorcio-operator/crds/. No operator runs here: where a test needs
status, it writes the status subresource itself, as the operator would.
Tenant apps are impersonated with real ServiceAccount tokens from the
TokenRequest API, checked by the API server through TokenReview.
"""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator

import httpx
import pytest
import pytest_asyncio
import uvicorn
from control_plane.app import create_app
from control_plane.audit.service import ActionContext
from control_plane.auth.roles import Role
from control_plane.auth.service import AdminUserService
from control_plane.settings import Settings
from kubernetes import client as k8s

from tests.support import control_plane_fixtures as _shared
from tests.support.crds import install_crds

# Shared fixtures (database, admin accounts, helpers) registered here too.
cp_session_factory = _shared.cp_session_factory
problem = _shared.problem
cnpj = _shared.cnpj
new_cnpj = _shared.new_cnpj
assert_problem = _shared.assert_problem

GROUP, VERSION, PLURAL = "consorcio.io", "v1alpha1", "consorciotenants"
CONTROL_PLANE_AUDIENCE = "consorcio-control-plane"


@pytest.fixture(scope="session")
def consorcio_crd(k8s_api_client: k8s.ApiClient) -> None:
    install_crds(k8s_api_client)


@pytest.fixture(scope="module")
def cp_settings(make_database, redis_url, kubeconfig) -> Settings:
    return Settings.from_env(
        {
            "CONTROL_PLANE_DATABASE_URL": make_database(),
            "CONTROL_PLANE_REDIS_URL": redis_url,
            "KUBECONFIG": str(kubeconfig),
            # Revocation is tested: never trust an earlier review.
            "CONTROL_PLANE_TOKEN_REVIEW_CACHE_SECONDS": "0",
            # All clients are 127.0.0.1 (the fuzz run's wrong logins too) and the counts live in
            # the shared Redis: the per-address delay would hold up every staff login after it.
            "CONTROL_PLANE_LOGIN_FREE_FAILURES_PER_SOURCE": "1000000",
            # No operator reconciles these tenants (not even one left running by `make up`).
            "CONTROL_PLANE_OPERATOR_INSTANCE": "control-plane-k8s-tests",
        }
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def cp_url(cp_settings: Settings, cp_session_factory, consorcio_crd, k8s_api_client) -> Iterator[str]:
    """The control plane served over real HTTP on a free loopback port."""
    app = create_app(cp_settings, kube_api_client=k8s_api_client)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="control-plane-api", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "control plane did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)


@pytest_asyncio.fixture(scope="module")
async def cp_client(cp_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=cp_url, timeout=30) as client:
        yield client


@pytest_asyncio.fixture(scope="module")
async def auth(cp_client: httpx.AsyncClient, cp_session_factory) -> dict[Role, dict[str, str]]:
    """Headers for one account of each role (created in the database, logged in over HTTP)."""
    headers = {}
    for role in Role:
        email = f"{role.value}@platform.example"
        async with cp_session_factory() as session:
            await AdminUserService(session).upsert(ActionContext.system("test"), email, "pw", role)
        login = await cp_client.post("/api/auth/token", json={"email": email, "password": "pw"})
        token = login.json()["access_token"]
        headers[role] = {"Authorization": f"Bearer {token}"}
    return headers


@pytest.fixture(scope="module")
def custom_objects(k8s_api_client: k8s.ApiClient) -> k8s.CustomObjectsApi:
    return k8s.CustomObjectsApi(k8s_api_client)


@pytest.fixture(scope="module")
def tenant_slugs(custom_objects: k8s.CustomObjectsApi) -> Iterator[Callable[[], str]]:
    """Unique slugs; their ConsorcioTenants are deleted when the module ends."""
    made: list[str] = []

    def new() -> str:
        slug = f"cp{uuid.uuid4().hex[:10]}"
        made.append(slug)
        return slug

    yield new
    for slug in made:
        try:
            # Tenants created through the control plane are protected (and a test may hold one
            # in deletion with a finalizer of its own): unprotect and release first.
            custom_objects.patch_cluster_custom_object(
                GROUP,
                VERSION,
                PLURAL,
                slug,
                {"metadata": {"finalizers": None}, "spec": {"deletionProtection": False}},
            )
            custom_objects.delete_cluster_custom_object(GROUP, VERSION, PLURAL, slug)
        except k8s.ApiException as err:
            if err.status != 404:
                raise


def tenant_body(slug: str, cnpj_value: str, plan: str = "starter", **extra: object) -> dict:
    body = {
        "slug": slug,
        "displayName": f"Administradora {slug} Ltda",
        "cnpj": cnpj_value,
        "plan": plan,
        "billingContact": {"name": "Financeiro", "email": f"financeiro@{slug}.example"},
    }
    body.update(extra)
    return body


@pytest.fixture
def make_tenant_body() -> Callable[..., dict]:
    return tenant_body


class TenantApp:
    """A tenant namespace with its ``tenant-app`` ServiceAccount, as the operator creates them."""

    def __init__(self, core: k8s.CoreV1Api, slug: str, namespace: str, account: str = "tenant-app") -> None:
        self.core, self.slug, self.namespace, self.account = core, slug, namespace, account

    def token(self, seconds: int = 600, audiences: list[str] | None = None) -> str:
        """A TokenRequest token for ``audiences``; by default the control plane's, like the
        projected token the operator mounts. ``[]`` means the API server's own audience
        (like a pod's default token)."""
        if audiences is None:
            audiences = [CONTROL_PLANE_AUDIENCE]
        request = k8s.AuthenticationV1TokenRequest(
            spec=k8s.V1TokenRequestSpec(audiences=audiences, expiration_seconds=seconds)
        )
        response = self.core.create_namespaced_service_account_token(self.account, self.namespace, request)
        return str(response.status.token)

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token()}"}


@pytest.fixture(scope="module")
def service_accounts(k8s_api_client: k8s.ApiClient) -> Iterator[Callable[..., TenantApp]]:
    """Factory: ``service_accounts(slug, namespace=None, account="tenant-app")``; cleaned up at module end."""
    core = k8s.CoreV1Api(k8s_api_client)
    namespaces: set[str] = set()

    def make(slug: str, namespace: str | None = None, account: str = "tenant-app") -> TenantApp:
        namespace = namespace or f"tenant-{slug}"
        if namespace not in namespaces:
            try:
                core.create_namespace(
                    {"metadata": {"name": namespace, "labels": {"consorcio.io/test": "true"}}}
                )
            except k8s.ApiException as err:
                if err.status != 409:
                    raise
            namespaces.add(namespace)
        try:
            core.create_namespaced_service_account(namespace, {"metadata": {"name": account}})
        except k8s.ApiException as err:
            if err.status != 409:
                raise
        return TenantApp(core, slug, namespace, account)

    yield make
    for namespace in namespaces:
        try:
            core.delete_namespace(namespace)
        except k8s.ApiException as err:
            if err.status != 404:
                raise
