"""Two tenant apps sharing one bucket on devstack's real S3 server, each under its ``S3_PREFIX``
(the operator's aws-irsa mode): every key the app writes, reads, lists, deletes and presigns stays
under its own prefix, through the app's own code paths (settings from the env, the app's store, the
document routes, the storage gauge).

Both apps sign with one shared static key here (versitygw has no STS), so this proves the app never
addresses outside its prefix, not that it cannot: that is the tenant's IAM role
(terraform/modules/object_storage/tenants.tf), whose enforcement is proven only on AWS.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from consorcio_contract.usage import Metric
from tenant_app.armazenamento import Finalidade, ObjectStore, chave
from tenant_app.erros import NaoEncontrado
from tenant_app.platform_client.usage_meter import UsageMeter
from tenant_app.platform_link.gauges import read_storage_gauge
from tenant_app.users.roles import Role
from tests.integration.tenant_app.factories import make_consorciado
from tests.support.object_store_fixtures import fetch, shared_bucket
from tests.support.object_store_fixtures import keys_in as _keys
from tests.support.tenant_app_fixtures import Tenant, provision_tenant

pytestmark = pytest.mark.integration

__all__ = ["shared_bucket"]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture()
async def pair(
    make_database: Callable[[], str],
    redis_url: str,
    s3: Any,
    shared_bucket: tuple[Any, str],
    _drop_redis_users: None,
) -> AsyncIterator[tuple[Tenant, Tenant]]:
    """Tenants A and B: the env the operator writes in aws-irsa mode, plus the one stand-in key."""
    _, bucket = shared_bucket
    tenants = []
    for label in ("pfa", "pfb"):
        slug = f"{label}{uuid.uuid4().hex[:6]}"
        env = {
            "S3_ENDPOINT": s3.endpoint,
            "S3_REGION": s3.region,
            "S3_BUCKET": bucket,
            "S3_PREFIX": f"tenants/{slug}/",
            "S3_ACCESS_KEY_ID": s3.access_key,
            "S3_SECRET_ACCESS_KEY": s3.secret_key,
        }
        tenants.append(await provision_tenant(make_database, redis_url, slug, extra_env=env))
    yield tenants[0], tenants[1]
    for t in tenants:
        await t.client.__aexit__(None, None, None)


def _store(tenant: Tenant) -> ObjectStore:
    store = tenant.app.state.object_store
    assert isinstance(store, ObjectStore)
    return store


async def test_the_same_key_in_two_prefixes_stays_each_tenants_own(
    pair: tuple[Tenant, Tenant], shared_bucket: tuple[Any, str]
) -> None:
    a, b = pair
    root, bucket = shared_bucket
    sa, sb = _store(a), _store(b)
    key = chave(Finalidade.RELATORIOS, "2026", "dezembro.csv")
    await sa.put(key, b"a;1", "text/csv")
    await sb.put(key, b"b;22", "text/csv")
    await sb.put(chave(Finalidade.COBRANCA, "so-de-b.rem"), b"remessa", "text/plain")

    # In the bucket, each under its prefix; to the app, keys relative to it.
    assert _keys(root, bucket) == [
        f"tenants/{a.slug}/relatorios/2026/dezembro.csv",
        f"tenants/{b.slug}/cobranca/so-de-b.rem",
        f"tenants/{b.slug}/relatorios/2026/dezembro.csv",
    ]
    assert (await sa.get(key), await sb.get(key)) == (b"a;1", b"b;22")
    assert [o.key for o in await sa.list("")] == [key]
    with pytest.raises(NaoEncontrado):
        await sa.get("cobranca/so-de-b.rem")
    # The storage gauge (billing) counts only the tenant's own prefix.
    assert await sa.usage_bytes() == 3 and await sb.usage_bytes() == 4 + len(b"remessa")
    assert await read_storage_gauge(a.settings.object_store, UsageMeter()) == {Metric.STORAGE_MIB: 1}

    # A presigned link names the prefixed key; deleting and purging stay inside the prefix.
    url = sa.presigned_get_url(key, expires_seconds=60)
    assert f"/tenants/{a.slug}/relatorios/" in url and fetch(url) == (200, b"a;1")
    await sa.purge(key)
    with pytest.raises(NaoEncontrado):
        await sa.get(key)
    assert await sa.delete_prefix("") == 0
    assert _keys(root, bucket) == [
        f"tenants/{b.slug}/cobranca/so-de-b.rem",
        f"tenants/{b.slug}/relatorios/2026/dezembro.csv",
    ]
    assert await sb.get(key) == b"b;22"


async def test_documents_uploaded_through_the_api_land_under_the_tenants_prefix(
    pair: tuple[Tenant, Tenant], shared_bucket: tuple[Any, str]
) -> None:
    a, b = pair
    root, bucket = shared_bucket
    pessoa = await make_consorciado(a)
    r = await a.client.post(
        "/api/documentos/",
        params={
            "nome_arquivo": "rg.pdf",
            "categoria": "identidade",
            "entidade_tipo": "consorciado",
            "entidade_id": pessoa["id"],
        },
        content=PDF,
        headers={**a.auth(Role.OPERADOR), "Content-Type": "application/octet-stream"},
    )
    assert r.status_code == 201, r.text
    doc = r.json()
    keys = _keys(root, bucket)
    assert keys and all(k.startswith(f"tenants/{a.slug}/documentos/") for k in keys), keys

    r = await a.client.get(f"/api/documentos/{doc['id']}/download", headers=a.auth())
    assert r.status_code == 200, r.text
    assert r.json()["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert fetch(r.json()["url"]) == (200, PDF)
    # B's app lists nothing of A's.
    assert await _store(b).list("") == []
