"""Lances: what the contract accepts, how they rank, what they cost (amortised by ``dinheiro``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from tenant_app.assembleias.apuracao.regras import RegrasAssembleia, TipoLance
from tenant_app.assembleias.erros import ErroCampo
from tenant_app.assembleias.sorteio.aproximacao import DirecaoAproximacao, chave_aproximacao
from tenant_app.dinheiro.centavos import CASAS_PERCENTUAL, CEM, casas_decimais, percentual_de

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Lance:
    """A sealed bid: ``percentual`` of the credit, of which ``percentual_embutido`` comes from the credit."""

    cota: int
    tipo: TipoLance
    percentual: Decimal
    percentual_embutido: Decimal = ZERO


def erros_lance(
    lance: Lance, regras: RegrasAssembleia, *, percentual_devido: Decimal | None = None
) -> list[ErroCampo]:
    """Why the contract rejects this lance (empty list when it is acceptable).

    ``percentual_devido`` is what the cota still owes the fundo comum as a
    percentage of the credit; a lance cannot pay more than that.
    """
    erros: list[ErroCampo] = []
    pct, emb = lance.percentual, lance.percentual_embutido
    if lance.tipo not in regras.tipos_lance:
        aceitos = ", ".join(sorted(regras.tipos_lance)) or "nenhum"
        mensagem = f"O contrato do grupo não aceita lance {lance.tipo} (aceita: {aceitos})."
        erros.append(ErroCampo("tipo", mensagem))
        return erros
    for campo, valor in (("percentual", pct), ("percentual_embutido", emb)):
        if not valor.is_finite():
            erros.append(ErroCampo(campo, "Informe um número."))
        elif casas_decimais(valor) > CASAS_PERCENTUAL:
            erros.append(ErroCampo(campo, f"Use no máximo {CASAS_PERCENTUAL} casas decimais."))
    if erros:
        return erros
    if not ZERO < pct < CEM:
        erros.append(ErroCampo("percentual", "O lance deve ser maior que 0% e menor que 100% do crédito."))
    if lance.tipo is TipoLance.FIXO:
        if pct != regras.lance_fixo_percentual:
            fixo = regras.lance_fixo_percentual
            erros.append(ErroCampo("percentual", f"O lance fixo deste grupo é de {fixo}% do crédito."))
    elif pct < regras.lance_minimo_percentual:
        minimo = regras.lance_minimo_percentual
        erros.append(ErroCampo("percentual", f"O lance mínimo deste grupo é de {minimo}% do crédito."))
    if lance.tipo is TipoLance.EMBUTIDO:
        if not ZERO < emb <= regras.embutido_maximo_percentual:
            erros.append(
                ErroCampo(
                    "percentual_embutido",
                    f"A parte embutida deve ser maior que 0% e no máximo "
                    f"{regras.embutido_maximo_percentual}% do crédito.",
                )
            )
        elif emb > pct:
            erros.append(ErroCampo("percentual_embutido", "A parte embutida não pode superar o lance."))
    elif emb != ZERO:
        erros.append(ErroCampo("percentual_embutido", "Só o lance embutido usa parte do crédito."))
    if percentual_devido is not None and not erros and pct > percentual_devido:
        erros.append(
            ErroCampo(
                "percentual",
                f"O lance ({pct}%) supera o saldo devedor da cota ({percentual_devido}% do crédito).",
            )
        )
    return erros


def classificar_lances(
    lances: Iterable[Lance], numero_sorteado: int | None, direcao: DirecaoAproximacao
) -> list[Lance]:
    """Highest percentage first; ties go to the cota nearest the drawn number.

    When the draw named no number at all (every centena candidate
    discarded) ties fall back to the lowest cota number, so the order is
    still fully determined by the inputs.
    """
    if numero_sorteado is None:
        return sorted(lances, key=lambda lance: (-lance.percentual, lance.cota))
    return sorted(
        lances,
        key=lambda lance: (-lance.percentual, chave_aproximacao(lance.cota, numero_sorteado, direcao)),
    )


@dataclass(frozen=True, slots=True)
class ValoresLance:
    """A winning lance in reais."""

    tipo: TipoLance
    percentual: Decimal
    percentual_embutido: Decimal
    valor_lance: Decimal  #: the whole bid
    valor_embutido: Decimal  #: retained from the credit
    valor_recursos_proprios: Decimal  #: paid by the consorciado into the fundo comum
    valor_liberado: Decimal  #: carta de crédito actually available

    @property
    def custo_liquido(self) -> Decimal:
        """What the contemplation takes out of the fundo comum, net of the lance."""
        return self.valor_liberado - self.valor_recursos_proprios


def valores_lance(lance: Lance, valor_credito: Decimal) -> ValoresLance:
    """Split a lance into its money parts for a credit of ``valor_credito``."""
    valor_lance = percentual_de(valor_credito, lance.percentual)
    valor_embutido = percentual_de(valor_credito, lance.percentual_embutido)
    return ValoresLance(
        tipo=lance.tipo,
        percentual=lance.percentual,
        percentual_embutido=lance.percentual_embutido,
        valor_lance=valor_lance,
        valor_embutido=valor_embutido,
        valor_recursos_proprios=valor_lance - valor_embutido,
        valor_liberado=valor_credito - valor_embutido,
    )
