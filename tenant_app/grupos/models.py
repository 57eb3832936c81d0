"""The Grupo table: contract parameters, lifecycle status and fund balances."""

from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, String, text
from sqlalchemy.orm import Mapped, mapped_column

from tenant_app.database.base import Balance, Base, Percent, Timestamps, UUIDPrimaryKey, str_enum
from tenant_app.dinheiro.seguro import ModoSeguro


class TipoBem(enum.StrEnum):
    """Kind of good/service the credit buys (BCB segments)."""

    IMOVEL = "imovel"
    AUTOMOVEL = "automovel"
    MOTOCICLETA = "motocicleta"
    PESADOS = "pesados"
    OUTROS_MOVEIS = "outros_moveis"
    SERVICOS = "servicos"


class IndiceCorrecao(enum.StrEnum):
    """Index named in the contract to correct the credit value."""

    NENHUM = "nenhum"
    INCC = "INCC"
    IPCA = "IPCA"
    INPC = "INPC"
    IGPM = "IGP-M"


class StatusGrupo(enum.StrEnum):
    """Lifecycle: em formação → em andamento → encerrado (never backwards)."""

    EM_FORMACAO = "em_formacao"
    EM_ANDAMENTO = "em_andamento"
    ENCERRADO = "encerrado"


class Grupo(UUIDPrimaryKey, Timestamps, Base):
    """A consórcio group.

    Percentages are of the credit value over the whole plan (Lei 11.795 Art. 27).
    ``saldo_fundo_comum`` / ``saldo_fundo_reserva`` are kept by
    ``UnitOfWork.lancar`` only; they always equal the sum of
    the group's ledger entries.
    """

    __tablename__ = "grupos"
    __table_args__ = (
        CheckConstraint("valor_credito > 0", name="valor_credito_positivo"),
        CheckConstraint("prazo_meses between 1 and 600", name="prazo"),
        CheckConstraint("numero_cotas between 1 and 100000", name="numero_cotas"),
        CheckConstraint("multa_pct >= 0 and multa_pct <= 2", name="multa_max_2"),
        CheckConstraint(
            "taxa_antecipada_pct between 0 and taxa_administracao_pct", name="taxa_antecipada_dentro_da_taxa"
        ),
        CheckConstraint("encargos_fundo_comum_pct between 0 and 100", name="encargos_fundo_comum_pct"),
        CheckConstraint("despesas_relacionadas_pct between 0 and 10", name="despesas_relacionadas_max_10"),
        CheckConstraint("saldo_fundo_reserva >= 0", name="fundo_reserva_nao_negativo"),
    )

    codigo: Mapped[str] = mapped_column(String(30), unique=True)
    tipo_bem: Mapped[TipoBem] = mapped_column(str_enum(TipoBem, 20))
    valor_credito: Mapped[Decimal]
    prazo_meses: Mapped[int]
    numero_cotas: Mapped[int]
    taxa_administracao_pct: Mapped[Decimal] = mapped_column(Percent)
    #: Antecipação da taxa de administração (Lei 11.795 art. 27 §3), % of the credit, part of the
    #: taxa above: charged at the adesão, deducted from the parcelas (total taxa unchanged).
    taxa_antecipada_pct: Mapped[Decimal] = mapped_column(Percent, default=Decimal("0"), server_default="0")
    fundo_reserva_pct: Mapped[Decimal] = mapped_column(Percent, default=Decimal("0"))
    seguro_pct: Mapped[Decimal] = mapped_column(Percent, default=Decimal("0"))
    #: Seguro prestamista clause: % of the credit over the plan, or % a month of the saldo devedor.
    seguro_modo: Mapped[ModoSeguro] = mapped_column(
        str_enum(ModoSeguro, 24), default=ModoSeguro.PERCENTUAL_CREDITO, server_default="percentual_credito"
    )
    indice_correcao: Mapped[IndiceCorrecao] = mapped_column(
        str_enum(IndiceCorrecao, 10), default=IndiceCorrecao.NENHUM
    )
    dia_assembleia: Mapped[int]
    dia_vencimento: Mapped[int]
    multa_pct: Mapped[Decimal] = mapped_column(Percent, default=Decimal("2"))
    juros_mensal_pct: Mapped[Decimal] = mapped_column(Percent, default=Decimal("1"))
    #: Part of multa and juros received that goes to the fundo comum; the rest is the
    #: administradora's (Lei 11.795 art. 25 parágrafo único: as the contract destines).
    encargos_fundo_comum_pct: Mapped[Decimal] = mapped_column(
        Percent, default=Decimal("100"), server_default="100"
    )
    parcelas_para_exclusao: Mapped[int] = mapped_column(default=3)
    #: Cláusula penal on a restitution to an excluded consorciado, % of the amount (Lei 11.795 art. 30).
    clausula_penal_pct: Mapped[Decimal] = mapped_column(Percent, default=Decimal("0"), server_default="0")
    #: At the closing, the remainder of the fundo comum and fundo de reserva is shared also with the
    #: excluded cotas (pro rata to what each paid in); default: only the active ones (Lei 11.795 arts.
    #: 31–32 leave the criterion to the contract; excluded cotas get their restitution, art. 30).
    rateio_inclui_excluidas: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    #: A bem cheaper than the crédito: share of the crédito the difference may pay in related expenses
    #: (transfer, taxes, registry, insurance of the bem); the BCB rules allow up to 10 % (Circular BCB
    #: 3.084/2002, then 3.432/2009), the contract may set less.
    despesas_relacionadas_pct: Mapped[Decimal] = mapped_column(
        Percent, default=Decimal("10"), server_default=text("10")
    )
    status: Mapped[StatusGrupo] = mapped_column(str_enum(StatusGrupo, 20), default=StatusGrupo.EM_FORMACAO)
    data_inicio: Mapped[date | None]
    data_encerramento: Mapped[date | None]
    saldo_fundo_comum: Mapped[Decimal] = mapped_column(Balance, default=Decimal("0.00"))
    saldo_fundo_reserva: Mapped[Decimal] = mapped_column(Balance, default=Decimal("0.00"))
