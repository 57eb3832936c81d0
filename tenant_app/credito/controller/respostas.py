"""Shared pieces of the crédito routes: guards and the conversion of rows to answers."""

from __future__ import annotations

from typing import Any

from litestar.datastructures import State

from tenant_app.credito.consultas import Detalhe
from tenant_app.credito.models import BemIndicado, CartaCredito, PagamentoCredito, RemessaCredito
from tenant_app.credito.regras import cobertura, documentos_faltando, uso_do_credito
from tenant_app.credito.saidas import (
    BemOut,
    CartaDetalheOut,
    CartaOut,
    CoberturaOut,
    DocumentoOut,
    GarantiaOut,
    PagamentoCreditoOut,
    RemessaOut,
    TransicaoOut,
)
from tenant_app.http.schemas import to_schema
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission

#: Reading cartas: whoever reads cotas.
LER = [requires(Permission.COTAS_READ)]
#: Análise, guarantees, bem, closing: who runs the groups.
ANALISAR = [requires(Permission.ASSEMBLEIAS_WRITE)]
#: Money out, bank files, yield: the cash desk.
PAGAR = [requires(Permission.PAGAMENTOS_WRITE)]


def carta_out(carta: CartaCredito, cota_numero: int) -> CartaOut:
    """A carta as answered."""
    return to_schema(CartaOut, carta, cota_numero=cota_numero, saldo=carta.saldo)


def bem_out(bem: BemIndicado, carta: CartaCredito) -> BemOut:
    """The bem with how its price meets the crédito."""
    uso = uso_do_credito(bem.valor, carta.valor_carta + carta.rendimentos)
    return to_schema(
        BemOut,
        bem,
        ao_vendedor=uso.ao_vendedor,
        diferenca=uso.diferenca,
        pago_pelo_consorciado=uso.pago_pelo_consorciado,
    )


def pagamento_out(p: PagamentoCredito) -> PagamentoCreditoOut:
    return to_schema(PagamentoCreditoOut, p)


def detalhe_out(d: Detalhe) -> CartaDetalheOut:
    """The carta's whole file."""
    c = cobertura((g.valor for g in d.garantias), d.saldo_devedor)
    return CartaDetalheOut(
        carta=carta_out(d.carta, d.cota_numero),
        documentos=[to_schema(DocumentoOut, doc) for doc in d.documentos],
        documentos_faltando=documentos_faltando(doc.tipo for doc in d.documentos),
        garantias=[to_schema(GarantiaOut, g) for g in d.garantias],
        cobertura=to_schema(
            CoberturaOut,
            c,
            saldo_devedor=c.saldo_devedor,
            garantido=c.garantido,
            falta=c.falta,
            suficiente=c.suficiente,
        ),
        bem=None if d.bem is None else bem_out(d.bem, d.carta),
        pagamentos=[pagamento_out(p) for p in d.pagamentos],
        transicoes=[to_schema(TransicaoOut, t) for t in d.transicoes],
    )


def remessa_out(r: RemessaCredito, pagamentos: list[PagamentoCredito]) -> RemessaOut:
    return to_schema(
        RemessaOut,
        r,
        pagamentos=[p.id for p in pagamentos],
        arquivo=f"/api/creditos/remessas/{r.id}/arquivo",
    )


def celery_do_tenant(state: State) -> Any:
    """The tenant's Celery app, created on first use and shared through the app state."""
    app = state.get("celery")
    if app is None:
        from tenant_app.worker import create_celery

        app = create_celery(state.settings)
        state.celery = app
    return app
