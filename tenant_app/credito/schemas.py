"""Bodies of the crédito endpoints (requests validated here; rules in the services)."""

from __future__ import annotations

from typing import Annotated

import msgspec

from consorcio_contract.identifiers import is_valid_cpf
from tenant_app.credito.models import (
    DestinoDiferenca,
    DestinoPagamento,
    FormaPagamentoCredito,
    TipoBemIndicado,
    TipoDocumento,
    TipoGarantia,
)
from tenant_app.http.money_input import FieldErrors
from tenant_app.http.schemas import Dinheiro

Motivo = Annotated[
    str,
    msgspec.Meta(min_length=3, max_length=1000, description="Por que (fica no histórico e na auditoria)."),
]
Texto = Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
Digitos = Annotated[str, msgspec.Meta(pattern=r"^[0-9]+$")]


class MotivoIn(msgspec.Struct, kw_only=True):
    """A status change with its reason."""

    motivo: Motivo


class DecisaoIn(msgspec.Struct, kw_only=True):
    """The análise's decision: approved, or refused with the reasons."""

    aprovada: bool
    motivo: Motivo


class DocumentoIn(msgspec.Struct, kw_only=True):
    """A document received for the análise (the file is kept in the documents plane or elsewhere)."""

    tipo: TipoDocumento
    referencia: Annotated[
        str,
        msgspec.Meta(
            min_length=1,
            max_length=300,
            description="Id do documento no plano de documentos ou referência do arquivo.",
        ),
    ]
    descricao: Annotated[str, msgspec.Meta(max_length=200)] | None = None


class GarantiaIn(msgspec.Struct, kw_only=True):
    """A guarantee for the group (Lei 11.795 art. 14) with its registration data.

    ``registro``: alienação fiduciária de veículo ``{renavam (11 dígitos), chassi (17), placa}``; de imóvel
    ``{matricula, cartorio}``; fiador ``{nome, cpf, renda_mensal}``; outra: livre.
    """

    tipo: TipoGarantia
    valor: Annotated[
        Dinheiro, msgspec.Meta(description="Valor de avaliação do bem, ou pelo qual o fiador responde.")
    ]
    descricao: Texto
    registro: dict[str, str] = msgspec.field(default_factory=dict)

    def validate(self) -> None:
        """Positive value and the registration data each type needs."""
        errors = FieldErrors()
        errors.money("valor", self.valor)
        r = self.registro
        if self.tipo is TipoGarantia.ALIENACAO_FIDUCIARIA_VEICULO:
            renavam = r.get("renavam", "")
            if not (len(renavam) == 11 and renavam.isascii() and renavam.isdigit()):
                errors.add("registro.renavam", "RENAVAM tem 11 dígitos")
            chassi = r.get("chassi", "").upper()
            if not (
                len(chassi) == 17 and chassi.isascii() and chassi.isalnum() and not set("IOQ") & set(chassi)
            ):
                errors.add("registro.chassi", "chassi (VIN) tem 17 letras e dígitos, sem I, O ou Q")
        elif self.tipo is TipoGarantia.ALIENACAO_FIDUCIARIA_IMOVEL:
            if not r.get("matricula", "").strip():
                errors.add("registro.matricula", "informe a matrícula do imóvel")
            if not r.get("cartorio", "").strip():
                errors.add("registro.cartorio", "informe o cartório de registro de imóveis")
        elif self.tipo is TipoGarantia.FIADOR:
            if not r.get("nome", "").strip():
                errors.add("registro.nome", "informe o nome do fiador")
            if not is_valid_cpf(r.get("cpf", "")):
                errors.add("registro.cpf", "CPF do fiador inválido (dígitos verificadores)")
        errors.raise_if_any()


class BemIn(msgspec.Struct, kw_only=True):
    """The bem chosen and its seller."""

    tipo: TipoBemIndicado
    descricao: Texto
    valor: Dinheiro
    documento_fiscal: Annotated[
        str,
        msgspec.Meta(
            min_length=1,
            max_length=200,
            description="Nota fiscal (número ou chave de acesso) ou escritura/matrícula do imóvel.",
        ),
    ]
    vendedor_nome: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    vendedor_documento: Annotated[
        str,
        msgspec.Meta(
            min_length=11, max_length=18, description="CPF ou CNPJ do vendedor (com ou sem pontuação)."
        ),
    ]
    destino_diferenca: DestinoDiferenca | None = None
    motivo: Motivo = "Bem indicado pelo consorciado"

    def validate(self) -> None:
        errors = FieldErrors()
        errors.money("valor", self.valor)
        errors.raise_if_any()


class FavorecidoIn(msgspec.Struct, kw_only=True):
    """Who receives: bank account (TED) or PIX key."""

    nome: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    documento: Annotated[str, msgspec.Meta(min_length=11, max_length=18, description="CPF ou CNPJ.")]
    banco: Annotated[Digitos, msgspec.Meta(min_length=3, max_length=3)] | None = None
    agencia: Annotated[Digitos, msgspec.Meta(min_length=1, max_length=5)] | None = None
    dv_agencia: Annotated[str, msgspec.Meta(max_length=1)] | None = None
    conta: Annotated[Digitos, msgspec.Meta(min_length=1, max_length=12)] | None = None
    dv_conta: Annotated[str, msgspec.Meta(max_length=1)] | None = None
    tipo_chave_pix: (
        Annotated[str, msgspec.Meta(description="telefone, email, cpf_cnpj ou aleatoria")] | None
    ) = None
    chave_pix: Annotated[str, msgspec.Meta(min_length=1, max_length=99)] | None = None


class PagamentoCreditoIn(msgspec.Struct, kw_only=True):
    """Money ordered out of the carta; paid by the next CNAB 240 pagamentos file."""

    destino: DestinoPagamento
    valor: Dinheiro
    forma: Annotated[FormaPagamentoCredito, msgspec.Meta(description="ted ou pix")]
    favorecido: FavorecidoIn

    def validate(self) -> None:
        errors = FieldErrors()
        errors.money("valor", self.valor)
        f = self.favorecido
        if self.forma is FormaPagamentoCredito.TED and not (f.banco and f.agencia and f.conta):
            errors.add("favorecido", "TED exige banco, agência e conta do favorecido")
        if self.forma is FormaPagamentoCredito.PIX and not (f.chave_pix and f.tipo_chave_pix):
            errors.add("favorecido.chave_pix", "PIX exige a chave e o seu tipo")
        if f.tipo_chave_pix is not None and f.tipo_chave_pix not in (
            "telefone",
            "email",
            "cpf_cnpj",
            "aleatoria",
        ):
            errors.add(
                "favorecido.tipo_chave_pix", "valores permitidos: telefone, email, cpf_cnpj, aleatoria"
            )
        if self.forma is FormaPagamentoCredito.INTERNO or self.destino is DestinoPagamento.AMORTIZACAO:
            errors.add("destino", "amortização de parcelas usa POST /api/creditos/{id}/amortizacao")
        errors.raise_if_any()


class AmortizacaoIn(msgspec.Struct, kw_only=True):
    """The difference of a cheaper bem paying the cota's parcelas."""

    valor: Dinheiro

    def validate(self) -> None:
        errors = FieldErrors()
        errors.money("valor", self.valor)
        errors.raise_if_any()


class ContaPagadoraIn(msgspec.Struct, kw_only=True):
    """The administradora's account that pays (header of the CNAB file)."""

    banco: Annotated[Digitos, msgspec.Meta(min_length=3, max_length=3)]
    nome_banco: Annotated[str, msgspec.Meta(min_length=1, max_length=30)]
    inscricao: Annotated[
        str, msgspec.Meta(min_length=14, max_length=18, description="CNPJ da administradora.")
    ]
    nome: Annotated[str, msgspec.Meta(min_length=1, max_length=30)]
    convenio: Annotated[str, msgspec.Meta(min_length=1, max_length=20)]
    agencia: Annotated[Digitos, msgspec.Meta(min_length=1, max_length=5)]
    dv_agencia: Annotated[str, msgspec.Meta(min_length=1, max_length=1)]
    conta: Annotated[Digitos, msgspec.Meta(min_length=1, max_length=12)]
    dv_conta: Annotated[str, msgspec.Meta(min_length=1, max_length=1)]


class RemessaIn(msgspec.Struct, kw_only=True):
    """Generate the pagamentos file of a grupo's pending payouts of one forma."""

    forma: Annotated[FormaPagamentoCredito, msgspec.Meta(description="ted ou pix: um arquivo por forma")]
    conta: ContaPagadoraIn


class RetornoIn(msgspec.Struct, kw_only=True):
    """The bank's retorno file (CNAB 240 pagamentos) as text."""

    conteudo: Annotated[str, msgspec.Meta(min_length=240, max_length=50_000_000)]
