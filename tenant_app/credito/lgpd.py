"""The crédito's part of a consorciado's LGPD anonymisation (art. 18 IV) and export (art. 18 V).

The payouts and guarantees of the titular's cartas keep other people's personal data: the
favorecido of each payout (the seller, or the titular himself) with CPF/CNPJ, bank account and
PIX key; the seller of the bem; a fiador's name, CPF and income. Anonymisation clears them and
keeps what the accounts need: ids, amounts, status, dates (the ledger and the cartas still
reconcile). An alienação fiduciária's registration stays: it is the group's guarantee over the bem
while the saldo devedor is owed (LGPD art. 7 VI and art. 16 I). The CNAB files already sent to the
bank are kept as the bank received them (payment records the administradora must keep, art. 16 I).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from tenant_app.cotas.models import Cota
from tenant_app.credito.models import BemIndicado, CartaCredito, Garantia, PagamentoCredito
from tenant_app.credito.tipos import StatusPagamentoCredito, TipoGarantia
from tenant_app.erros import ConflitoError
from tenant_app.unit_of_work import UnitOfWork

ANONIMIZADO = "Anonimizado"
#: A payout waiting for the bank still needs its account: anonymise after it is settled.
EM_ANDAMENTO = (StatusPagamentoCredito.PENDENTE, StatusPagamentoCredito.EM_REMESSA)
APAGADO = "apagado na anonimização (LGPD art. 18 IV); valores e ids mantidos"
MANTIDO_GARANTIA = (
    "mantido: garantia do grupo sobre o bem enquanto houver saldo devedor (LGPD art. 7 VI e art. 16 I)"
)


async def _cartas(uow: UnitOfWork, consorciado_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await uow.session.execute(
        select(CartaCredito.id)
        .join(Cota, Cota.id == CartaCredito.cota_id)
        .where(Cota.consorciado_id == consorciado_id)
    )
    return list(rows.scalars())


async def anonimizar(uow: UnitOfWork, consorciado_id: uuid.UUID) -> None:
    """Clear the favorecidos', sellers' and fiadores' personal data of the titular's cartas (caller commits).

    Refused (409) while a payout of his cartas waits for the bank: its file needs the account.
    """
    cartas = await _cartas(uow, consorciado_id)
    if not cartas:
        return
    pagamentos = list(
        (
            await uow.session.execute(select(PagamentoCredito).where(PagamentoCredito.carta_id.in_(cartas)))
        ).scalars()
    )
    if any(p.status in EM_ANDAMENTO for p in pagamentos):
        raise ConflitoError(
            "Há pagamento do crédito aguardando o banco (pendente ou em remessa): anonimize depois que ele "
            "for efetivado ou rejeitado."
        )
    for p in pagamentos:
        uow.track(p)
        p.favorecido_nome = ANONIMIZADO
        p.favorecido_documento = ""
        p.banco = p.agencia = p.dv_agencia = p.conta = p.dv_conta = None
        p.tipo_chave_pix = p.chave_pix = None
    for bem in (
        await uow.session.execute(select(BemIndicado).where(BemIndicado.carta_id.in_(cartas)))
    ).scalars():
        uow.track(bem)
        bem.vendedor_nome = ANONIMIZADO
        bem.vendedor_documento = ""
    garantias = select(Garantia).where(Garantia.carta_id.in_(cartas), Garantia.tipo == TipoGarantia.FIADOR)
    for garantia in (await uow.session.execute(garantias)).scalars():
        uow.track(garantia)
        garantia.descricao = f"Fiador ({ANONIMIZADO.lower()})"
        garantia.registro = {}


async def resumo_para_exportacao(uow: UnitOfWork, consorciado_id: uuid.UUID) -> list[dict[str, Any]]:
    """The titular's cartas for the LGPD export: payouts, guarantees, what anonymisation does to each."""
    cartas = await _cartas(uow, consorciado_id)
    if not cartas:
        return []
    session = uow.session
    pagamentos = (
        await session.execute(
            select(PagamentoCredito)
            .where(PagamentoCredito.carta_id.in_(cartas))
            .order_by(PagamentoCredito.solicitado_em)
        )
    ).scalars()
    garantias = (await session.execute(select(Garantia).where(Garantia.carta_id.in_(cartas)))).scalars()
    bens = {
        b.carta_id: b
        for b in (
            await session.execute(select(BemIndicado).where(BemIndicado.carta_id.in_(cartas)))
        ).scalars()
    }
    out: dict[uuid.UUID, dict[str, Any]] = {
        c: {"carta_id": str(c), "bem": None, "pagamentos": [], "garantias": []} for c in cartas
    }
    for carta_id, bem in bens.items():
        out[carta_id]["bem"] = {
            "valor": str(bem.valor),
            "vendedor_nome": bem.vendedor_nome,
            "vendedor_documento": bem.vendedor_documento,
            "tratamento_na_anonimizacao": APAGADO,
        }
    for p in pagamentos:
        out[p.carta_id]["pagamentos"].append(
            {
                "id": str(p.id),
                "destino": p.destino.value,
                "valor": str(p.valor),
                "status": p.status.value,
                "favorecido_nome": p.favorecido_nome,
                "favorecido_documento": p.favorecido_documento,
                "conta": {"banco": p.banco, "agencia": p.agencia, "conta": p.conta, "dv_conta": p.dv_conta},
                "chave_pix": p.chave_pix,
                "tratamento_na_anonimizacao": APAGADO,
            }
        )
    for g in garantias:
        out[g.carta_id]["garantias"].append(
            {
                "id": str(g.id),
                "tipo": g.tipo.value,
                "valor": str(g.valor),
                "descricao": g.descricao,
                "registro": g.registro,
                "tratamento_na_anonimizacao": APAGADO if g.tipo == TipoGarantia.FIADOR else MANTIDO_GARANTIA,
            }
        )
    return list(out.values())
