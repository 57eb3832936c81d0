"""A contemplated cota's crédito end to end over HTTP, on real PostgreSQL, Redis and the tenant's Celery
worker: the carta born with the apuração, its yield shared by the daily routine on the worker, the
análise with documents, guarantees that must cover the saldo devedor, the bem and its seller, payouts in
CNAB 240 pagamentos files, the bank's retorno (a stand-in for the bank, see banco.py) confirming and
rejecting, the difference amortising parcelas, and the encerramento — with the ledger reconciled."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tenant_app.credito.models import CartaCredito
from tenant_app.eventos.models import EventoOutbox
from tenant_app.ledger.models import Fundo, LancamentoFundo
from tenant_app.ledger.service import reconcile
from tenant_app.worker import create_celery
from tests.support.tenant_app_fixtures import Tenant

from .banco import retorno_do_banco, seus_numeros
from .conftest import (
    CNPJ_VENDEDOR,
    CONTA_PAGADORA,
    HOJE,
    assert_problem,
    chave,
    contemplar,
    mover_contemplacao,
    registrar_rendimento,
    semear_grupo,
    tenant_worker,
    unidade,
)

pytestmark = pytest.mark.integration

TED_VENDEDOR = {
    "nome": "Auto Loja Ltda",
    "documento": "11.222.333/0001-81",
    "banco": "341",
    "agencia": "1234",
    "dv_agencia": "0",
    "conta": "56789",
    "dv_conta": "1",
}
PIX_VENDEDOR = {
    "nome": "Auto Loja Ltda",
    "documento": CNPJ_VENDEDOR,
    "tipo_chave_pix": "cpf_cnpj",
    "chave_pix": CNPJ_VENDEDOR,
}


async def test_contemplada_ate_encerramento(tenant_fluxo: Tenant, tmp_path: Path) -> None:
    tenant = tenant_fluxo
    c, h = tenant.client, tenant.auth()
    # 10 parcelas of 2,340, 2 paid: the cota owes 18,720 after the contemplação.
    grupo = await semear_grupo(tenant, parcelas=10, pagas=2)
    await contemplar(tenant, grupo, 3)

    r = await c.get(f"/api/cotas/{grupo.cotas[3]}/credito", headers=h)
    assert r.status_code == 200, r.text
    ficha = r.json()
    carta = ficha["carta"]
    carta_id = carta["id"]
    assert carta["status"] == "disponivel" and carta["valor_carta"] == "100000.00"
    assert carta["disponivel_em"] is not None
    assert ficha["documentos_faltando"] == ["identidade", "renda", "residencia"]
    assert ficha["cobertura"] == {
        "saldo_devedor": "18720.00",
        "garantido": "0.00",
        "falta": "18720.00",
        "suficiente": False,
    }
    assert [t["para"] for t in ficha["transicoes"]] == ["disponivel"]
    listed = await c.get(f"/api/grupos/{grupo.grupo_id}/creditos", headers=h)
    assert [x["id"] for x in listed.json()] == [carta_id]

    # The yield (Lei 11.795 art. 24 §1): 30 days with 100,000 of an invested base of 600,000 → 3/18 of 3,000.
    await mover_contemplacao(tenant, carta_id, 30)
    await registrar_rendimento(
        tenant,
        grupo.grupo_id,
        HOJE - timedelta(days=30),
        HOJE - timedelta(days=1),
        Decimal("3000.00"),
        Decimal("600000.00"),
    )
    base = f"/api/creditos/{carta_id}"
    # The tenant's real Celery worker runs the daily routine, which shares the recorded yield.
    async with tenant_worker(tenant, tmp_path) as worker:
        create_celery(tenant.settings).send_task("credito.converter_em_especie", args=[HOJE.isoformat()])
        for _ in range(240):
            carta = (await c.get(base, headers=h)).json()["carta"]
            if carta["rendimentos"] != "0.00":
                break
            await asyncio.sleep(0.25)
        else:
            raise AssertionError("the worker did not share the yield:\n" + worker.log_tail())
    assert (carta["rendimentos"], carta["saldo"], carta["status"]) == ("500.00", "100500.00", "disponivel")
    # A period is shared once: the route finds nothing left to share.
    again = await c.post(f"/api/grupos/{grupo.grupo_id}/creditos/rendimentos", headers={**h, **chave()})
    assert again.status_code == 200 and again.json() == {"periodos": 0, "total_cartas": "0.00"}

    # Money needs Idempotency-Key: 428 without it.
    assert_problem(await c.post(f"{base}/analise", json={"motivo": "Pedido do consorciado"}, headers=h), 428)
    r = await c.post(f"{base}/analise", json={"motivo": "Pedido do consorciado"}, headers={**h, **chave()})
    assert r.status_code == 200 and r.json()["carta"]["status"] == "em_analise", r.text
    # Approving before the documents: the rule is named.
    problem = assert_problem(
        await c.post(
            f"{base}/decisao", json={"aprovada": True, "motivo": "Aprovar"}, headers={**h, **chave()}
        ),
        422,
        "documentos_faltando",
    )
    assert "identidade" in problem["detail"]
    # A reference that is an id must be a document of this consorciado in the documents plane.
    assert_problem(
        await c.post(
            f"{base}/documentos",
            json={"tipo": "renda", "referencia": str(uuid.uuid4())},
            headers={**h, **chave()},
        ),
        422,
        "documento_da_analise_invalido",
    )
    for tipo in ("identidade", "renda", "residencia"):
        r = await c.post(
            f"{base}/documentos", json={"tipo": tipo, "referencia": f"doc-{tipo}"}, headers={**h, **chave()}
        )
        assert r.status_code == 200, r.text
    r = await c.post(
        f"{base}/decisao", json={"aprovada": True, "motivo": "Renda compatível"}, headers={**h, **chave()}
    )
    assert r.json()["carta"]["status"] == "aprovada", r.text
    # A second decision is a state conflict.
    assert_problem(
        await c.post(
            f"{base}/decisao", json={"aprovada": False, "motivo": "x" * 5}, headers={**h, **chave()}
        ),
        409,
        "transicao_invalida",
    )

    # The bem: an invalid CNPJ, then a cheaper bem without saying where the difference goes.
    bem = {
        "tipo": "veiculo",
        "descricao": "Automóvel 0 km",
        "valor": "90000.00",
        "documento_fiscal": "NF 123",
        "vendedor_nome": "Auto Loja Ltda",
        "vendedor_documento": "11.222.333/0001-82",
    }
    assert_problem(await c.post(f"{base}/bem", json=bem, headers={**h, **chave()}), 422, "documento_invalido")
    bem["vendedor_documento"] = "11.222.333/0001-81"
    assert_problem(
        await c.post(f"{base}/bem", json=bem, headers={**h, **chave()}), 422, "destino_diferenca_obrigatorio"
    )
    r = await c.post(
        f"{base}/bem", json={**bem, "destino_diferenca": "amortizacao"}, headers={**h, **chave()}
    )
    assert r.status_code == 200, r.text
    ficha = r.json()
    assert ficha["carta"]["status"] == "bem_indicado"
    assert (ficha["bem"]["ao_vendedor"], ficha["bem"]["diferenca"]) == ("90000.00", "10500.00")

    pagar = {"destino": "bem", "valor": "60000.00", "forma": "ted", "favorecido": TED_VENDEDOR}
    # Guarantees (Lei 11.795 art. 14): first on the bem itself, then covering the saldo devedor.
    assert_problem(
        await c.post(f"{base}/pagamentos", json=pagar, headers={**h, **chave()}), 422, "garantia_sobre_o_bem"
    )
    veiculo = {
        "tipo": "alienacao_fiduciaria_veiculo",
        "valor": "10000.00",
        "descricao": "O automóvel",
        "registro": {"renavam": "12345678901", "chassi": "9BWZZZ377VT004251", "placa": "ABC1D23"},
    }
    bad = assert_problem(
        await c.post(
            f"{base}/garantias",
            json={**veiculo, "registro": {"renavam": "1", "chassi": "x"}},
            headers={**h, **chave()},
        ),
        422,
    )
    assert {e["campo"] for e in bad["errors"]} == {"registro.renavam", "registro.chassi"}
    assert (await c.post(f"{base}/garantias", json=veiculo, headers={**h, **chave()})).status_code == 200
    problem = assert_problem(
        await c.post(f"{base}/pagamentos", json=pagar, headers={**h, **chave()}), 422, "garantia_insuficiente"
    )
    assert "8.720,00" in problem["detail"]
    fiador = {
        "tipo": "fiador",
        "valor": "9000.00",
        "descricao": "Fiador",
        "registro": {"nome": "Maria", "cpf": "529.982.247-25"},
    }
    r = await c.post(f"{base}/garantias", json=fiador, headers={**h, **chave()})
    assert r.json()["cobertura"]["suficiente"] is True, r.text

    # The seller gets the bem's price, not more; the favorecido must be the seller; the difference's
    # destination was chosen with the bem.
    assert_problem(
        await c.post(f"{base}/pagamentos", json={**pagar, "valor": "90000.01"}, headers={**h, **chave()}),
        422,
        "valor_acima_do_bem",
    )
    other = {**TED_VENDEDOR, "documento": "529.982.247-25"}
    assert_problem(
        await c.post(f"{base}/pagamentos", json={**pagar, "favorecido": other}, headers={**h, **chave()}),
        422,
        "favorecido_nao_e_o_vendedor",
    )
    assert_problem(
        await c.post(
            f"{base}/pagamentos",
            json={**pagar, "destino": "despesas", "valor": "100.00"},
            headers={**h, **chave()},
        ),
        422,
        "destino_invalido",
    )
    key = chave()
    r = await c.post(f"{base}/pagamentos", json=pagar, headers={**h, **key})
    assert r.status_code == 201, r.text
    ted_id = r.json()["id"]
    replay = await c.post(f"{base}/pagamentos", json=pagar, headers={**h, **key})
    assert replay.headers["Idempotent-Replayed"] == "true" and replay.json()["id"] == ted_id
    pix = {"destino": "bem", "valor": "30000.00", "forma": "pix", "favorecido": PIX_VENDEDOR}
    r = await c.post(f"{base}/pagamentos", json=pix, headers={**h, **chave()})
    assert r.status_code == 201, r.text
    # Both orders reserve the bem's whole price: nothing more for the seller.
    assert_problem(
        await c.post(f"{base}/pagamentos", json={**pix, "valor": "0.01"}, headers={**h, **chave()}),
        422,
        "valor_acima_do_bem",
    )

    # The bank files: one per forma.
    arquivos = {}
    for forma in ("ted", "pix"):
        r = await c.post(
            f"/api/grupos/{grupo.grupo_id}/creditos/remessas",
            json={"forma": forma, "conta": CONTA_PAGADORA},
            headers={**h, **chave()},
        )
        assert r.status_code == 201, r.text
        arq = await c.get(r.json()["arquivo"], headers=h)
        assert arq.status_code == 200
        arquivos[forma] = arq.text
        linhas = arq.text.split("\r\n")[:-1]
        # Header, lote header, A + B, lote trailer (4 records, the sum), file trailer (6 records).
        assert all(len(x) == 240 for x in linhas) and len(linhas) == 6 and linhas[-1][23:29] == "000006"
        assert linhas[4][17:23] == "000004"
    assert linhas[4][23:41] == "3000000".rjust(18, "0")  # the PIX lote's sum: 30,000.00
    assert_problem(
        await c.post(
            f"/api/grupos/{grupo.grupo_id}/creditos/remessas",
            json={"forma": "ted", "conta": CONTA_PAGADORA},
            headers={**h, **chave()},
        ),
        422,
        "sem_pagamentos_pendentes",
    )

    # Retorno: the TED paid, the PIX rejected (ocorrência "PA", e.g. the key not found).
    [seu_ted] = seus_numeros(arquivos["ted"])
    [seu_pix] = seus_numeros(arquivos["pix"])
    retorno_ted = retorno_do_banco(arquivos["ted"], {seu_ted: "00"}, HOJE)
    r = await c.post("/api/creditos/retornos", json={"conteudo": retorno_ted}, headers={**h, **chave()})
    assert r.status_code == 200, r.text
    assert (r.json()["efetivados"], r.json()["itens"][0]["situacao"]) == (1, "efetivado")
    # The same file again (another key): the same answer, nothing paid twice.
    r2 = await c.post("/api/creditos/retornos", json={"conteudo": retorno_ted}, headers={**h, **chave()})
    assert r2.json() == r.json()
    r = await c.post(
        "/api/creditos/retornos",
        json={"conteudo": retorno_do_banco(arquivos["pix"], {seu_pix: "PA"}, HOJE)},
        headers={**h, **chave()},
    )
    assert r.json()["rejeitados"] == 1, r.text
    carta = (await c.get(base, headers=h)).json()
    assert carta["carta"]["status"] == "paga_parcialmente"
    assert (carta["carta"]["valor_pago"], carta["carta"]["valor_reservado"]) == ("60000.00", "0.00")
    assert {p["id"]: p["status"] for p in carta["pagamentos"]}[ted_id] == "efetivado"
    # A bad file: 422 naming the line.
    assert_problem(
        await c.post(
            "/api/creditos/retornos", json={"conteudo": retorno_ted[:-3] + "\r\n"}, headers={**h, **chave()}
        ),
        422,
        "retorno_invalido",
    )

    # The rejected PIX ordered again (the reservation was released) and paid.
    r = await c.post(f"{base}/pagamentos", json=pix, headers={**h, **chave()})
    assert r.status_code == 201, r.text
    r = await c.post(
        f"/api/grupos/{grupo.grupo_id}/creditos/remessas",
        json={"forma": "pix", "conta": CONTA_PAGADORA},
        headers={**h, **chave()},
    )
    arquivo = (await c.get(r.json()["arquivo"], headers=h)).text
    [seu] = seus_numeros(arquivo)
    r = await c.post(
        "/api/creditos/retornos",
        json={"conteudo": retorno_do_banco(arquivo, {seu: "00"}, HOJE)},
        headers={**h, **chave()},
    )
    assert r.json()["efetivados"] == 1

    # The difference (10,000 + 500 of yield) pays the cota's parcelas through the one money path.
    assert_problem(
        await c.post(f"{base}/amortizacao", json={"valor": "10500.01"}, headers={**h, **chave()}),
        422,
        "valor_acima_do_credito",
    )
    r = await c.post(f"{base}/amortizacao", json={"valor": "10500.00"}, headers={**h, **chave()})
    assert r.status_code == 201, r.text
    pagamento_cota = r.json()["pagamento_id"]
    # Nobody types a payment "from the crédito" in: only this route, which debits the carta.
    typed = await c.post(
        f"/api/cotas/{grupo.cotas[3]}/pagamentos",
        json={"valor": "100.00", "forma": "credito"},
        headers={**h, **chave()},
    )
    assert typed.status_code == 422 and typed.json()["errors"][0]["campo"] == "forma", typed.text
    pago = (await c.get(f"/api/pagamentos/{pagamento_cota}", headers=h)).json()
    assert (pago["forma"], pago["valor"], pago["cota_id"]) == ("credito", "10500.00", str(grupo.cotas[3]))
    carta = (await c.get(base, headers=h)).json()["carta"]
    assert (carta["status"], carta["saldo"]) == ("paga", "0.00")
    r = await c.post(
        f"{base}/encerramento",
        json={"motivo": "Bem entregue e garantias registradas"},
        headers={**h, **chave()},
    )
    assert r.status_code == 200, r.text
    ficha = r.json()
    assert ficha["carta"]["status"] == "encerrada" and ficha["carta"]["encerrada_em"]
    assert [t["para"] for t in ficha["transicoes"]] == [
        "disponivel",
        "em_analise",
        "aprovada",
        "bem_indicado",
        "paga_parcialmente",
        "paga",
        "encerrada",
    ]
    assert all(t["motivo"] for t in ficha["transicoes"])

    conciliacao = (await c.get(f"/api/grupos/{grupo.grupo_id}/creditos/conciliacao", headers=h)).json()
    assert conciliacao["conciliado"] is True and conciliacao["total_no_razao"] == "0.00", conciliacao
    # Ledger: the carta's money in CREDITOS_A_PAGAR is its saldo; the group's funds reconcile.
    uow, engine = await unidade(tenant)
    try:
        s = uow.session
        no_razao = await s.scalar(
            select(func.sum(LancamentoFundo.valor)).where(
                LancamentoFundo.fundo == Fundo.CREDITOS_A_PAGAR,
                LancamentoFundo.referencia_id == uuid.UUID(carta_id),
            )
        )
        row = await s.get(CartaCredito, uuid.UUID(carta_id))
        assert row is not None and no_razao == row.saldo == Decimal("0.00")
        assert (await reconcile(s, grupo.grupo_id))["conciliado"] is True
        # Each status change was published as a domain event (ids only), in order.
        eventos = (
            await s.scalars(
                select(EventoOutbox)
                .where(
                    EventoOutbox.tipo == "credito.status_alterado",
                    EventoOutbox.dados["carta_id"].astext == carta_id,
                )
                .order_by(EventoOutbox.seq)
            )
        ).all()
        assert [e.dados["para"] for e in eventos] == [
            "disponivel",
            "em_analise",
            "aprovada",
            "bem_indicado",
            "paga_parcialmente",
            "paga",
            "encerrada",
        ]
    finally:
        await uow.close()
        await engine.dispose()  # type: ignore[attr-defined]
