"""Relatórios end to end: the API queues, a real Celery worker (subprocess, the tenant's Redis ACL
user) generates from PostgreSQL into the tenant's bucket on the real S3 server, the API lists and
hands out presigned links; the figures reconcile to the centavo with ``/api/grupos/{id}/fundos``."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import urllib.request
import uuid
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from typing import Any

import openpyxl
import pytest

from tenant_app.users.roles import Role
from tests.integration.tenant_app.factories import make_running_grupo, pay

pytestmark = pytest.mark.integration

D = Decimal


@pytest.fixture(scope="module")
async def worker(s3_tenant) -> AsyncIterator[None]:
    """``python -m tenant_app worker`` with the tenant's environment (its S3 key included)."""
    log = tempfile.NamedTemporaryFile(prefix="relatorios-worker-", suffix=".log", delete=False)  # noqa: SIM115
    proc = subprocess.Popen(  # noqa: ASYNC220 - a background process
        [sys.executable, "-m", "tenant_app", "worker", "--no-beat"],
        env={**os.environ, **s3_tenant.env},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def _baixar(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=20) as resp:
        return bytes(resp.read())


async def _pedir(tenant: Any, tipo: str, formato: str, **parametros: Any) -> dict[str, Any]:
    r = await tenant.client.post(
        "/api/relatorios/",
        json={"tipo": tipo, "formato": formato, "parametros": parametros},
        headers=tenant.auth(Role.FINANCEIRO),
    )
    assert r.status_code == 202, r.text
    assert r.json()["status"] == "pendente"
    return dict(r.json())


async def _pronto(tenant: Any, rel: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    for _ in range(240):
        r = await tenant.client.get(f"/api/relatorios/{rel['id']}", headers=tenant.auth(Role.AUDITOR))
        corpo = r.json()
        if corpo["status"] in ("pronto", "falhou"):
            break
        await asyncio.sleep(0.5)
    assert corpo["status"] == "pronto", corpo
    assert corpo["progresso"] == 100 and corpo["sha256"]
    r = await tenant.client.get(f"/api/relatorios/{rel['id']}/download", headers=tenant.auth(Role.AUDITOR))
    assert r.status_code == 200, r.text
    conteudo = await asyncio.to_thread(_baixar, r.json()["url"])
    return corpo, conteudo


def _pdftotext(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def _csv(conteudo: bytes) -> list[list[str]]:
    assert conteudo.startswith(b"\xef\xbb\xbf")  # BOM for pt-BR spreadsheets
    return list(csv.reader(io.StringIO(conteudo.decode("utf-8-sig")), delimiter=";"))


def _br(texto: str) -> Decimal:
    return D(texto.replace(".", "").replace(",", "."))


async def _cenario(tenant: Any) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    grupo, cotas = await make_running_grupo(tenant, cotas=3, data_inicio="2025-01-15")
    # Two parcelas paid on time, one late (multa/juros), one partial payment.
    assert (await pay(tenant, cotas[0]["id"], "5875.00", "2025-02-10")).status_code == 201
    assert (await pay(tenant, cotas[1]["id"], "5875.00", "2025-02-10")).status_code == 201
    assert (await pay(tenant, cotas[1]["id"], "6000.00", "2025-03-25")).status_code == 201
    assert (await pay(tenant, cotas[2]["id"], "1234.56", "2025-02-10")).status_code == 201
    r = await tenant.client.get(f"/api/grupos/{grupo['id']}/fundos", headers=tenant.auth())
    assert r.status_code == 200 and r.json()["conciliado"] is True
    return grupo, cotas, r.json()


async def test_reports_are_generated_stored_and_reconcile_with_fundos(
    s3_tenant, worker, _drop_s3_buckets
) -> None:
    grupo, cotas, fundos = await _cenario(s3_tenant)

    # Posição dos grupos (CSV): the funds as /fundos has them, to the centavo.
    rel, conteudo = await _pronto(
        s3_tenant, await _pedir(s3_tenant, "posicao_grupos", "csv", grupo_id=grupo["id"])
    )
    linhas = _csv(conteudo)
    cab, dados = linhas[0], linhas[1]
    assert dados[0] == grupo["codigo"]
    assert _br(dados[cab.index("Saldo fundo comum")]) == D(fundos["saldo_fundo_comum"])
    assert _br(dados[cab.index("Saldo fundo de reserva")]) == D(fundos["saldo_fundo_reserva"])
    assert _br(dados[cab.index("Taxa de administração recebida")]) == D(fundos["taxa_administracao_recebida"])
    assert dados[cab.index("Cotas ativas")] == "3" and dados[cab.index("Conciliado")] == "sim"
    assert rel["nome_arquivo"].endswith(".csv") and rel["linhas"] == 1

    # Arrecadação (XLSX): the totals line equals what the allocations put in each fund.
    rel, conteudo = await _pronto(
        s3_tenant,
        await _pedir(
            s3_tenant, "arrecadacao", "xlsx", grupo_id=grupo["id"], desde="2025-01-01", ate="2025-12-31"
        ),
    )
    ws = openpyxl.load_workbook(io.BytesIO(conteudo), read_only=True).active
    tabela = [list(r) for r in ws.iter_rows(values_only=True)]
    cab, total = tabela[0], tabela[-1]
    assert "Total" in total and len(tabela) == 2 + 4  # header, 4 payments, totals
    col = {nome: i for i, nome in enumerate(cab)}
    assert D(str(total[col["Ao fundo comum (com encargos)"]])).quantize(D("0.01")) == D(
        fundos["alocado_fundo_comum"]
    )
    assert D(str(total[col["Fundo de reserva"]])).quantize(D("0.01")) == D(fundos["alocado_fundo_reserva"])
    assert D(str(total[col["Valor"]])).quantize(D("0.01")) == D("5875.00") * 2 + D("6000.00") + D("1234.56")
    assert total[col["Multa"]] > 0  # the late payment paid a multa

    # Extrato da cota (CSV): every parcela and every allocation of the cota's payments.
    cota = cotas[1]
    rel, conteudo = await _pronto(
        s3_tenant, await _pedir(s3_tenant, "extrato_cota", "csv", cota_id=cota["id"])
    )
    linhas = _csv(conteudo)
    cab, corpo = linhas[0], linhas[1:]
    parcelas = [x for x in corpo if x[cab.index("Lançamento")] == "Parcela"]
    pagos = [x for x in corpo if x[cab.index("Lançamento")].startswith("Pagamento")]
    assert len(parcelas) == 12 and {x[1] for x in corpo} == {str(cota["numero"])}
    assert sum(_br(x[cab.index("Total")]) for x in pagos) == D("11875.00")
    assert any(_br(x[cab.index("Multa")]) > 0 for x in pagos)

    # Inadimplência (PDF): readable, names the grupo.
    rel, conteudo = await _pronto(
        s3_tenant,
        await _pedir(s3_tenant, "inadimplencia", "pdf", grupo_id=grupo["id"], data_referencia="2025-06-01"),
    )
    texto = _pdftotext(conteudo)
    assert grupo["codigo"] in texto and "Inadimplência" in texto

    # Contemplações (CSV): none yet — the header and a zero totals line.
    _, conteudo = await _pronto(
        s3_tenant, await _pedir(s3_tenant, "contemplacoes", "csv", grupo_id=grupo["id"])
    )
    linhas = _csv(conteudo)
    assert len(linhas) == 2 and linhas[1][0] == "Total" and linhas[1][-1] == "0,00"

    # Doc 2080 (JSON): every segment of IN 525 art. 2º, our grupo with the funds of /fundos.
    mes = date.today().strftime("%Y-%m")
    rel, conteudo = await _pronto(s3_tenant, await _pedir(s3_tenant, "doc_2080", "json", mes=mes))
    doc = json.loads(conteudo)
    assert doc["documento"] == "2080" and doc["versao_estrutura"].startswith("doc2080-")
    assert [s["inciso"] for s in doc["segmentos"]] == ["I", "II", "III", "IV", "V", "VI"]
    for seg in doc["segmentos"]:
        assert set(seg) >= {
            "grupos_em_formacao",
            "grupos_em_andamento",
            "cotas_grupos_em_andamento",
            "recursos_nao_procurados_grupos_encerrados",
            "valores_a_receber_inadimplentes_grupos_encerrados",
        }
    nosso = next(g for g in doc["grupos"] if g["codigo"] == grupo["codigo"])
    assert nosso["situacao"] == "em_andamento" and nosso["segmento"] == "veiculos_leves"
    assert D(nosso["fundos"]["fundo_comum"]) == D(fundos["saldo_fundo_comum"])
    assert D(nosso["fundos"]["fundo_reserva"]) == D(fundos["saldo_fundo_reserva"])
    assert nosso["cotas"]["ativas"] == 3 and nosso["em_atraso"]["cotas"] >= 1

    # Listed, newest first; the files are in the tenant's bucket under relatorios/.
    r = await s3_tenant.client.get("/api/relatorios/", params={"status": "pronto"}, headers=s3_tenant.auth())
    assert r.json()["total"] >= 6 and r.json()["items"][0]["tipo"] == "doc_2080"
    objetos = await s3_tenant.app.state.object_store.list("relatorios/")
    assert any(o.key.endswith(f"{rel['id']}-{rel['nome_arquivo']}") for o in objetos)


async def test_bad_report_requests_get_problem_json(s3_tenant) -> None:
    async def pedir(corpo: Any) -> Any:
        return await s3_tenant.client.post(
            "/api/relatorios/", json=corpo, headers=s3_tenant.auth(Role.FINANCEIRO)
        )

    casos = [
        ({"tipo": "balanço", "formato": "csv"}, 400, "dados_invalidos"),
        ({"tipo": "arrecadacao", "formato": "docx"}, 400, "dados_invalidos"),
        ({"tipo": "arrecadacao", "formato": "csv", "parametros": {"desde": "ontem"}}, 400, "dados_invalidos"),
        ({"tipo": "arrecadacao", "formato": "csv", "parametros": {"xyz": 1}}, 400, "dados_invalidos"),
        ({"tipo": "arrecadacao", "formato": "csv"}, 422, "parametros_relatorio"),
        (
            {"tipo": "posicao_grupos", "formato": "csv", "parametros": {"mes": "2025-01"}},
            422,
            "parametros_relatorio",
        ),
        ({"tipo": "extrato_cota", "formato": "json"}, 422, "parametros_relatorio"),
        (
            {
                "tipo": "arrecadacao",
                "formato": "csv",
                "parametros": {"desde": "2025-02-01", "ate": "2025-01-01"},
            },
            422,
            "regra_violada",
        ),
        ({"tipo": "doc_2080", "formato": "json", "parametros": {"mes": "2025-13"}}, 400, "dados_invalidos"),
        ({"tipo": "doc_2080", "formato": "json", "parametros": {"mes": "2999-01"}}, 422, "regra_violada"),
        (
            {"tipo": "extrato_cota", "formato": "csv", "parametros": {"cota_id": str(uuid.uuid4())}},
            404,
            "nao_encontrado",
        ),
    ]
    for corpo, status, code in casos:
        r = await pedir(corpo)
        assert r.status_code == status, (corpo, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["type"].endswith(f"/problemas/{code}"), (corpo, r.json())
    r = await pedir({"tipo": "arrecadacao", "formato": "csv"})
    assert {e["campo"] for e in r.json()["errors"]} == {"parametros.desde", "parametros.ate"}
    # Nothing was queued for a refused request; a missing report is 404; download before ready is 409.
    r = await s3_tenant.client.get(f"/api/relatorios/{uuid.uuid4()}", headers=s3_tenant.auth())
    assert r.status_code == 404


async def test_another_tenant_reaches_none_of_the_reports(s3_tenant, s3_other_tenant, worker) -> None:
    rel, _ = await _pronto(s3_tenant, await _pedir(s3_tenant, "posicao_grupos", "csv"))
    for path in (f"/api/relatorios/{rel['id']}", f"/api/relatorios/{rel['id']}/download"):
        r = await s3_other_tenant.client.get(path, headers=s3_other_tenant.auth())
        assert r.status_code == 404, r.text
    r = await s3_other_tenant.client.get("/api/relatorios/", headers=s3_other_tenant.auth())
    assert all(item["id"] != rel["id"] for item in r.json()["items"])
    assert await s3_other_tenant.app.state.object_store.list("relatorios/") == []
    # The other tenant's key aimed at this tenant's object: refused by the S3 server.
    from tenant_app.armazenamento import ArmazenamentoIndisponivel, ObjectStore
    from tenant_app.settings import ObjectStoreSettings

    a, b = s3_tenant.app.state.object_store, s3_other_tenant.app.state.object_store
    intruso = ObjectStore(
        ObjectStoreSettings(
            b.settings.endpoint,
            b.settings.region,
            a.bucket,
            b.settings.access_key_id,
            b.settings.secret_access_key,
        )
    )
    chave = (await a.list("relatorios/"))[0].key
    try:
        with pytest.raises(ArmazenamentoIndisponivel):
            await intruso.get(chave)
    finally:
        intruso.close()
