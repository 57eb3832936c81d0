"""Guarantees, the bem's price, the crédito em espécie, documents: the rules, hand-computed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tenant_app.credito.estados import StatusCarta
from tenant_app.credito.models import DestinoDiferenca, TipoBemIndicado, TipoDocumento, TipoGarantia
from tenant_app.credito.regras import (
    cobertura,
    destino_da_diferenca,
    documento_valido,
    documentos_faltando,
    garantias_suficientes,
    pode_ir_em_especie,
    uso_do_credito,
    valor_no_credito,
)

pytestmark = pytest.mark.unit
D = Decimal
G = TipoGarantia


def test_cobertura_a_mao() -> None:
    c = cobertura([D("10000.00"), D("8000.00")], D("18720.00"))
    assert (c.garantido, c.falta, c.suficiente) == (D("18000.00"), D("720.00"), False)
    c = cobertura([D("10000.00"), D("8720.00")], D("18720.00"))
    assert (c.falta, c.suficiente) == (D("0"), True)
    assert cobertura([], D("0")).suficiente  # nothing owed: nothing to guarantee


def test_garantia_deve_recair_sobre_o_bem() -> None:
    # A vehicle guaranteed only by a fiador: art. 14 §1 fails before the amounts are looked at.
    v = garantias_suficientes([(G.FIADOR, D("999999"))], D("100"), TipoBemIndicado.VEICULO)
    assert v is not None and v.code == "garantia_sobre_o_bem" and "art. 14 §1" in v.mensagem
    # An imóvel needs the imóvel's alienação, not a vehicle's.
    v = garantias_suficientes([(G.ALIENACAO_FIDUCIARIA_VEICULO, D("1"))], D("0"), TipoBemIndicado.IMOVEL)
    assert v is not None and v.code == "garantia_sobre_o_bem"
    # A service may be guaranteed by a fiador alone (art. 14 §3).
    assert garantias_suficientes([(G.FIADOR, D("100"))], D("100"), TipoBemIndicado.SERVICO) is None


def test_garantia_insuficiente_diz_quanto_falta() -> None:
    v = garantias_suficientes(
        [(G.ALIENACAO_FIDUCIARIA_VEICULO, D("10000.00"))], D("18720.00"), TipoBemIndicado.VEICULO
    )
    assert v is not None and v.code == "garantia_insuficiente"
    assert "R$ 10.000,00" in v.mensagem and "R$ 18.720,00" in v.mensagem and "R$ 8.720,00" in v.mensagem
    assert (
        garantias_suficientes(
            [(G.ALIENACAO_FIDUCIARIA_VEICULO, D("10000.00")), (G.FIADOR, D("8720.00"))],
            D("18720.00"),
            TipoBemIndicado.VEICULO,
        )
        is None
    )


def test_bem_mais_barato_e_mais_caro() -> None:
    barato = uso_do_credito(D("90000.00"), D("100500.00"))
    assert (barato.ao_vendedor, barato.diferenca, barato.pago_pelo_consorciado) == (
        D("90000.00"),
        D("10500.00"),
        0,
    )
    caro = uso_do_credito(D("120000.00"), D("100000.00"))
    assert (caro.ao_vendedor, caro.diferenca, caro.pago_pelo_consorciado) == (
        D("100000.00"),
        0,
        D("20000.00"),
    )


def test_destino_da_diferenca() -> None:
    dez = D("10")
    # Expenses: up to the grupo's limit, 10% of the crédito by default (100,000 → 10,000), counting
    # what was already used.
    assert (
        destino_da_diferenca(DestinoDiferenca.DESPESAS, D("4000.00"), D("100000"), D("6000.00"), D(0), dez)
        is None
    )
    v = destino_da_diferenca(DestinoDiferenca.DESPESAS, D("4000.01"), D("100000"), D("6000.00"), D(0), dez)
    assert v is not None and v.code == "despesas_acima_do_limite" and "10%" in v.mensagem
    # A contract with 2.5%: 100,000 → 2,500.
    quarto = D("2.5")
    assert (
        destino_da_diferenca(DestinoDiferenca.DESPESAS, D("2500.00"), D("100000"), D(0), D(0), quarto) is None
    )
    v = destino_da_diferenca(DestinoDiferenca.DESPESAS, D("2000.01"), D("100000"), D("500.00"), D(0), quarto)
    assert v is not None and v.code == "despesas_acima_do_limite"
    assert "2,5% do crédito (R$ 2.500,00)" in v.mensagem, v.mensagem
    # Returned to the consorciado only with nothing owed.
    v = destino_da_diferenca(DestinoDiferenca.DEVOLUCAO, D("1"), D("100000"), D(0), D("2340.00"), dez)
    assert v is not None and v.code == "devolucao_com_saldo_devedor"
    assert destino_da_diferenca(DestinoDiferenca.DEVOLUCAO, D("1"), D("100000"), D(0), D(0), dez) is None
    assert destino_da_diferenca(DestinoDiferenca.AMORTIZACAO, D("9"), D("100000"), D(0), D("9"), dez) is None


def test_valor_no_credito() -> None:
    assert valor_no_credito(D("100.00"), D("100.00")) is None
    v = valor_no_credito(D("100.01"), D("100.00"))
    assert v is not None and v.code == "valor_acima_do_credito"


def test_especie_180_dias_e_saldo_quitado() -> None:
    contemplada = date(2026, 1, 10)
    # 179 days later: too early.
    v = pode_ir_em_especie(StatusCarta.DISPONIVEL, contemplada, date(2026, 7, 8), D(0), False)
    assert v is not None and v.code == "especie_antes_do_prazo" and "passaram 179" in v.mensagem
    # 180 days: allowed with nothing owed, refused while the cota owes.
    assert pode_ir_em_especie(StatusCarta.APROVADA, contemplada, date(2026, 7, 9), D(0), False) is None
    v = pode_ir_em_especie(StatusCarta.APROVADA, contemplada, date(2026, 7, 9), D("0.01"), False)
    assert v is not None and v.code == "especie_com_saldo_devedor"
    # At the group's closing: no 180 days, no quitação needed.
    assert pode_ir_em_especie(StatusCarta.DISPONIVEL, contemplada, date(2026, 1, 11), D("5"), True) is None
    # A crédito in use never goes in cash.
    v = pode_ir_em_especie(StatusCarta.BEM_INDICADO, contemplada, date(2027, 1, 1), D(0), True)
    assert v is not None and v.code == "credito_em_uso"


def test_documentos_faltando_na_ordem() -> None:
    assert documentos_faltando([]) == [
        TipoDocumento.IDENTIDADE,
        TipoDocumento.RENDA,
        TipoDocumento.RESIDENCIA,
    ]
    assert documentos_faltando([TipoDocumento.RENDA, TipoDocumento.OUTRO]) == [
        TipoDocumento.IDENTIDADE,
        TipoDocumento.RESIDENCIA,
    ]


def test_documento_valido() -> None:
    assert documento_valido("529.982.247-25") == "52998224725"
    assert documento_valido("11.222.333/0001-81") == "11222333000181"
    assert documento_valido("529.982.247-24") is None
    assert documento_valido("11.222.333/0001-82") is None
    assert documento_valido("111.111.111-11") is None
