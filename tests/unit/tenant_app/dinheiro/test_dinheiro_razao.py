"""The ledger balances to the centavo over random payments, estornos, lances, an exclusion with its
restitution and the group's closing (issue 12, done-when).

Pure: the allocations (``dinheiro``), the one writer of parcelas (``pagamento_parcela``) and the
ledger rule (``pagamentos.lancamentos``) with a random split of multa/juros; after every step the
money in the ledger equals what the parcelas record as paid plus the late charges received.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tenant_app.dinheiro.alocacao import COMPONENTES, Alocacao, alocar
from tenant_app.dinheiro.amortizacao import (
    AmortizacaoLance,
    Reprogramacao,
    alocar_lance,
    reprogramar_quitadas,
)
from tenant_app.dinheiro.centavos import ZERO
from tenant_app.dinheiro.encargos import repartir_encargos
from tenant_app.dinheiro.percentuais import percentual_pago
from tenant_app.encerramento.calculo import CotaNoEncerramento, DestinoValor, SaldoInsuficiente, encerrar
from tenant_app.ledger.models import Fundo
from tenant_app.pagamentos.lancamentos import lancamentos_do_estorno, lancamentos_do_pagamento
from tenant_app.pagamentos.models import FormaPagamento
from tenant_app.parcelas.models import Parcela, StatusParcela
from tenant_app.parcelas.pagamento_parcela import aplicar, estado, estornar, reprogramar

pytestmark = pytest.mark.unit

INICIO = date(2026, 1, 10)


@dataclass(frozen=True)
class Guardada:
    fundo_comum: Decimal
    fundo_reserva: Decimal
    taxa_administracao: Decimal
    seguro: Decimal
    multa: Decimal
    juros: Decimal
    encargos_administradora: Decimal


def _parcela(numero: int) -> Parcela:
    # 100.00 = fundo comum 88 + reserva 2 + taxa 9 + seguro 1, monthly from 10/01/2026.
    return Parcela(
        id=uuid.uuid4(),
        cota_id=uuid.uuid4(),
        grupo_id=uuid.uuid4(),
        numero=numero,
        vencimento=INICIO + timedelta(days=30 * (numero - 1)),
        valor_fundo_comum=Decimal("88.00"),
        valor_fundo_reserva=Decimal("2.00"),
        valor_taxa_administracao=Decimal("9.00"),
        valor_seguro=Decimal("1.00"),
        valor_total=Decimal("100.00"),
        **{f"pago_{c}": Decimal("0.00") for c in (*COMPONENTES, "multa", "juros")},
        juros_pendentes=Decimal("0.00"),
        juros_calculados_ate=None,
        pago_ate_vencimento=Decimal("0.00"),
        status=StatusParcela.ABERTA,
        paga_em=None,
    )


def _guardar(a: Alocacao, pct: Decimal) -> Guardada:
    return Guardada(
        **{c: a.componentes[c] for c in COMPONENTES},
        multa=a.multa,
        juros=a.juros,
        encargos_administradora=repartir_encargos(a.multa, a.juros, pct).administradora,
    )


@given(
    passos=st.lists(
        st.one_of(
            st.tuples(st.just("pagar"), st.integers(1, 40_000), st.integers(0, 60)),
            st.tuples(st.just("estornar"), st.integers(0, 20), st.just(0)),
            st.tuples(st.just("lance"), st.integers(1, 60_000), st.integers(0, 5)),
        ),
        max_size=12,
    ),
    pct=st.integers(0, 100),
    fim=st.tuples(st.booleans(), st.integers(0, 500_000), st.integers(0, 20), st.booleans(), st.booleans()),
)
@settings(max_examples=200, deadline=None)
def test_ledger_equals_parcelas_after_any_sequence(
    passos: list[tuple[str, int, int]], pct: int, fim: tuple[bool, int, int, bool, bool]
) -> None:
    encargos_pct = Decimal(pct)
    parcelas = {p.id: p for p in (_parcela(n) for n in range(1, 9))}
    razao = {f: ZERO for f in Fundo}
    # Each confirmed pagamento: its stored allocations, its date, forma and term change (lance).
    feitos: list[tuple[FormaPagamento, list[Guardada], list[Alocacao], date, list[Reprogramacao]]] = []

    def conferir() -> None:
        # After every step: the ledger holds exactly what the parcelas record (lances' carta
        # movements net to zero in the fundo comum), charges split as the contract says.
        ps = list(parcelas.values())
        encargos_adm = sum((g.encargos_administradora for _, gs, _, _, _ in feitos for g in gs), ZERO)
        lance_fc = sum(
            (g.fundo_comum for f, gs, _, _, _ in feitos if f is FormaPagamento.LANCE for g in gs), ZERO
        )
        pago = {c: sum((getattr(p, f"pago_{c}") for p in ps), ZERO) for c in COMPONENTES}
        encargos = sum((p.pago_multa + p.pago_juros for p in ps), ZERO)
        assert razao[Fundo.FUNDO_COMUM] == pago["fundo_comum"] - lance_fc + encargos - encargos_adm
        assert razao[Fundo.FUNDO_RESERVA] == pago["fundo_reserva"]
        assert razao[Fundo.TAXA_ADMINISTRACAO] == pago["taxa_administracao"] + encargos_adm
        assert razao[Fundo.SEGURO] == pago["seguro"]
        # The schedule's total never changes (a lance only moves taxa/reserva/seguro between parcelas).
        assert sum((p.valor_total for p in ps), ZERO) == Decimal("800.00")
        assert all(p.status is not StatusParcela.PAGA or p.saldo == 0 for p in ps)

    dia = INICIO
    for acao, valor, extra in passos:
        if acao == "estornar":
            if not feitos:
                continue
            i = valor % len(feitos)
            forma, guardadas, alocacoes, quando, desfazer = feitos[i]
            possivel = all(
                getattr(parcelas[rp.parcela_id], f"valor_{c}") - v
                >= getattr(parcelas[rp.parcela_id], f"pago_{c}")
                for rp in desfazer
                for c, v in rp.variacao.items()
            )
            if not possivel:
                # The service refuses it (ConflitoError, nothing changes): a later payment or
                # lance used the amounts this lance moved.
                continue
            feitos.pop(i)
            for rp in desfazer:
                reprogramar(parcelas[rp.parcela_id], {c: -v for c, v in rp.variacao.items()}, None)
            for a, g in zip(alocacoes, guardadas, strict=True):
                estornar(parcelas[a.parcela_id], g, quando)
            for _, entradas in lancamentos_do_estorno(forma, guardadas):
                for fundo, v in entradas:
                    razao[fundo] += v
            conferir()
            continue
        dia = dia + timedelta(days=extra * 7 if acao == "pagar" else 0)
        abertas = [estado(p) for p in parcelas.values() if p.status is not StatusParcela.PAGA]
        if not abertas:
            continue
        reprog: list[Reprogramacao] = []
        if acao == "pagar":
            r = alocar(Decimal(valor).scaleb(-2), abertas, dia, Decimal("2"), Decimal("1"))
            alocacoes, forma = r.alocacoes, FormaPagamento.PIX
        else:
            futuras = [e for e in abertas if e.vencimento > dia]
            fc = sum((e.devido["fundo_comum"] for e in futuras), ZERO)
            v = min(Decimal(valor).scaleb(-2), fc)
            if v <= 0:
                continue
            alocacoes = alocar_lance(v, futuras, dia, extra, AmortizacaoLance.REDUZIR_PRAZO)
            reprog = reprogramar_quitadas(futuras, alocacoes, dia, extra, AmortizacaoLance.REDUZIR_PRAZO)
            forma = FormaPagamento.LANCE
        for a in alocacoes:
            aplicar(parcelas[a.parcela_id], a, dia)
        for rp in reprog:
            reprogramar(parcelas[rp.parcela_id], rp.variacao, dia)
        guardadas = [_guardar(a, encargos_pct) for a in alocacoes]
        for _, entradas in lancamentos_do_pagamento(forma, guardadas):
            for fundo, v in entradas:
                razao[fundo] += v
        feitos.append((forma, guardadas, alocacoes, dia, reprog))

        conferir()

    # The end: the cota leaves (excluded, unless a lance contemplated it) or stays; the rest of the
    # group paid ``outros`` centavos into the fundo comum (and 2 % of it into the reserva); the group
    # closes. Every centavo of both funds leaves the ledger, to someone or as não procurado.
    sai, outros_centavos, penal, conta, outra_conta = fim
    contemplada = any(f is FormaPagamento.LANCE for f, *_ in feitos)
    excluida = sai and not contemplada
    outros = Decimal(outros_centavos).scaleb(-2)
    razao[Fundo.FUNDO_COMUM] += outros
    razao[Fundo.FUNDO_RESERVA] += (outros * Decimal("0.02")).quantize(Decimal("0.01"))
    ps = list(parcelas.values())
    pago_fc = sum((p.pago_fundo_comum for p in ps), ZERO)
    cotas = [
        CotaNoEncerramento(
            numero=1,
            excluida=excluida,
            restituida=False,
            # 8 parcelas of 88.00: 704.00 is 100 % of the credit.
            percentual_pago=percentual_pago(pago_fc / Decimal("88.00"), 8),
            pago_fundo_comum=pago_fc,
            pago_fundo_reserva=sum((p.pago_fundo_reserva for p in ps), ZERO),
            rendimento=ZERO,
            a_receber=ZERO if excluida else sum((p.saldo for p in ps), ZERO),
            conta_conhecida=conta,
        ),
        CotaNoEncerramento(2, False, False, Decimal(100), outros, ZERO, ZERO, ZERO, outra_conta),
    ]
    fc, fr = razao[Fundo.FUNDO_COMUM], razao[Fundo.FUNDO_RESERVA]
    try:
        d = encerrar(
            cotas,
            valor_credito=Decimal("704.00"),
            clausula_penal_pct=Decimal(penal),
            saldo_fundo_comum=fc,
            saldo_fundo_reserva=fr,
        )
    except SaldoInsuficiente as e:
        assert e.devido > fc + fr
        return
    for linha in d.linhas:
        razao[Fundo.FUNDO_COMUM] -= linha.do_fundo_comum
        razao[Fundo.FUNDO_RESERVA] -= linha.do_fundo_reserva
        if linha.destino is DestinoValor.NAO_PROCURADO:
            razao[Fundo.NAO_PROCURADOS] += linha.total
    assert razao[Fundo.FUNDO_COMUM] == razao[Fundo.FUNDO_RESERVA] == ZERO
    assert d.destinado(DestinoValor.PAGO) + razao[Fundo.NAO_PROCURADOS] == fc + fr
    # An excluded cota gets its restitution (never more than it paid in), an active one none.
    restituicao = d.linhas[0].restituicao
    assert (restituicao <= pago_fc) if excluida else restituicao == ZERO
