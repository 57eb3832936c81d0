"""What a contrato de adesão states, as plain values (built by ``service.reunir``; rendered by ``pdf``).

The modelo (template) is versioned per tenant: the administradora's data and
its extra clauses; the regulated content comes from the grupo's contract
parameters, the cota and the consorciado, so the PDF always matches the
numbers the system charges.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

#: The BCB segments of Doc 2080 / the grupo's ``tipo_bem``, as the contract names them.
SEGMENTOS = {
    "imovel": "Imóveis",
    "automovel": "Veículos automotores leves",
    "motocicleta": "Motocicletas e motonetas",
    "pesados": "Veículos pesados, máquinas, embarcações e aeronaves",
    "outros_moveis": "Outros bens móveis duráveis",
    "servicos": "Serviços",
}

SEGURO_MODOS = {
    "percentual_credito": "percentual do crédito distribuído pelo prazo do plano",
    "mensal_saldo_devedor": "percentual mensal sobre o saldo devedor da cota",
}


@dataclass(frozen=True)
class ComponentePrimeiraParcela:
    nome: str
    valor: Decimal
    percentual: Decimal


@dataclass(frozen=True)
class DadosContrato:
    """Everything the contract shows (money as Decimal, dates as date: formatting is the renderer's)."""

    modelo_versao: int
    administradora_nome: str
    administradora_cnpj: str
    administradora_endereco: str
    autorizacao_bcb: str
    foro: str
    consorciado_nome: str
    consorciado_documento: str | None
    consorciado_tipo: str
    consorciado_endereco: str
    consorciado_email: str | None
    grupo_codigo: str
    segmento: str
    valor_credito: Decimal
    prazo_meses: int
    numero_cotas: int
    max_cotas_por_consorciado: int
    cota_numero: int
    data_adesao: date
    data_inicio: date | None
    dia_vencimento: int
    dia_assembleia: int
    taxa_administracao_pct: Decimal
    taxa_antecipada_pct: Decimal
    fundo_reserva_pct: Decimal
    seguro_pct: Decimal
    seguro_modo: str
    indice_correcao: str
    multa_pct: Decimal
    juros_mensal_pct: Decimal
    encargos_fundo_comum_pct: Decimal
    parcelas_para_exclusao: int
    clausula_penal_pct: Decimal
    primeira_parcela: list[ComponentePrimeiraParcela]
    gerado_em: date
    clausulas_adicionais: list[dict[str, str]] = field(default_factory=list)

    @property
    def primeira_parcela_total(self) -> ComponentePrimeiraParcela:
        return next(c for c in self.primeira_parcela if c.nome == "Total")
