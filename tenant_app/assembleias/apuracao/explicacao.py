"""Why each line of an apuração came out as it did: a stable code and a Portuguese sentence.

Written by the apuração itself while it decides (it alone knows the balances at each
step), but kept out of the canonical result: the stored records and their hashes do
not change, and any record can be explained again from its stored inputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tenant_app.assembleias.apuracao.lances import Lance
from tenant_app.assembleias.apuracao.regras import RegrasAssembleia, TipoLance
from tenant_app.assembleias.apuracao.resultado import Modalidade
from tenant_app.dinheiro.centavos import CASAS_PERCENTUAL, casas_decimais

ZERO = Decimal(0)
CEM = Decimal(100)


@dataclass(frozen=True, slots=True)
class Motivo:
    """A reason: ``codigo`` for programs (stable), ``texto`` for people."""

    codigo: str
    texto: str


@dataclass(frozen=True, slots=True)
class Explicacao:
    """Reasons aligned with the result: one per contemplação (in order), per lance (by cota), per
    sorteio not held (in order)."""

    contemplacoes: tuple[Motivo, ...]
    lances: dict[int, Motivo]
    nao_realizados: tuple[Motivo, ...]


#: Every code an explanation may carry, with what it means (documented in the OpenAPI schema).
CODIGOS: dict[str, str] = {
    "sorteio": "contemplada por sorteio",
    "sorteio_fundo_reserva": "contemplada no sorteio extra pago pelo fundo de reserva",
    "restituicao": "cota excluída sorteada para a restituição",
    "lance": "contemplada por lance",
    "contemplado": "lance vencedor: contemplou a cota",
    "fundo_insuficiente": "o fundo comum não cobria esta contemplação",
    "fundo_esgotado_antes": "o fundo não cobriu um lance mais bem classificado; a classificação é estrita",
    "limite_lances": "as contemplações por lance das regras já estavam preenchidas",
    "cota_inapta": "a cota não estava apta no corte",
    "ja_contemplada": "a cota já fora contemplada por sorteio nesta assembleia",
    "lance_desclassificado": "o lance vencedor não foi pago no prazo (nova revisão)",
    "tipo_nao_aceito": "o contrato do grupo não aceita este tipo de lance",
    "percentual_invalido": "percentual fora do formato ou de 0% a 100%",
    "percentual_diferente_do_fixo": "o lance fixo tem outro percentual",
    "percentual_abaixo_do_minimo": "percentual abaixo do lance mínimo do grupo",
    "embutido_invalido": "parte embutida fora das regras",
    "supera_saldo_devedor": "o lance passa do saldo devedor da cota",
    "fundos_insuficientes": "sorteio não realizado: os fundos não cobriam o crédito da cota sorteada",
    "vaga_seguinte_sem_fundos": "vaga não preenchida: a cota sorteada antes não coube nos fundos",
    "sem_cota_elegivel": "sorteio não realizado: nenhuma cota apta restava",
}


def reais(valor: Decimal) -> str:
    """``R$ 1.234,56``."""
    texto = f"{valor.quantize(Decimal('0.01')):,.2f}"
    return "R$ " + texto.replace(",", "X").replace(".", ",").replace("X", ".")


def pct(valor: Decimal) -> str:
    """``12,5%`` (as many decimals as the value has, up to 4)."""
    texto = format(valor.normalize(), "f") if valor == valor.to_integral() else format(valor, "f").rstrip("0")
    return texto.replace(".", ",") + "%"


def codigo_lance_recusado(lance: Lance, regras: RegrasAssembleia, devido: Decimal | None) -> str:
    """The code of the first rule ``erros_lance`` reports for this lance (same checks, same order)."""
    p, emb = lance.percentual, lance.percentual_embutido
    if lance.tipo not in regras.tipos_lance:
        return "tipo_nao_aceito"
    if any(not v.is_finite() or casas_decimais(v) > CASAS_PERCENTUAL for v in (p, emb)) or not ZERO < p < CEM:
        return "percentual_invalido"
    if lance.tipo is TipoLance.FIXO and p != regras.lance_fixo_percentual:
        return "percentual_diferente_do_fixo"
    if lance.tipo is not TipoLance.FIXO and p < regras.lance_minimo_percentual:
        return "percentual_abaixo_do_minimo"
    if (lance.tipo is TipoLance.EMBUTIDO and not ZERO < emb <= min(p, regras.embutido_maximo_percentual)) or (
        lance.tipo is not TipoLance.EMBUTIDO and emb != ZERO
    ):
        return "embutido_invalido"
    if devido is not None and p > devido:
        return "supera_saldo_devedor"
    return "percentual_invalido"


def fundos_disponiveis(comum: Decimal, reserva: Decimal, *, usa_comum: bool, usa_reserva: bool) -> str:
    """What the funds a sorteio may use held, in words."""
    partes = []
    if usa_comum:
        partes.append(f"{reais(comum)} no fundo comum")
    if usa_reserva:
        partes.append(f"{reais(reserva)} no fundo de reserva")
    return " e ".join(partes) or "nenhum fundo"


def motivo_contemplacao(
    modalidade: Modalidade, cota: int, valor: Decimal, do_comum: Decimal, do_reserva: Decimal, extra: str = ""
) -> Motivo:
    """Why a cota was awarded, with where the money came from."""
    fontes = f"{reais(do_comum)} do fundo comum"
    if do_reserva > ZERO:
        fontes += f" e {reais(do_reserva)} do fundo de reserva"
    if modalidade is Modalidade.RESTITUICAO:
        texto = f"Cota {cota} (excluída) sorteada para a restituição de {reais(valor)}, paga com {fontes}."
    elif modalidade is Modalidade.SORTEIO_FUNDO_RESERVA:
        texto = (
            f"Cota {cota} contemplada no sorteio extra pago pelo fundo de reserva: crédito de "
            f"{reais(valor)}, pago com {fontes}."
        )
    elif modalidade is Modalidade.LANCE:
        texto = f"Cota {cota} contemplada por lance{extra}: o fundo comum cobriu {reais(do_comum)}."
    else:
        texto = f"Cota {cota} contemplada por sorteio{extra}: crédito de {reais(valor)}, pago com {fontes}."
    return Motivo(modalidade.value, texto)
