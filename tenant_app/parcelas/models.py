"""The Parcela table: one monthly instalment of one cota."""

from __future__ import annotations

import enum
import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKeyConstraint, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tenant_app.cotas.models import Cota
from tenant_app.database.base import Base, UUIDPrimaryKey, str_enum
from tenant_app.dinheiro.encargos import Encargos, encargos_devidos


class StatusParcela(enum.StrEnum):
    """Payment state of a parcela."""

    ABERTA = "aberta"
    PARCIAL = "parcial"
    PAGA = "paga"


# (id, grupo_id) is trivially unique on cotas (id is the key); the index exists only
# as the target of the parcelas foreign key below, which then checks in one probe
# per parcela both that the cota exists and that the parcela's grupo is the cota's.
# It is declared here, next to its only user, and not in cotas/models.py.
Index("uq_cotas_id_grupo_id", Cota.__table__.c.id, Cota.__table__.c.grupo_id, unique=True)


class ValoresDaParcela:
    """What a parcela owes, from its columns: shared by the ORM row and by the plain copy a bulk
    settlement works on (``parcelas.em_memoria``), so both answer with the same rules."""

    valor_total: Decimal
    vencimento: date
    pago_fundo_comum: Decimal
    pago_taxa_administracao: Decimal
    pago_fundo_reserva: Decimal
    pago_seguro: Decimal
    pago_multa: Decimal
    juros_pendentes: Decimal
    juros_calculados_ate: date | None
    pago_ate_vencimento: Decimal

    @property
    def valor_pago_principal(self) -> Decimal:
        """What was paid of the components (late charges excluded)."""
        fundos = self.pago_fundo_comum + self.pago_fundo_reserva
        return fundos + self.pago_taxa_administracao + self.pago_seguro

    @property
    def saldo(self) -> Decimal:
        """What is still due of the components."""
        return self.valor_total - self.valor_pago_principal

    def encargos(self, data: date, multa_pct: Decimal, juros_mensal_pct: Decimal) -> Encargos:
        """Late charges owed on ``data`` given this row's payments and interest booked so far."""
        return encargos_devidos(
            valor_total=self.valor_total,
            saldo_principal=self.saldo,
            vencimento=self.vencimento,
            data=data,
            multa_pct=multa_pct,
            juros_mensal_pct=juros_mensal_pct,
            pago_multa=self.pago_multa,
            juros_pendentes=self.juros_pendentes,
            juros_calculados_ate=self.juros_calculados_ate,
            pago_ate_vencimento=self.pago_ate_vencimento,
        )


class Parcela(ValoresDaParcela, UUIDPrimaryKey, Base):
    """One instalment: each component in R$, what was paid of it, and late charges received.

    ``valor_*`` are the amounts due; ``pago_*`` what payments allocated to them.
    ``pago_multa`` / ``pago_juros`` are late charges received (the fundo comum's
    part of them is the grupo's ``encargos_fundo_comum_pct``). Paid amounts never
    exceed amounts due (database checks).
    """

    __tablename__ = "parcelas"
    __table_args__ = (
        # Also serves every per-cota lookup; no separate (cota_id, status) index, which
        # would slow schedule generation (hundreds of thousands of rows) for little gain.
        UniqueConstraint("cota_id", "numero"),
        # One composite key instead of separate keys to cotas and grupos: a grupo start
        # checks it for hundreds of thousands of rows, one probe each, and it also
        # guarantees grupo_id is the cota's grupo (the grupo's existence follows from
        # the cotas → grupos key).
        ForeignKeyConstraint(["cota_id", "grupo_id"], ["cotas.id", "cotas.grupo_id"]),
        Index("ix_parcelas_grupo_vencimento", "grupo_id", "vencimento"),
        CheckConstraint(
            "valor_total = valor_fundo_comum + valor_taxa_administracao + valor_fundo_reserva + valor_seguro",
            name="total_soma_componentes",
        ),
        CheckConstraint(
            "pago_fundo_comum between 0 and valor_fundo_comum"
            " and pago_taxa_administracao between 0 and valor_taxa_administracao"
            " and pago_fundo_reserva between 0 and valor_fundo_reserva"
            " and pago_seguro between 0 and valor_seguro"
            " and pago_multa >= 0 and pago_juros >= 0 and juros_pendentes >= 0",
            name="pago_dentro_do_devido",
        ),
        CheckConstraint("pago_ate_vencimento between 0 and valor_total", name="pago_ate_vencimento"),
    )
    __audited__ = False  # tens of thousands per group; changes are audited via payments

    cota_id: Mapped[uuid.UUID]
    grupo_id: Mapped[uuid.UUID]
    numero: Mapped[int]
    vencimento: Mapped[date]
    valor_fundo_comum: Mapped[Decimal]
    valor_taxa_administracao: Mapped[Decimal]
    valor_fundo_reserva: Mapped[Decimal]
    valor_seguro: Mapped[Decimal]
    valor_total: Mapped[Decimal]
    #: The part of ``valor_taxa_administracao`` that is the antecipação da taxa (Lei 11.795
    #: art. 27 §3): charged with the adesão's parcela, shown apart; 0 on every other parcela.
    valor_taxa_antecipada: Mapped[Decimal] = mapped_column(default=Decimal("0.00"), server_default="0")
    pago_fundo_comum: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    pago_taxa_administracao: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    pago_fundo_reserva: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    pago_seguro: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    pago_multa: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    pago_juros: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    status: Mapped[StatusParcela] = mapped_column(str_enum(StatusParcela, 10), default=StatusParcela.ABERTA)
    paga_em: Mapped[date | None]
    # Juros de mora accrue on the unpaid principal; these two fields remember up
    # to when they were computed and what of them is still owed, so partial
    # payments neither lose nor double-charge interest.
    juros_calculados_ate: Mapped[date | None]
    juros_pendentes: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    # Principal paid on or before the due date: the multa is charged only on the rest
    # (CDC art. 52 §1, on the amount in arrears). Written by pagamento_parcela only.
    pago_ate_vencimento: Mapped[Decimal] = mapped_column(default=Decimal("0.00"), server_default="0")
