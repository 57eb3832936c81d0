"""The apuração: a pure function from stored inputs to the canonical result."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from decimal import ROUND_DOWN, Decimal
from itertools import islice

from tenant_app.assembleias.apuracao.canonico import entrada_canonica
from tenant_app.assembleias.apuracao.entrada import CotaAtiva, EntradaApuracao
from tenant_app.assembleias.apuracao.explicacao import (
    Explicacao,
    Motivo,
    codigo_lance_recusado,
    fundos_disponiveis,
    motivo_contemplacao,
    pct,
    reais,
)
from tenant_app.assembleias.apuracao.fundos import Debito, Saldos, debitar
from tenant_app.assembleias.apuracao.lances import (
    Lance,
    classificar_lances,
    erros_lance,
    valores_lance,
)
from tenant_app.assembleias.apuracao.regras import RegrasAssembleia
from tenant_app.assembleias.apuracao.resultado import (
    Contemplacao,
    LanceApurado,
    Modalidade,
    MotivoNaoRealizado,
    ResultadoApuracao,
    SituacaoLance,
    SorteioNaoRealizado,
)
from tenant_app.assembleias.sorteio.ordem import sortear
from tenant_app.dinheiro.amortizacao import LancePaga, amortizar

ZERO = Decimal(0)

#: How many next-in-line cotas the record lists for each kind of sorteio.
RESERVAS = 5
_INAPTA = "A cota não estava apta no corte (inadimplente, excluída ou já contemplada)."
_CONTEMPLADA = "A cota já foi contemplada por sorteio nesta assembleia."
_DESCLASSIFICADO = "Lance desclassificado: o lance vencedor não foi pago no prazo."
_CODIGO_FORA = {
    _INAPTA: "cota_inapta",
    _CONTEMPLADA: "ja_contemplada",
    _DESCLASSIFICADO: "lance_desclassificado",
}


class _Caixa:
    """Running balances and awards of one apuração (local state of a pure function)."""

    def __init__(self, saldos: Saldos) -> None:
        self.saldos = saldos
        self.contemplacoes: list[Contemplacao] = []
        self.nao_realizados: list[SorteioNaoRealizado] = []
        self.contempladas: set[int] = set()
        # Reasons, aligned with contemplacoes / nao_realizados, and per lance's cota (explicacao.py).
        self.motivos_contemplacao: list[Motivo] = []
        self.motivos_nao_realizado: list[Motivo] = []
        self.motivos_lance: dict[int, Motivo] = {}
        self.numero_sorteado: int | None = None

    def explicacao(self) -> Explicacao:
        """The reasons gathered while deciding."""
        return Explicacao(
            tuple(self.motivos_contemplacao), dict(self.motivos_lance), tuple(self.motivos_nao_realizado)
        )

    def sortear(
        self,
        fila: Iterator[int],
        vagas: int,
        modalidade: Modalidade,
        custo: Mapping[int, Decimal],
        *,
        usa_comum: bool,
        usa_reserva: bool,
    ) -> bool:
        """Fill ``vagas`` from the drawn order; False when one could not be filled."""
        for feitas in range(vagas):
            cota = next((c for c in fila if c not in self.contempladas), None)
            pago = None
            antes = self.saldos
            if cota is not None:
                pago = debitar(self.saldos, custo[cota], usa_comum=usa_comum, usa_reserva=usa_reserva)
            if cota is None or pago is None:
                # Skipping the drawn cota for a cheaper one would not be fair,
                # so every vaga left of this kind stays unfilled.
                motivo = MotivoNaoRealizado.FUNDOS_INSUFICIENTES
                if cota is None:
                    motivo = MotivoNaoRealizado.SEM_COTA_ELEGIVEL
                self.nao_realizados.append(SorteioNaoRealizado(modalidade, motivo, cota))
                self.nao_realizados.extend(
                    SorteioNaoRealizado(modalidade, motivo, None) for _ in range(vagas - feitas - 1)
                )
                fundos = fundos_disponiveis(
                    antes.fundo_comum, antes.fundo_reserva, usa_comum=usa_comum, usa_reserva=usa_reserva
                )
                primeiro, seguintes = self._motivos_sem_sorteio(cota, custo, fundos)
                self.motivos_nao_realizado.append(primeiro)
                self.motivos_nao_realizado.extend(seguintes for _ in range(vagas - feitas - 1))
                return False
            self.saldos, debito = pago
            self._premiar(Contemplacao(0, cota, modalidade, custo[cota], custo[cota], debito))
            sorteado = (
                f" (número sorteado {self.numero_sorteado})" if self.numero_sorteado is not None else ""
            )
            self.motivos_contemplacao.append(
                motivo_contemplacao(
                    modalidade, cota, custo[cota], debito.do_fundo_comum, debito.do_fundo_reserva, sorteado
                )
            )
        return True

    def _motivos_sem_sorteio(
        self, cota: int | None, custo: Mapping[int, Decimal], fundos: str
    ) -> tuple[Motivo, Motivo]:
        """The reason of the vaga that failed and of the vagas of the same kind left after it."""
        if cota is None:
            ja = len(self.contempladas & set(custo))
            texto = (
                f"Sorteio não realizado: nenhuma cota apta restava na ordem do sorteio ({len(custo)} "
                f"apta(s) no corte, {ja} já contemplada(s) nesta assembleia)."
            )
            return Motivo("sem_cota_elegivel", texto), Motivo("sem_cota_elegivel", texto)
        precisa = reais(custo[cota])
        return (
            Motivo(
                "fundos_insuficientes",
                f"Sorteio não realizado: a cota {cota}, sorteada, precisava de {precisa} e havia {fundos}.",
            ),
            Motivo(
                "vaga_seguinte_sem_fundos",
                f"Vaga não preenchida: a cota {cota}, sorteada antes, não coube nos fundos ({precisa} "
                f"necessários, havia {fundos}); passar a vez a uma cota mais barata não seria justo.",
            ),
        )

    def _premiar(self, contemplacao: Contemplacao) -> None:
        ordem = len(self.contemplacoes) + 1
        self.contemplacoes.append(
            Contemplacao(
                ordem,
                contemplacao.cota,
                contemplacao.modalidade,
                contemplacao.valor_credito,
                contemplacao.valor_liberado,
                contemplacao.debito,
                contemplacao.lance,
                contemplacao.amortizacao,
            )
        )
        self.contempladas.add(contemplacao.cota)

    def lances(
        self, e: EntradaApuracao, numero_sorteado: int | None, ativas: Mapping[int, CotaAtiva]
    ) -> list[LanceApurado]:
        """Award lances by rank while the fundo comum plus the lance money covers them."""
        regras = e.regras
        fora: list[LanceApurado] = []
        concorrentes: list[Lance] = []
        for lance in e.lances:
            cota = ativas.get(lance.cota)
            motivo: str | None = None
            if cota is None:
                motivo = _INAPTA
            elif lance.cota in self.contempladas:
                motivo = _CONTEMPLADA
            elif lance.cota in e.lances_desclassificados:
                motivo = _DESCLASSIFICADO
            else:
                erros = erros_lance(lance, regras, percentual_devido=_devido_pelo_lance(cota, regras))
                motivo = " ".join(err.mensagem for err in erros) or None
            if motivo is None:
                concorrentes.append(lance)
            else:
                fora.append(_apurado(lance, SituacaoLance.DESCONSIDERADO, None, motivo))
                codigo = _CODIGO_FORA.get(motivo) or codigo_lance_recusado(
                    lance, regras, _devido_pelo_lance(cota, regras) if cota is not None else None
                )
                self.motivos_lance[lance.cota] = Motivo(codigo, f"Lance desconsiderado. {motivo}")

        apurados: list[LanceApurado] = []
        vagas = regras.contemplacoes_lance_maximo
        aberto = True
        barreira = ""  # the lance the funds could not cover, in words
        ranking = classificar_lances(concorrentes, numero_sorteado, regras.direcao_aproximacao)
        for posicao, lance in enumerate(ranking, 1):
            situacao = SituacaoLance.NAO_CONTEMPLADO
            quem = f"Lance de {pct(lance.percentual)} do crédito ({posicao}º na classificação)"
            if not aberto:
                self.motivos_lance[lance.cota] = Motivo(
                    "fundo_esgotado_antes",
                    f"{quem} não contemplado: {barreira}; um lance menor não passa à frente de um maior.",
                )
            elif vagas is not None and vagas <= 0:
                self.motivos_lance[lance.cota] = Motivo(
                    "limite_lances",
                    f"{quem} não contemplado: as regras preveem até {regras.contemplacoes_lance_maximo} "
                    "contemplação(ões) por lance, já preenchidas pelos lances mais bem classificados.",
                )
            if aberto and (vagas is None or vagas > 0):
                cota = ativas[lance.cota]
                valores = valores_lance(lance, cota.valor_credito)
                fora_do_comum = _fora_do_fundo_comum(cota, regras, valores.valor_lance)
                precisa, havia = valores.custo_liquido + fora_do_comum, self.saldos.fundo_comum
                pago = debitar(self.saldos, precisa, usa_comum=True, usa_reserva=False)
                if pago is None:
                    # Strict rank: a lower lance never jumps one the funds could not cover.
                    aberto = False
                    self.motivos_lance[lance.cota] = Motivo(
                        "fundo_insuficiente",
                        f"{quem} não contemplado: a contemplação precisava de {reais(precisa)} do fundo "
                        f"comum (crédito liberado menos o lance) e o fundo tinha {reais(havia)}.",
                    )
                    barreira = (
                        f"o fundo comum não cobriu o {posicao}º colocado (precisava de {reais(precisa)}, "
                        f"havia {reais(havia)})"
                    )
                else:
                    # The record's debit is the carta net of the lance; what the lance pays to the
                    # other funds stays reserved here and leaves the fundo comum when it is paid
                    # (pagamentos.lancamentos: the carta covers the whole amortised lance).
                    self.saldos, debito = pago
                    debito = Debito(debito.do_fundo_comum - fora_do_comum, debito.do_fundo_reserva)
                    amortizacao = amortizar(
                        _devido_pelo_lance(cota, regras),
                        cota.parcelas_restantes,
                        lance.percentual,
                        regras.amortizacao_lance,
                    )
                    self._premiar(
                        Contemplacao(
                            0,
                            lance.cota,
                            Modalidade.LANCE,
                            cota.valor_credito,
                            valores.valor_liberado,
                            debito,
                            valores,
                            amortizacao,
                        )
                    )
                    self.motivos_contemplacao.append(
                        motivo_contemplacao(
                            Modalidade.LANCE,
                            lance.cota,
                            cota.valor_credito,
                            debito.do_fundo_comum,
                            debito.do_fundo_reserva,
                            f" de {pct(lance.percentual)} ({posicao}º na classificação)",
                        )
                    )
                    self.motivos_lance[lance.cota] = Motivo(
                        "contemplado",
                        f"{quem} contemplou a cota {lance.cota}: o fundo comum tinha {reais(havia)} e a "
                        f"contemplação usou {reais(precisa)} (crédito liberado menos o lance).",
                    )
                    situacao = SituacaoLance.CONTEMPLADO
                    vagas = None if vagas is None else vagas - 1
            apurados.append(_apurado(lance, situacao, posicao, None))
        return apurados + fora


def _devido_pelo_lance(cota: CotaAtiva, regras: RegrasAssembleia) -> Decimal:
    """The balance a lance pays (and may not exceed): the fundo comum's, or the whole parcelas'."""
    if regras.lance_paga is LancePaga.PARCELA_INTEGRAL and cota.percentual_devido_integral is not None:
        return cota.percentual_devido_integral
    return cota.percentual_devido


def _fora_do_fundo_comum(cota: CotaAtiva, regras: RegrasAssembleia, valor_lance: Decimal) -> Decimal:
    """What a whole-parcela lance pays to the taxa, fundo de reserva and seguro, not to the fundo comum.

    The parcelas' components are in the proportion of the cota's balances:
    fundo comum share = lance x percentual_devido / percentual_devido_integral,
    rounded down to the centavo so the funds check never counts on more than the
    fundo comum receives. Zero under the default clause (the lance pays the fundo comum only).
    """
    integral = cota.percentual_devido_integral
    if regras.lance_paga is not LancePaga.PARCELA_INTEGRAL or not integral:
        return ZERO
    ao_comum = (valor_lance * cota.percentual_devido / integral).quantize(
        Decimal("0.01"), rounding=ROUND_DOWN
    )
    return valor_lance - ao_comum


def _apurado(lance: Lance, situacao: SituacaoLance, posicao: int | None, motivo: str | None) -> LanceApurado:
    return LanceApurado(
        lance.cota, lance.tipo, lance.percentual, lance.percentual_embutido, situacao, posicao, motivo
    )


def _proximas(ordem: Iterable[int], contempladas: set[int]) -> tuple[int, ...]:
    return tuple(islice((c for c in ordem if c not in contempladas), RESERVAS))


def apurar(entrada: EntradaApuracao) -> ResultadoApuracao:
    """The result alone; see ``apurar_com_entrada``."""
    return apurar_com_entrada(entrada)[0]


def apurar_com_entrada(entrada: EntradaApuracao) -> tuple[ResultadoApuracao, bytes]:
    """``apurar_explicado`` without the reasons."""
    resultado, canonica, _ = apurar_explicado(entrada)
    return resultado, canonica


def apurar_explicado(entrada: EntradaApuracao) -> tuple[ResultadoApuracao, bytes, Explicacao]:
    """Decide the contemplações of one assembleia.

    Order (the contract practice the domain describes): the planned
    sorteios, topped up by the fundo de reserva if the contract allows;
    extra sorteios paid only by the fundo de reserva, and only once every
    planned sorteio was awarded; restitution draws for excluded cotas, paid
    by the fundo comum; then lances by rank while the fundo comum, plus
    each lance's own money, covers them. A cota is contemplated at most
    once; nothing is awarded that the funds do not cover. The input order
    of cotas and lances does not matter.

    Returns the result, the canonical bytes of the inputs (what is stored
    and what ``hash_entrada`` is the SHA-256 of), serialised once, and why each
    line came out as it did (``explicacao.py``; not part of the canonical result).
    """
    entrada.validar()
    e = entrada.normalizada()
    canonica = entrada_canonica(e, normalizada=True)
    regras = e.regras
    sorteio = sortear(
        e.extracao,
        e.tamanho_grupo,
        metodo=regras.metodo_sorteio,
        zero_vale_mil=regras.zero_vale_mil,
        direcao=regras.direcao_aproximacao,
        tabela_equivalencia=regras.tabela_equivalencia,
        zero_vale_maior_cota=regras.zero_vale_maior_cota,
        aproximar_sem_candidato=regras.aproximar_sem_candidato,
    )
    ativas = {c.numero: c for c in e.cotas_ativas}
    credito = {n: c.valor_credito for n, c in ativas.items()}
    restituicao = {c.numero: c.valor_restituicao for c in e.cotas_excluidas}
    caixa = _Caixa(Saldos(e.saldo_fundo_comum, e.saldo_fundo_reserva))
    caixa.numero_sorteado = sorteio.numero_sorteado

    # One queue for both kinds of sorteio of active cotas: the extras continue the draw.
    fila_ativas = sorteio.elegiveis(ativas)
    completos = caixa.sortear(
        fila_ativas,
        regras.contemplacoes_sorteio,
        Modalidade.SORTEIO,
        credito,
        usa_comum=True,
        usa_reserva=regras.fundo_reserva_completa_sorteios,
    )
    if completos:
        caixa.sortear(
            fila_ativas,
            regras.fundo_reserva_sorteios_extras,
            Modalidade.SORTEIO_FUNDO_RESERVA,
            credito,
            usa_comum=False,
            usa_reserva=True,
        )
    caixa.sortear(
        sorteio.elegiveis(restituicao),
        regras.sorteios_restituicao,
        Modalidade.RESTITUICAO,
        restituicao,
        usa_comum=True,
        usa_reserva=False,
    )
    lances = caixa.lances(e, sorteio.numero_sorteado, ativas)

    resultado = ResultadoApuracao(
        hash_entrada=hashlib.sha256(canonica).hexdigest(),
        numero_sorteado=sorteio.numero_sorteado,
        candidatos_centena=sorteio.candidatos,
        contemplacoes=tuple(caixa.contemplacoes),
        nao_realizados=tuple(caixa.nao_realizados),
        reservas_sorteio=_proximas(sorteio.elegiveis(ativas), caixa.contempladas),
        reservas_restituicao=_proximas(sorteio.elegiveis(restituicao), caixa.contempladas),
        lances=tuple(lances),
        saldo_inicial=Saldos(e.saldo_fundo_comum, e.saldo_fundo_reserva),
        saldo_final=caixa.saldos,
    )
    return resultado, canonica, caixa.explicacao()
