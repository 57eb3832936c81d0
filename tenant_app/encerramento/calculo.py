"""The final accounts of a group's closing (encerramento), pure and exact to the centavo.

Lei 11.795/2008:

* art. 30 — a consorciado excluído not yet restituted gets the percentage of
  the credit it paid to the fundo comum applied to the credit's value on the
  restitution date, plus the yield of that money (art. 24 §1), less the
  contract's cláusula penal; at the closing every one still waiting is paid;
* art. 31 — within 60 days of the last AGO the administradora tells those who
  did not use their credits that they are available in cash, and the
  participants what is left for them;
* art. 32 — the group closes within 120 days of the last AGO, at least 30
  days after that notice, with the final accounts stating (I) the amounts
  still available to each consorciado and excluded participant and (II) the
  amounts still receivable from delinquent consorciados;
* arts. 33–34 — what nobody claims at the closing becomes "recursos não
  procurados", kept (invested, reported in the Doc 2080) by the administradora.

Res. BCB 285/2023 arts. 38–41 (encerramento): the saldos remanescentes of the
fundo comum and of the fundo de reserva are returned to the participants pro
rata to what each paid into that fund (the consorciado's prestações), to a
deposit account the consorciado gave (PIX key or account); without one they
stay as recursos não procurados; amounts receivable collected later follow the
same procedure (art. 40) and, once every lawful means failed, are written off
(art. 41).

Choices the law leaves to the contract, as this module applies them:

* the remainder of each fund goes to the cotas still active at the closing
  (excluded cotas get their restitution, which already carries their yield);
  with no active cota paying in (e.g. all were excluded), to every cota; the
  grupo's ``rateio_inclui_excluidas`` shares it with the excluded cotas too;
* a restitution the fundo comum cannot cover is completed from the fundo de
  reserva (it exists to protect the group, art. 27 §2); beyond that the group
  cannot close (``SaldoInsuficiente``): nobody may be left unpaid.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from tenant_app.dinheiro.centavos import ZERO
from tenant_app.dinheiro.percentuais import valor_restituicao
from tenant_app.dinheiro.rateio import ratear

#: Lei 11.795 art. 31: the notice within 60 days of the last AGO.
DIAS_PARA_COMUNICAR = 60
#: Art. 32: the closing at least 30 days after the notice ...
DIAS_APOS_COMUNICACAO = 30
#: ... and at most 120 days after the last AGO.
DIAS_PARA_ENCERRAR = 120


class DestinoValor(enum.StrEnum):
    """What happens to the amount a cota is owed at the closing."""

    PAGO = "pago"  #: transferred to the account the consorciado gave
    NAO_PROCURADO = "nao_procurado"  #: no account known: kept as recursos não procurados
    NENHUM = "nenhum"  #: nothing to return


@dataclass(frozen=True, slots=True)
class CotaNoEncerramento:
    """A cota as the closing sees it."""

    numero: int
    excluida: bool
    #: An excluded cota already restituted in a draw gets nothing more at the closing.
    restituida: bool
    #: % of the credit paid to the fundo comum (``dinheiro.percentuais.percentual_pago``).
    percentual_pago: Decimal
    pago_fundo_comum: Decimal
    pago_fundo_reserva: Decimal
    #: Yield of its money while it sat in the fundo comum (excluded cotas; ``dinheiro.rendimentos``).
    rendimento: Decimal
    #: What the consorciado still owes the group (open parcelas): receivable, art. 32 II.
    a_receber: Decimal
    #: A deposit account / PIX key is known for the payment.
    conta_conhecida: bool


@dataclass(frozen=True, slots=True)
class LinhaEncerramento:
    """What one cota gets (or owes) at the closing."""

    numero: int
    restituicao: Decimal  #: art. 30 amount, yield included
    rendimento: Decimal  #: of which yield
    rateio_fundo_comum: Decimal
    rateio_fundo_reserva: Decimal
    a_receber: Decimal
    destino: DestinoValor
    #: The part of the restitution taken from the fundo de reserva (fundo comum short).
    restituicao_do_fundo_reserva: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        """Everything returned to the cota."""
        return self.restituicao + self.rateio_fundo_comum + self.rateio_fundo_reserva

    @property
    def do_fundo_comum(self) -> Decimal:
        """What leaves the fundo comum for this cota."""
        return self.restituicao - self.restituicao_do_fundo_reserva + self.rateio_fundo_comum

    @property
    def do_fundo_reserva(self) -> Decimal:
        """What leaves the fundo de reserva for this cota."""
        return self.restituicao_do_fundo_reserva + self.rateio_fundo_reserva


@dataclass(frozen=True, slots=True)
class Demonstrativo:
    """The final accounts: per cota and totals; the funds end at zero."""

    linhas: tuple[LinhaEncerramento, ...]
    saldo_fundo_comum: Decimal
    saldo_fundo_reserva: Decimal

    def soma(self, campo: str) -> Decimal:
        """Sum of one field (or property) over the lines."""
        return sum((getattr(linha, campo) for linha in self.linhas), ZERO)

    def destinado(self, destino: DestinoValor) -> Decimal:
        """Total returned with that destination."""
        return sum((linha.total for linha in self.linhas if linha.destino is destino), ZERO)


class SaldoInsuficiente(ValueError):
    """The funds cannot pay every restitution: the group cannot close."""

    def __init__(self, devido: Decimal, disponivel: Decimal) -> None:
        super().__init__(f"restituições {devido} > fundos {disponivel}")
        self.devido = devido
        self.disponivel = disponivel


def encerrar(
    cotas: Sequence[CotaNoEncerramento],
    *,
    valor_credito: Decimal,
    clausula_penal_pct: Decimal,
    saldo_fundo_comum: Decimal,
    saldo_fundo_reserva: Decimal,
    rateio_inclui_excluidas: bool = False,
) -> Demonstrativo:
    """Restitute every excluded cota still waiting, then share what is left of each fund.

    ``rateio_inclui_excluidas`` (the grupo's contract parameter): the remainder goes to every cota
    pro rata to what it paid into the fund, excluded ones too; otherwise to the active ones.
    """
    ordem = sorted(cotas, key=lambda c: c.numero)
    restituicoes = {
        c.numero: valor_restituicao(c.percentual_pago, valor_credito, clausula_penal_pct) + c.rendimento
        for c in ordem
        if c.excluida and not c.restituida
    }
    devido = sum(restituicoes.values(), ZERO)
    disponivel = saldo_fundo_comum + saldo_fundo_reserva
    if devido > disponivel:
        raise SaldoInsuficiente(devido, disponivel)
    # Restitutions from the fundo comum first; the fundo de reserva completes them (a fixed order:
    # from the highest cota number down), so every line says which fund paid it.
    falta_fc = max(devido - saldo_fundo_comum, ZERO)
    do_fr: dict[int, Decimal] = {}
    for numero in sorted(restituicoes, reverse=True):
        parte = min(falta_fc, restituicoes[numero])
        do_fr[numero] = parte
        falta_fc -= parte
    sobra_fc = saldo_fundo_comum - (devido - sum(do_fr.values(), ZERO))
    sobra_fr = saldo_fundo_reserva - sum(do_fr.values(), ZERO)
    ativas = list(ordem) if rateio_inclui_excluidas else [c for c in ordem if not c.excluida]
    rateio_fc = _ratear_entre(sobra_fc, ativas, ordem, "pago_fundo_comum")
    rateio_fr = _ratear_entre(sobra_fr, ativas, ordem, "pago_fundo_reserva")
    linhas = []
    for c in ordem:
        restituicao = restituicoes.get(c.numero, ZERO)
        linha = LinhaEncerramento(
            numero=c.numero,
            restituicao=restituicao,
            rendimento=c.rendimento if c.numero in restituicoes else ZERO,
            rateio_fundo_comum=rateio_fc.get(c.numero, ZERO),
            rateio_fundo_reserva=rateio_fr.get(c.numero, ZERO),
            a_receber=c.a_receber,
            destino=DestinoValor.NENHUM,
            restituicao_do_fundo_reserva=do_fr.get(c.numero, ZERO),
        )
        if linha.total != ZERO:
            destino = DestinoValor.PAGO if c.conta_conhecida else DestinoValor.NAO_PROCURADO
            linha = replace(linha, destino=destino)
        linhas.append(linha)
    return Demonstrativo(tuple(linhas), saldo_fundo_comum, saldo_fundo_reserva)


def _ratear_entre(
    sobra: Decimal,
    ativas: Sequence[CotaNoEncerramento],
    todas: Sequence[CotaNoEncerramento],
    campo: str,
) -> dict[int, Decimal]:
    """``sobra`` pro rata to what each active cota paid into the fund (else every cota)."""
    if sobra <= ZERO:
        return {}
    for grupo in (ativas, todas):
        pesos = [getattr(c, campo) for c in grupo]
        if sum(pesos, ZERO) > 0:
            return {c.numero: v for c, v in zip(grupo, ratear(sobra, pesos), strict=True)}
    # Nobody ever paid into the fund (money came only from yield or adjustments): equal shares.
    if not todas:
        raise SaldoInsuficiente(ZERO, sobra)
    return {c.numero: v for c, v in zip(todas, ratear(sobra, [Decimal(1)] * len(todas)), strict=True)}
