"""The carta de crédito's state machine: every allowed transition and the refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tenant_app.credito.estados import Acao, StatusCarta, TransicaoInvalida, apos_pagamento, transicao

pytestmark = pytest.mark.unit
S = StatusCarta


def test_caminho_feliz() -> None:
    s = S.DISPONIVEL
    for acao, esperado in [
        (Acao.INICIAR_ANALISE, S.EM_ANALISE),
        (Acao.APROVAR, S.APROVADA),
        (Acao.INDICAR_BEM, S.BEM_INDICADO),
        (Acao.INDICAR_BEM, S.BEM_INDICADO),  # another bem before any payment
    ]:
        s = transicao(s, acao)
        assert s is esperado
    s = apos_pagamento(s, Decimal("10.00"))
    assert s is S.PAGA_PARCIALMENTE
    s = apos_pagamento(s, Decimal("0"))
    assert s is S.PAGA
    assert transicao(s, Acao.ENCERRAR) is S.ENCERRADA


def test_recusada_pode_ser_reanalisada() -> None:
    s = transicao(transicao(S.DISPONIVEL, Acao.INICIAR_ANALISE), Acao.RECUSAR)
    assert s is S.RECUSADA
    assert transicao(s, Acao.INICIAR_ANALISE) is S.EM_ANALISE


@pytest.mark.parametrize("status", [S.DISPONIVEL, S.EM_ANALISE, S.APROVADA, S.RECUSADA])
def test_especie_so_sem_uso(status: StatusCarta) -> None:
    assert transicao(status, Acao.CONVERTER_EM_ESPECIE) is S.CONVERTIDA_EM_ESPECIE
    # The cash paid in full closes the carta.
    assert apos_pagamento(S.CONVERTIDA_EM_ESPECIE, Decimal(0)) is S.ENCERRADA


@pytest.mark.parametrize(
    ("status", "acao"),
    [
        (S.DISPONIVEL, Acao.APROVAR),
        (S.DISPONIVEL, Acao.INDICAR_BEM),
        (S.EM_ANALISE, Acao.INDICAR_BEM),
        (S.RECUSADA, Acao.INDICAR_BEM),
        (S.BEM_INDICADO, Acao.CONVERTER_EM_ESPECIE),
        (S.PAGA_PARCIALMENTE, Acao.ENCERRAR),
        (S.ENCERRADA, Acao.INICIAR_ANALISE),
        (S.CANCELADA, Acao.INICIAR_ANALISE),
        (S.CONVERTIDA_EM_ESPECIE, Acao.INDICAR_BEM),
    ],
)
def test_transicoes_recusadas(status: StatusCarta, acao: Acao) -> None:
    with pytest.raises(TransicaoInvalida) as err:
        transicao(status, acao)
    # The message says which statuses the action needs, in Portuguese.
    assert "só com a carta" in str(err.value)
    assert status not in err.value.permitidos


def test_pagamento_confirmado_fora_de_hora() -> None:
    with pytest.raises(ValueError):
        apos_pagamento(S.EM_ANALISE, Decimal(0))
