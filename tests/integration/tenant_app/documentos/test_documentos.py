"""Documentos through the API, the files in the tenant's own bucket on the real S3 server (versitygw).

Upload by raw body, type by content (415), size limit (413), versions never
overwritten, presigned downloads, SHA-256 in the audit trail, LGPD
anonymisation deleting personal documents (and saying so in the export),
and another tenant reaching none of it.
"""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
import uuid
from typing import Any

import pytest

from tenant_app.armazenamento import ObjectStore
from tenant_app.documentos.arquivos import LIMITE_BYTES
from tenant_app.erros import NaoEncontrado
from tenant_app.users.roles import Role
from tests.integration.tenant_app.factories import make_consorciado, make_running_grupo

pytestmark = pytest.mark.integration

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def _fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, b""


async def _upload(tenant: Any, body: bytes, role: Role = Role.OPERADOR, **params: str) -> Any:
    query = {"nome_arquivo": "arquivo.pdf", "categoria": "identidade", **params}
    return await tenant.client.post(
        "/api/documentos/",
        params=query,
        content=body,
        headers={**tenant.auth(role), "Content-Type": "application/octet-stream"},
    )


def _problem(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = dict(r.json())
    assert body["type"].endswith(f"/problemas/{code}"), body
    return body


async def test_upload_versions_download_and_audit(s3_tenant, _drop_s3_buckets) -> None:
    pessoa = await make_consorciado(s3_tenant)
    r = await _upload(s3_tenant, PDF, entidade_tipo="consorciado", entidade_id=pessoa["id"], titulo="RG")
    assert r.status_code == 201, r.text
    doc = r.json()
    assert (doc["versao_atual"], doc["titulo"], doc["consorciado_id"]) == (1, "RG", pessoa["id"])
    v1 = doc["versoes"][0]
    assert v1["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert (v1["tipo_conteudo"], v1["tamanho"]) == ("application/pdf", len(PDF))

    # A PNG sent as "foto.pdf" is a PNG: the type comes from the bytes, not the name.
    r = await s3_tenant.client.post(
        f"/api/documentos/{doc['id']}/versoes",
        params={"nome_arquivo": "foto.pdf"},
        content=PNG,
        headers={**s3_tenant.auth(Role.OPERADOR), "Content-Type": "application/pdf"},
    )
    assert r.status_code == 201, r.text
    doc = r.json()
    assert [v["numero"] for v in doc["versoes"]] == [1, 2]
    assert doc["versoes"][1]["tipo_conteudo"] == "image/png"

    # Both versions stay downloadable, each through a short-lived presigned URL.
    for numero, content in ((1, PDF), (2, PNG)):
        r = await s3_tenant.client.get(
            f"/api/documentos/{doc['id']}/download", params={"versao": numero}, headers=s3_tenant.auth()
        )
        assert r.status_code == 200, r.text
        link = r.json()
        assert link["numero"] == numero and link["sha256"] == hashlib.sha256(content).hexdigest()
        assert "X-Amz-Expires=300" in link["url"]
        assert _fetch(link["url"]) == (200, content)

    # The trail holds each version's SHA-256 (insert entries) and the downloads.
    r = await s3_tenant.client.get(
        "/api/auditoria/", params={"entidade": "documento_versoes", "limit": 100}, headers=s3_tenant.auth()
    )
    assert r.status_code == 200, r.text
    entries = r.json()["items"]
    inserted = {e["after"]["sha256"] for e in entries if e["action"] == "insert"}
    assert {hashlib.sha256(PDF).hexdigest(), hashlib.sha256(PNG).hexdigest()} <= inserted
    assert sum(1 for e in entries if e["action"] == "download") >= 2
    # The original file name may be personal data: the trail does not hold it in clear.
    assert all("arquivo.pdf" not in str(e["after"]) for e in entries)

    r = await s3_tenant.client.get(
        "/api/documentos/", params={"consorciado_id": pessoa["id"]}, headers=s3_tenant.auth(Role.AUDITOR)
    )
    assert r.status_code == 200 and r.json()["total"] == 1


async def test_cota_and_grupo_documents(s3_tenant) -> None:
    grupo, cotas = await make_running_grupo(s3_tenant, cotas=1)
    r = await _upload(s3_tenant, JPEG, entidade_tipo="cota", entidade_id=cotas[0]["id"], categoria="outro")
    assert r.status_code == 201, r.text
    assert r.json()["consorciado_id"] == cotas[0]["consorciado_id"]
    assert r.json()["versoes"][0]["tipo_conteudo"] == "image/jpeg"
    r = await _upload(s3_tenant, PDF, entidade_tipo="grupo", entidade_id=grupo["id"], categoria="regulamento")
    assert r.status_code == 201 and r.json()["consorciado_id"] is None
    # A personal category on a grupo, or a grupo's category on a person: 422.
    r = await _upload(s3_tenant, PDF, entidade_tipo="grupo", entidade_id=grupo["id"], categoria="identidade")
    assert _problem(r, 422, "regra_violada")["errors"][0]["campo"] == "categoria"
    r = await _upload(
        s3_tenant, PDF, entidade_tipo="cota", entidade_id=cotas[0]["id"], categoria="ata_assembleia"
    )
    _problem(r, 422, "regra_violada")


async def test_bad_uploads_get_problem_json(s3_tenant) -> None:
    pessoa = await make_consorciado(s3_tenant)
    alvo = {"entidade_tipo": "consorciado", "entidade_id": pessoa["id"]}
    # Content that is not PDF/PNG/JPEG, whatever the name: 415 in Portuguese.
    for body in (b"MZ\x90\x00 executavel", b"<html>nao</html>", b"GIF89a....", b""):
        body_json = _problem(await _upload(s3_tenant, body, **alvo), 415, "tipo_arquivo_nao_suportado")
        assert body_json["title"] == "Tipo de arquivo não suportado"
        assert body_json["errors"][0]["campo"] == "arquivo"
    # Above the limit: 413, nothing stored.
    grande = b"%PDF-" + b"0" * LIMITE_BYTES
    body_json = _problem(await _upload(s3_tenant, grande, **alvo), 413, "arquivo_grande_demais")
    assert "25 MB" in body_json["detail"]
    # Unknown entity, malformed parameters.
    _problem(
        await _upload(s3_tenant, PDF, entidade_tipo="cota", entidade_id=str(uuid.uuid4())),
        404,
        "nao_encontrado",
    )
    body_json = _problem(
        await _upload(s3_tenant, PDF, entidade_tipo="navio", entidade_id="x", categoria="foto"),
        400,
        "dados_invalidos",
    )
    assert {e["campo"] for e in body_json["errors"]} >= {"entidade_tipo"}
    # Read-only roles cannot upload.
    assert (await _upload(s3_tenant, PDF, role=Role.AUDITOR, **alvo)).status_code == 403
    r = await s3_tenant.client.get(
        "/api/documentos/", params={"consorciado_id": pessoa["id"]}, headers=s3_tenant.auth()
    )
    assert r.json()["total"] == 0


async def test_anonymisation_deletes_personal_documents_and_the_export_says_so(s3_tenant) -> None:
    _, cotas = await make_running_grupo(s3_tenant, cotas=1)
    pessoa_id = cotas[0]["consorciado_id"]
    alvo = {"entidade_tipo": "consorciado", "entidade_id": pessoa_id}
    rg = (await _upload(s3_tenant, PDF, **alvo)).json()
    renda = (await _upload(s3_tenant, PNG, categoria="comprovante_renda", **alvo)).json()
    contrato = (
        await _upload(
            s3_tenant, PDF, entidade_tipo="cota", entidade_id=cotas[0]["id"], categoria="contrato_adesao"
        )
    ).json()
    store: ObjectStore = s3_tenant.app.state.object_store
    keys = {
        doc["id"]: [o.key for o in await store.list(f"documentos/{doc['id']}/")]
        for doc in (rg, renda, contrato)
    }
    assert all(len(k) == 1 for k in keys.values())

    r = await s3_tenant.client.post(
        f"/api/consorciados/{pessoa_id}/anonimizacao",
        headers={**s3_tenant.auth(Role.GESTOR), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 200, r.text

    # The personal documents' files are gone from the bucket; the contract stays.
    for doc in (rg, renda):
        assert await store.list(f"documentos/{doc['id']}/") == []
        with pytest.raises(NaoEncontrado):
            await store.get(keys[doc["id"]][0])
        r = await s3_tenant.client.get(f"/api/documentos/{doc['id']}/download", headers=s3_tenant.auth())
        _problem(r, 409, "documento_apagado")
    assert await store.get(keys[contrato["id"]][0]) == PDF

    r = await s3_tenant.client.get(f"/api/consorciados/{pessoa_id}/exportacao", headers=s3_tenant.auth())
    assert r.status_code == 200, r.text
    docs = {d["id"]: d for d in r.json()["documentos"]}
    assert docs[rg["id"]]["apagado_em"] and "apagado" in docs[rg["id"]]["tratamento_na_anonimizacao"]
    assert docs[contrato["id"]]["apagado_em"] is None
    assert "mantido" in docs[contrato["id"]]["tratamento_na_anonimizacao"]
    # No new personal documents for an anonymised holder; no new versions of deleted ones.
    _problem(await _upload(s3_tenant, PDF, **alvo), 422, "titular_anonimizado")
    r = await s3_tenant.client.post(
        f"/api/documentos/{rg['id']}/versoes",
        params={"nome_arquivo": "x.pdf"},
        content=PDF,
        headers=s3_tenant.auth(Role.OPERADOR),
    )
    _problem(r, 409, "documento_apagado")


async def test_another_tenant_reaches_none_of_the_documents(s3_tenant, s3_other_tenant) -> None:
    pessoa = await make_consorciado(s3_tenant)
    doc = (await _upload(s3_tenant, PDF, entidade_tipo="consorciado", entidade_id=pessoa["id"])).json()
    for path in (f"/api/documentos/{doc['id']}", f"/api/documentos/{doc['id']}/download"):
        _problem(
            await s3_other_tenant.client.get(path, headers=s3_other_tenant.auth()), 404, "nao_encontrado"
        )
    r = await s3_other_tenant.client.post(
        f"/api/documentos/{doc['id']}/versoes",
        params={"nome_arquivo": "x.pdf"},
        content=PDF,
        headers=s3_other_tenant.auth(Role.OPERADOR),
    )
    _problem(r, 404, "nao_encontrado")
    # A token of tenant A is refused by tenant B's app.
    r = await s3_other_tenant.client.get("/api/documentos/", headers=s3_tenant.auth())
    assert r.status_code == 401
    # B's key reaches nothing of A's bucket, not even with A's key name.
    other: ObjectStore = s3_other_tenant.app.state.object_store
    assert await other.list("documentos/") == []
    mine: ObjectStore = s3_tenant.app.state.object_store
    assert len(await mine.list(f"documentos/{doc['id']}/")) == 1


async def test_a_tenant_without_storage_answers_503(tenant) -> None:
    pessoa = await make_consorciado(tenant)
    r = await _upload(tenant, PDF, entidade_tipo="consorciado", entidade_id=pessoa["id"])
    _problem(r, 503, "armazenamento_indisponivel")
