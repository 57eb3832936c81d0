"""The rules of using a carta de crédito, pure: guarantees, the bem's price, cash, documents.

Each rule answers ``None`` when it holds, or a ``Violacao`` naming the rule (its ``code`` is the
problem type), the field at fault and a Portuguese explanation with the figures.

Sources:
* Lei 11.795/2008 art. 14: the contract names the guarantees required to use the crédito; the
  first ones fall on the bem acquired (§1; another imóvel may be accepted for an imóvel, §2;
  personal or real guarantees for services, §3); complementary guarantees proportional to the
  parcelas still due (§4); the administradora answers to the group for guarantees approved
  insufficient (§5). Here: the guarantees must cover the cota's saldo devedor.
* The bem cheaper than the crédito: the difference pays related expenses up to the contract's
  limit (the grupo's ``despesas_relacionadas_pct``, at most and by default 10 % of the crédito),
  pays off parcelas, or is returned to a consorciado whose
  saldo devedor is paid (Circular BCB 3.432/2009, carried into Res. BCB 285/2023); a dearer bem is
  paid by the consorciado beyond the crédito, outside the group.
* Crédito em espécie: 180 days after the contemplação without use and with the saldo devedor fully
  paid, or at the group's closing (same sources; Lei 11.795 art. 32 on the closing).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from consorcio_contract.identifiers import is_valid_cnpj, is_valid_cpf, normalize_cnpj, normalize_cpf
from tenant_app.credito.estados import SEM_USO, StatusCarta
from tenant_app.credito.tipos import DestinoDiferenca, TipoBemIndicado, TipoDocumento, TipoGarantia

#: Days after the contemplação before an unused crédito may be paid in cash.
DIAS_PARA_ESPECIE = 180
DOCUMENTOS_EXIGIDOS = (TipoDocumento.IDENTIDADE, TipoDocumento.RENDA, TipoDocumento.RESIDENCIA)
ALIENACAO_DO_BEM = {
    TipoBemIndicado.VEICULO: TipoGarantia.ALIENACAO_FIDUCIARIA_VEICULO,
    TipoBemIndicado.IMOVEL: TipoGarantia.ALIENACAO_FIDUCIARIA_IMOVEL,
}


@dataclass(frozen=True, slots=True)
class Violacao:
    """A rule that does not hold."""

    code: str
    campo: str
    mensagem: str


def _percentual(valor: Decimal) -> str:
    return f"{valor.normalize():f}".replace(".", ",")


def _reais(valor: Decimal) -> str:
    return f"R$ {valor:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


@dataclass(frozen=True, slots=True)
class Cobertura:
    """How far the guarantees cover the saldo devedor."""

    saldo_devedor: Decimal
    garantido: Decimal

    @property
    def falta(self) -> Decimal:
        return max(self.saldo_devedor - self.garantido, Decimal(0))

    @property
    def suficiente(self) -> bool:
        return self.garantido >= self.saldo_devedor


def cobertura(valores_garantias: Iterable[Decimal], saldo_devedor: Decimal) -> Cobertura:
    """The guarantees' total against what the cota still owes."""
    return Cobertura(saldo_devedor, sum(valores_garantias, Decimal(0)))


def garantias_suficientes(
    garantias: Iterable[tuple[TipoGarantia, Decimal]], saldo_devedor: Decimal, bem: TipoBemIndicado | None
) -> Violacao | None:
    """Lei 11.795 art. 14: a vehicle or imóvel is guaranteed by its own alienação fiduciária (§1),
    and the guarantees together cover the saldo devedor (§4, §5)."""
    lista = list(garantias)
    exigida = ALIENACAO_DO_BEM.get(bem) if bem is not None else None
    if exigida is not None and exigida not in {tipo for tipo, _ in lista}:
        return Violacao(
            "garantia_sobre_o_bem",
            "garantias",
            f"O bem é {bem.value if bem else ''}: a garantia inicial deve recair sobre ele "
            f"({exigida.value}), Lei 11.795/2008 art. 14 §1.",
        )
    c = cobertura((valor for _, valor in lista), saldo_devedor)
    if not c.suficiente:
        return Violacao(
            "garantia_insuficiente",
            "garantias",
            f"As garantias somam {_reais(c.garantido)} e o saldo devedor da cota é "
            f"{_reais(c.saldo_devedor)}: "
            f"faltam {_reais(c.falta)} (Lei 11.795/2008 art. 14 §§4-5: a garantia deve cobrir o que ainda "
            "é devido).",
        )
    return None


def documentos_faltando(recebidos: Iterable[TipoDocumento]) -> list[TipoDocumento]:
    """The required documents not received yet, in the order they are asked for."""
    tem = set(recebidos)
    return [t for t in DOCUMENTOS_EXIGIDOS if t not in tem]


def valor_no_credito(valor: Decimal, saldo_livre: Decimal) -> Violacao | None:
    """A payout never exceeds the crédito still free (saldo minus payouts waiting for the bank)."""
    if valor > saldo_livre:
        return Violacao(
            "valor_acima_do_credito",
            "valor",
            f"O pagamento de {_reais(valor)} excede o crédito disponível de {_reais(saldo_livre)}.",
        )
    return None


@dataclass(frozen=True, slots=True)
class UsoDoCredito:
    """How a bem's price meets the crédito."""

    ao_vendedor: Decimal  #: what the carta pays the seller
    diferenca: Decimal  #: crédito left when the bem is cheaper
    pago_pelo_consorciado: Decimal  #: what the consorciado pays the seller beyond the crédito


def uso_do_credito(valor_bem: Decimal, credito: Decimal) -> UsoDoCredito:
    """A cheaper bem leaves a difference; a dearer one is completed by the consorciado outside the group."""
    if valor_bem <= credito:
        return UsoDoCredito(valor_bem, credito - valor_bem, Decimal(0))
    return UsoDoCredito(credito, Decimal(0), valor_bem - credito)


def destino_da_diferenca(
    destino: DestinoDiferenca,
    valor: Decimal,
    valor_credito: Decimal,
    ja_em_despesas: Decimal,
    saldo_devedor: Decimal,
    limite_despesas_pct: Decimal,
) -> Violacao | None:
    """What the difference of a cheaper bem may pay, as the contract allows.

    ``limite_despesas_pct``: the grupo's ``despesas_relacionadas_pct`` (share of the crédito).
    """
    if destino is DestinoDiferenca.DESPESAS:
        limite = (valor_credito * limite_despesas_pct / 100).quantize(Decimal("0.01"))
        if ja_em_despesas + valor > limite:
            return Violacao(
                "despesas_acima_do_limite",
                "valor",
                f"Despesas relacionadas ao bem podem usar até {_percentual(limite_despesas_pct)}% do crédito "
                f"({_reais(limite)}); já foram {_reais(ja_em_despesas)}, e este pagamento é {_reais(valor)}.",
            )
    if destino is DestinoDiferenca.DEVOLUCAO and saldo_devedor > 0:
        return Violacao(
            "devolucao_com_saldo_devedor",
            "destino",
            f"A diferença só é devolvida ao consorciado com o saldo devedor quitado; a cota ainda deve "
            f"{_reais(saldo_devedor)} (use a amortização de parcelas).",
        )
    return None


def pode_ir_em_especie(
    status: StatusCarta,
    contemplada_em: date,
    hoje: date,
    saldo_devedor: Decimal,
    grupo_encerrado: bool,
) -> Violacao | None:
    """Crédito em espécie: unused, and 180 days after the contemplação owing nothing, or at the closing."""
    if status not in SEM_USO:
        return Violacao(
            "credito_em_uso",
            "status",
            "Só um crédito ainda não utilizado (sem bem indicado nem pagamento) pode ser pago em espécie.",
        )
    if grupo_encerrado:
        return None
    dias = (hoje - contemplada_em).days
    if dias < DIAS_PARA_ESPECIE:
        return Violacao(
            "especie_antes_do_prazo",
            "status",
            f"O crédito em espécie exige {DIAS_PARA_ESPECIE} dias desde a contemplação "
            f"({contemplada_em.strftime('%d/%m/%Y')}); passaram {dias}.",
        )
    if saldo_devedor > 0:
        return Violacao(
            "especie_com_saldo_devedor",
            "status",
            f"O crédito em espécie exige o saldo devedor quitado; a cota ainda deve {_reais(saldo_devedor)}.",
        )
    return None


def documento_valido(documento: str) -> str | None:
    """The CPF or CNPJ normalised, or None when its check digits fail."""
    texto = documento.strip()
    digitos = normalize_cpf(texto)
    if len(digitos) == 11 and is_valid_cpf(digitos):
        return digitos
    cnpj = normalize_cnpj(texto)
    if len(cnpj) == 14 and is_valid_cnpj(cnpj):
        return cnpj
    return None
