"""tenant_app.armazenamento on the real S3 server (versitygw), keys made by the operator's provisioner."""

from __future__ import annotations

import hashlib
import io
import os

import pytest

from tenant_app.armazenamento import Finalidade, ObjectStore, chave
from tenant_app.erros import NaoEncontrado
from tests.support.object_store_fixtures import fetch

pytestmark = pytest.mark.integration


def _store(tenant) -> ObjectStore:
    store = tenant.app.state.object_store
    assert isinstance(store, ObjectStore)
    return store


def test_chave_keeps_keys_under_the_prefix() -> None:
    assert chave(Finalidade.DOCUMENTOS, "cota/1", "v1.pdf") == "documentos/cota/1/v1.pdf"
    assert chave(Finalidade.RELATORIOS, "../../x", "a b.csv") == "relatorios/x/a_b.csv"
    with pytest.raises(ValueError):
        chave(Finalidade.COBRANCA, "..")


async def test_put_get_stream_list_presign_delete(s3_tenant, _drop_s3_buckets) -> None:
    store = _store(s3_tenant)
    data = b"%PDF-1.4 teste " * 100
    stored = await store.put(chave(Finalidade.DOCUMENTOS, "t", "a.pdf"), data, "application/pdf")
    assert stored.size == len(data) and stored.sha256 == hashlib.sha256(data).hexdigest()
    assert await store.get(stored.key) == data
    assert b"".join([c async for c in store.stream(stored.key, chunk_size=100)]) == data

    big = os.urandom(PART := 9 * 1024 * 1024)  # above the multipart threshold
    up = await store.upload(chave(Finalidade.DOCUMENTOS, "t", "big.bin"), io.BytesIO(big), "application/pdf")
    assert (up.size, up.sha256) == (PART, hashlib.sha256(big).hexdigest())

    listed = await store.list("documentos/t/")
    assert sorted(o.key for o in listed) == ["documentos/t/a.pdf", "documentos/t/big.bin"]
    assert await store.usage_bytes("documentos/t/") == len(data) + PART

    status, body = fetch(store.presigned_get_url(stored.key, expires_seconds=60, filename="contrato ç.pdf"))
    assert (status, body) == (200, data)

    await store.delete(stored.key)
    with pytest.raises(NaoEncontrado):
        await store.get(stored.key)
    assert await store.delete_prefix("documentos/t/") == 1
    assert await store.list("documentos/t/") == []


async def test_a_tenants_store_cannot_reach_another_tenants_objects(s3_tenant, s3_other_tenant) -> None:
    from tenant_app.armazenamento import ArmazenamentoIndisponivel
    from tenant_app.settings import ObjectStoreSettings

    a, b = _store(s3_tenant), _store(s3_other_tenant)
    secret = await b.put(chave(Finalidade.RELATORIOS, "segredo.csv"), b"b;1", "text/csv")
    # A's key aimed at B's bucket: everything is refused by the server.
    cfg = a.settings
    intruder = ObjectStore(
        ObjectStoreSettings(cfg.endpoint, cfg.region, b.bucket, cfg.access_key_id, cfg.secret_access_key)
    )
    try:
        for call in (
            intruder.get(secret.key),
            intruder.list("relatorios/"),
            intruder.put("relatorios/x.csv", b"x", "text/csv"),
            intruder.delete(secret.key),
        ):
            with pytest.raises(ArmazenamentoIndisponivel):
                await call
        assert fetch(intruder.presigned_get_url(secret.key))[0] == 403
    finally:
        intruder.close()
    assert await b.get(secret.key) == b"b;1"
    assert await a.list("relatorios/") == []
