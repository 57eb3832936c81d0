"""The contrato de adesão through the API: versioned template, PDF stored as the cota's document
in the tenant's bucket (real S3 server), readable back with the grupo's numbers (pdftotext)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import urllib.request
from typing import Any

import asyncpg
import pytest

from tenant_app.users.roles import Role
from tests.integration.tenant_app.factories import make_running_grupo

pytestmark = pytest.mark.integration

MODELO = {
    "administradora_nome": "Consórcio Exemplo Administradora Ltda.",
    "administradora_cnpj": "11.222.333/0001-81",
    "administradora_endereco": "Av. Brasil, 500, Rio de Janeiro/RJ",
    "autorizacao_bcb": "Autorização BCB nº 99/2019",
    "foro": "Rio de Janeiro/RJ",
}


def _texto(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, check=True, capture_output=True).stdout
    return " ".join(out.decode().split())


def _baixar(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as resp:
        return bytes(resp.read())


async def _modelo(tenant: Any, **extra: Any) -> dict[str, Any]:
    r = await tenant.client.post(
        "/api/contratos/modelos", json={**MODELO, **extra}, headers=tenant.auth(Role.GESTOR)
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_contract_generated_stored_versioned_and_readable(s3_tenant, _drop_s3_buckets) -> None:
    grupo, cotas = await make_running_grupo(
        s3_tenant, cotas=2, valor_credito="73456.78", prazo_meses=48, taxa_administracao_pct="17.25"
    )
    v1 = await _modelo(s3_tenant)
    v2 = await _modelo(s3_tenant, clausulas_adicionais=[{"titulo": "Ouvidoria", "texto": "0800 000 0000."}])
    assert (v1["versao"] + 1, v2["administradora_cnpj"]) == (v2["versao"], "11222333000181")

    cota = cotas[0]
    r = await s3_tenant.client.post(
        f"/api/contratos/cotas/{cota['id']}", headers=s3_tenant.auth(Role.OPERADOR)
    )
    assert r.status_code == 201, r.text
    doc = r.json()
    assert (doc["categoria"], doc["entidade_tipo"], doc["entidade_id"]) == (
        "contrato_adesao",
        "cota",
        cota["id"],
    )
    assert doc["versoes"][0]["tipo_conteudo"] == "application/pdf"

    r = await s3_tenant.client.get(f"/api/documentos/{doc['id']}/download", headers=s3_tenant.auth())
    link = r.json()
    pdf = _baixar(link["url"])
    assert hashlib.sha256(pdf).hexdigest() == link["sha256"] == doc["versoes"][0]["sha256"]
    texto = _texto(pdf)
    for esperado in (
        grupo["codigo"],
        f"cota nº {cota['numero']}",
        "R$ 73.456,78",
        "48 meses",
        "17,25 %",
        f"Modelo versão {v2['versao']}",
        "Ouvidoria",
        "11.222.333/0001-81",
        "Autorização BCB nº 99/2019",
    ):
        assert esperado in texto, esperado
    # The first parcela printed is the cota's own parcela 1, to the centavo.
    r = await s3_tenant.client.get(f"/api/cotas/{cota['id']}/parcelas", headers=s3_tenant.auth())
    assert r.status_code == 200, r.text
    corpo = r.json()
    parcelas = corpo["items"] if isinstance(corpo, dict) else corpo
    total = next(p for p in parcelas if p["numero"] == 1)["valor_total"]
    inteiro, centavos = total.split(".")
    assert f"R$ {int(inteiro):,}".replace(",", ".") + f",{centavos}" in texto

    # Generating again is a new version, the first stays.
    r = await s3_tenant.client.post(
        f"/api/contratos/cotas/{cota['id']}", headers=s3_tenant.auth(Role.OPERADOR)
    )
    assert r.status_code == 201 and [v["numero"] for v in r.json()["versoes"]] == [1, 2]

    # documento.gerado went to the outbox in the same transaction, without personal data.
    conn = await asyncpg.connect(s3_tenant.env["DATABASE_URL"])
    try:
        filas = await conn.fetch(
            "select dados from eventos_outbox where tipo = 'documento.gerado' and chave = $1",
            f"documento:{doc['id']}",
        )
    finally:
        await conn.close()
    eventos = [json.loads(f["dados"]) for f in filas]
    assert len(eventos) == 2 and eventos[0]["consorciado_id"] == cota["consorciado_id"]
    assert "nome" not in eventos[0]


async def test_without_template_or_for_an_unknown_cota_problem_json(s3_other_tenant) -> None:
    _, cotas = await make_running_grupo(s3_other_tenant, cotas=1)
    r = await s3_other_tenant.client.post(
        f"/api/contratos/cotas/{cotas[0]['id']}", headers=s3_other_tenant.auth(Role.OPERADOR)
    )
    assert r.status_code == 422 and r.json()["type"].endswith("/modelo_contrato_ausente"), r.text
    r = await s3_other_tenant.client.post(
        "/api/contratos/modelos",
        json={**MODELO, "administradora_cnpj": "11.222.333/0001-00"},
        headers=s3_other_tenant.auth(Role.GESTOR),
    )
    assert r.status_code == 422 and r.json()["errors"][0]["campo"] == "administradora_cnpj", r.text
    r = await s3_other_tenant.client.post(
        "/api/contratos/modelos", json=MODELO, headers=s3_other_tenant.auth(Role.OPERADOR)
    )
    assert r.status_code == 403
