"""The apuração under the ``parcela_integral`` lance clause (issue 12 item 10), numbers by hand.

Res. BCB 285/2023 art. 12 and the contrato de adesão (Lei 11.795/2008 art. 10 §1):
what a lance pays of the parcelas is the contract's clause. Under ``parcela_integral``
a cota's lance is measured against its whole-parcela balance, amortises whole
parcelas, and only the fundo comum's share of those parcelas stays in the fundo
comum (Lei 11.795 art. 23: a contemplação only when the group has the money).
The default clause is in the inputs only when it is not the default, so stored
apurações keep their hash.
"""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal as D

import pytest

from tenant_app.assembleias.apuracao import (
    CotaAtiva,
    EntradaApuracao,
    Lance,
    Modalidade,
    RegrasAssembleia,
    SituacaoLance,
    TipoLance,
    apurar,
    entrada_canonica,
    entrada_de_json,
    hash_entrada,
)
from tenant_app.assembleias.erros import RegraViolada
from tenant_app.assembleias.sorteio import DirecaoAproximacao, MetodoSorteio, parse_extracao
from tenant_app.dinheiro.amortizacao import LancePaga

pytestmark = pytest.mark.unit

CREDITO = D("100000.00")
INTEGRAL = LancePaga.PARCELA_INTEGRAL


def _entrada(paga: LancePaga, percentual: str, saldo_fc: str) -> EntradaApuracao:
    """10 cotas, no sorteio; cota 7 bids ``percentual`` %; 80 % owed to the fundo comum over 8 parcelas.

    Its parcelas' components add up to 1.16 x their fundo comum (taxa 10 %, reserva 5 %, seguro 1 %),
    so it owes 92.8 % of the credit in whole parcelas.
    """
    integral = D("92.8") if paga is INTEGRAL else None
    return EntradaApuracao(
        grupo="G-10",
        assembleia=4,
        tamanho_grupo=10,
        regras=RegrasAssembleia(
            metodo_sorteio=MetodoSorteio.FINAIS,
            direcao_aproximacao=DirecaoAproximacao.ALTERNADA,
            contemplacoes_sorteio=0,
            tipos_lance=frozenset({TipoLance.LIVRE}),
            lance_paga=paga,
        ),
        extracao=parse_extracao(6001, ["83127", "10000", "20000", "30000", "40000"]),
        cotas_ativas=tuple(CotaAtiva(n, CREDITO, D("80"), 8, integral) for n in range(1, 11)),
        cotas_excluidas=(),
        lances=(Lance(7, TipoLance.LIVRE, D(percentual)),),
        saldo_fundo_comum=D(saldo_fc),
        saldo_fundo_reserva=D("0"),
    )


def test_the_funds_must_cover_what_the_lance_pays_outside_the_fundo_comum() -> None:
    # Lance 30 % = 30 000.00. Fundo comum share: 30 000 x 80 / 92.8 = 25 862.0689... -> 25 862.06
    # (down); 4 137.94 goes to taxa, reserva and seguro. The fundo comum pays the credit less its
    # share: 100 000 - 25 862.06 = 74 137.94. One centavo less: not awarded.
    falta = apurar(_entrada(INTEGRAL, "30", "74137.93"))
    assert falta.contemplacoes == ()
    assert falta.lances[0].situacao is SituacaoLance.NAO_CONTEMPLADO
    r = apurar(_entrada(INTEGRAL, "30", "74137.94"))
    (c,) = r.contemplacoes
    assert (c.cota, c.modalidade) == (7, Modalidade.LANCE)
    # The record's debit is the carta net of the whole lance, 100 000 - 30 000 = 70 000.00; the
    # 4 137.94 leaves the fundo comum when the lance is paid (its carta part is the whole lance).
    assert c.debito.do_fundo_comum == D("70000.00")
    # 11.6 % a parcela: int(30 / 11.6) = 2 parcelas paid off, 92.8 - 30 = 62.8 % over the 6 left.
    assert c.amortizacao is not None
    assert (c.amortizacao.parcelas_quitadas, c.amortizacao.parcelas_restantes) == (2, 6)
    assert c.amortizacao.percentual_devido == D("62.8")


def test_the_default_clause_counts_the_whole_lance_in_the_fundo_comum() -> None:
    # fundo_comum: 100 000 - 30 000 = 70 000.00 is enough; 10 % a parcela -> 3 paid off, 50 % over 5.
    (c,) = apurar(_entrada(LancePaga.FUNDO_COMUM, "30", "70000.00")).contemplacoes
    assert c.amortizacao is not None
    assert (c.amortizacao.parcelas_quitadas, c.amortizacao.parcelas_restantes) == (3, 5)


def test_the_ceiling_is_the_whole_parcela_balance() -> None:
    # 85 % > 80 % owed to the fundo comum, but < 92.8 % owed in whole parcelas.
    recusado = apurar(_entrada(LancePaga.FUNDO_COMUM, "85", "100000.00")).lances[0]
    assert recusado.situacao is SituacaoLance.DESCONSIDERADO
    assert "80% do crédito" in (recusado.motivo or "")
    (c,) = apurar(_entrada(INTEGRAL, "85", "100000.00")).contemplacoes
    assert c.cota == 7


def test_the_clause_and_balance_enter_the_hash_only_when_not_the_default() -> None:
    padrao = json.loads(entrada_canonica(_entrada(LancePaga.FUNDO_COMUM, "30", "70000.00")))
    assert "lance_paga" not in padrao["regras"]
    assert "percentual_devido_integral" not in padrao["cotas_ativas"][0]
    integral = _entrada(INTEGRAL, "30", "70000.00")
    corpo = json.loads(entrada_canonica(integral))
    assert corpo["regras"]["lance_paga"] == "parcela_integral"
    assert corpo["cotas_ativas"][0]["percentual_devido_integral"] == "92.8"
    # Round trip: the stored inputs rebuild the same entrada and hash.
    assert hash_entrada(entrada_de_json(entrada_canonica(integral))) == hash_entrada(integral)
    # Same inputs under the two clauses: different hashes.
    assert hash_entrada(integral) != hash_entrada(_entrada(LancePaga.FUNDO_COMUM, "30", "70000.00"))


def test_the_clause_needs_each_cotas_whole_parcela_balance() -> None:
    sem = _entrada(INTEGRAL, "30", "70000.00")
    sem = dataclasses.replace(
        sem, cotas_ativas=tuple(CotaAtiva(n, CREDITO, D("80"), 8) for n in range(1, 11))
    )
    with pytest.raises(RegraViolada):
        sem.validar()
