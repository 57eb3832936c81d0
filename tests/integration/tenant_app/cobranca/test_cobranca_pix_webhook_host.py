"""Issue 15 on real PostgreSQL and Redis: with ``PIX_WEBHOOK_BASE_URL`` (the operator's mTLS host) the
webhook address given out is on that host, and a call reaching the app through the users' host is a
404 even with the right secret (the users' Ingress routes ``/api`` and demands no client certificate).
The certificate check itself happens in ingress-nginx and is only proven on a real cluster."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable

import pytest

from tests.integration.tenant_app.cobranca.apoio import conta
from tests.support.tenant_app_fixtures import Tenant, provision_tenant

pytestmark = pytest.mark.integration


@pytest.fixture
async def tenant_mtls(make_database: Callable[[], str], redis_url: str) -> AsyncIterator[Tenant]:
    slug = f"pix{uuid.uuid4().hex[:6]}"
    t = await provision_tenant(
        make_database,
        redis_url,
        slug,
        extra_env={"PIX_WEBHOOK_BASE_URL": f"https://{slug}.pix.example.com.br"},
    )
    yield t
    await t.client.__aexit__(None, None, None)


async def test_the_webhook_address_and_the_only_host_it_answers_on(tenant_mtls: Tenant) -> None:
    t = tenant_mtls
    host = f"{t.slug}.pix.example.com.br"
    c = await conta(t)
    r = await t.client.post(f"/api/cobranca/contas/{c['id']}/webhook-pix", headers=t.auth())
    assert r.status_code == 201, r.text
    url = r.json()["webhook_url"]
    assert url.startswith(f"https://{host}/api/cobranca/pix/webhook/{c['id']}/"), url
    caminho = url.removeprefix(f"https://{host}") + "/pix"

    # Through the users' host (the test client's own Host): not served, even with the right secret.
    r = await t.client.post(caminho, json={"pix": []})
    assert r.status_code == 404, r.text
    # On the webhook host: served; a wrong secret is still a 404 there.
    r = await t.client.post(caminho, json={"pix": []}, headers={"host": host})
    assert r.status_code == 200 and r.json() == {"recebidos": 0, "novos": 0}, r.text
    errado = caminho.rsplit("/", 2)[0] + "/segredo-errado/pix"
    assert (await t.client.post(errado, json={"pix": []}, headers={"host": host})).status_code == 404
