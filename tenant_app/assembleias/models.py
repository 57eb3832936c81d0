"""Tables of the assembleias feature.

Rules the database enforces itself, as the second line behind the services:
one active lance per cota per assembleia, one apuração per assembleia and
revision, and one contemplação per cota over the life of the group.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tenant_app.assembleias.apuracao.regras import AmortizacaoLance, TipoLance
from tenant_app.assembleias.apuracao.resultado import Modalidade
from tenant_app.assembleias.sorteio.aproximacao import DirecaoAproximacao
from tenant_app.assembleias.sorteio.ordem import MetodoSorteio
from tenant_app.database.base import Base, Percent, Timestamps, UUIDPrimaryKey, str_enum, utcnow
from tenant_app.dinheiro.amortizacao import LancePaga
from tenant_app.pagamentos.models import Pagamento, StatusPagamento


class RegrasAssembleiaGrupo(Timestamps, Base):
    """The group contract's assembleia parameters (one row per grupo)."""

    __tablename__ = "regras_assembleia"
    __table_args__ = (
        CheckConstraint(
            "contemplacoes_sorteio >= 0 and sorteios_restituicao >= 0 and fundo_reserva_sorteios_extras >= 0",
            name="contagens_nao_negativas",
        ),
        CheckConstraint("embutido_maximo_percentual between 0 and 100", name="embutido_maximo"),
        CheckConstraint("prazo_pagamento_lance_dias between 1 and 30", name="prazo_pagamento_lance"),
    )

    grupo_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("grupos.id"), primary_key=True)
    metodo_sorteio: Mapped[MetodoSorteio] = mapped_column(str_enum(MetodoSorteio, 16))
    zero_vale_mil: Mapped[bool] = mapped_column(default=True)
    #: "000" names the group's highest cota (the contract's clause; wins over zero_vale_mil).
    zero_vale_maior_cota: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    #: Centena methods: approximate from the 1st prize when no candidate is an eligible cota.
    aproximar_sem_candidato: Mapped[bool] = mapped_column(default=True, server_default=text("true"))
    #: {"<número sorteado>": cota}; only for centena groups under 1,000 cotas.
    tabela_equivalencia: Mapped[dict[str, int] | None] = mapped_column(JSONB)
    direcao_aproximacao: Mapped[DirecaoAproximacao] = mapped_column(str_enum(DirecaoAproximacao, 16))
    contemplacoes_sorteio: Mapped[int] = mapped_column(default=1)
    sorteios_restituicao: Mapped[int] = mapped_column(default=0)
    tipos_lance: Mapped[list[str]] = mapped_column(JSONB)
    lance_minimo_percentual: Mapped[Decimal] = mapped_column(Percent, default=Decimal(0))
    lance_fixo_percentual: Mapped[Decimal | None] = mapped_column(Percent)
    embutido_maximo_percentual: Mapped[Decimal] = mapped_column(Percent, default=Decimal(0))
    contemplacoes_lance_maximo: Mapped[int | None]
    fundo_reserva_completa_sorteios: Mapped[bool] = mapped_column(default=False)
    fundo_reserva_sorteios_extras: Mapped[int] = mapped_column(default=0)
    amortizacao_lance: Mapped[AmortizacaoLance] = mapped_column(str_enum(AmortizacaoLance, 20))
    #: Business days (Mon-Fri, no national holiday) a lance winner has to pay the lance,
    #: counted from the day of the apuração that awarded it. Not an apuração input:
    #: it decides a deadline, not who wins.
    prazo_pagamento_lance_dias: Mapped[int] = mapped_column(default=3, server_default=text("3"))
    #: What a paid lance pays of the parcelas it covers (fundo comum only, or whole parcelas).
    lance_paga: Mapped[LancePaga] = mapped_column(
        str_enum(LancePaga, 20), default=LancePaga.FUNDO_COMUM, server_default=LancePaga.FUNDO_COMUM.value
    )


class StatusAssembleia(enum.StrEnum):
    """agendada → recebendo_lances → apurada → encerrada (never backwards); agendada → cancelada."""

    AGENDADA = "agendada"
    RECEBENDO_LANCES = "recebendo_lances"
    APURADA = "apurada"
    ENCERRADA = "encerrada"
    #: Called off before its lance window opened (kept, with its audit trail; the number stays used).
    CANCELADA = "cancelada"


class Assembleia(UUIDPrimaryKey, Timestamps, Base):
    """An AGO of one group: its date, lance cut-off and, once apurada, the extraction used."""

    __tablename__ = "assembleias"
    __table_args__ = (UniqueConstraint("grupo_id", "numero"),)

    grupo_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("grupos.id"), index=True)
    numero: Mapped[int]
    data_assembleia: Mapped[date]
    #: Lances are accepted until this instant; eligibility is judged at it.
    corte_lances_em: Mapped[datetime]
    status: Mapped[StatusAssembleia] = mapped_column(
        str_enum(StatusAssembleia, 20), default=StatusAssembleia.AGENDADA
    )
    extracao_concurso: Mapped[int | None]
    extracao_premios: Mapped[list[str] | None] = mapped_column(JSONB)
    hash_entrada: Mapped[str | None] = mapped_column(String(64))
    apurada_em: Mapped[datetime | None]
    encerrada_em: Mapped[datetime | None]


class StatusLance(enum.StrEnum):
    """A lance is active until cancelled (before the cut-off) or set aside."""

    ATIVO = "ativo"
    CANCELADO = "cancelado"


class LanceAssembleia(UUIDPrimaryKey, Base):
    """A sealed bid of one cota in one assembleia."""

    __tablename__ = "lances"
    __table_args__ = (
        Index(
            "uq_lances_um_ativo_por_cota",
            "assembleia_id",
            "cota_id",
            unique=True,
            postgresql_where=text("status = 'ativo'"),
        ),
        CheckConstraint("percentual > 0 and percentual < 100", name="percentual"),
        CheckConstraint("percentual_embutido >= 0 and percentual_embutido <= percentual", name="embutido"),
    )

    assembleia_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assembleias.id"), index=True)
    cota_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cotas.id"))
    tipo: Mapped[TipoLance] = mapped_column(str_enum(TipoLance, 10))
    percentual: Mapped[Decimal] = mapped_column(Percent)
    percentual_embutido: Mapped[Decimal] = mapped_column(Percent, default=Decimal(0))
    status: Mapped[StatusLance] = mapped_column(str_enum(StatusLance, 10), default=StatusLance.ATIVO)
    registrado_em: Mapped[datetime] = mapped_column(default=utcnow)
    registrado_por: Mapped[uuid.UUID | None]
    cancelado_em: Mapped[datetime | None]


class Apuracao(UUIDPrimaryKey, Base):
    """The assembly record: canonical inputs, their SHA-256 and the canonical result.

    The canonical texts are stored byte for byte (TEXT, not JSONB, which would
    reorder keys) so anyone can recompute the hash and the result.
    """

    __tablename__ = "apuracoes"
    __table_args__ = (UniqueConstraint("assembleia_id", "revisao"),)
    # The inputs can reach megabytes; the audit trail keeps their hash instead.
    __audit_exclude__ = frozenset({"entrada_canonica", "resultado_canonico"})

    assembleia_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assembleias.id"), index=True)
    #: 1 for the apuração; each disqualification of an unpaid lance adds one.
    revisao: Mapped[int] = mapped_column(default=1)
    hash_entrada: Mapped[str] = mapped_column(String(64))
    entrada_canonica: Mapped[str] = mapped_column(Text)
    resultado_canonico: Mapped[str] = mapped_column(Text)
    apurada_em: Mapped[datetime] = mapped_column(default=utcnow)
    apurada_por: Mapped[uuid.UUID | None]


class StatusContemplacao(enum.StrEnum):
    """A lance winner who does not pay in time is disqualified."""

    ATIVA = "ativa"
    DESCLASSIFICADA = "desclassificada"


class ContemplacaoCota(UUIDPrimaryKey, Base):
    """A cota awarded its carta de crédito (or, if excluded, its restitution)."""

    __tablename__ = "contemplacoes"
    __table_args__ = (
        # Each cota is contemplated at most once over the life of the group.
        Index(
            "uq_contemplacoes_uma_por_cota",
            "cota_id",
            unique=True,
            postgresql_where=text("status = 'ativa'"),
        ),
    )

    grupo_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("grupos.id"), index=True)
    assembleia_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assembleias.id"), index=True)
    apuracao_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("apuracoes.id"))
    cota_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cotas.id"))
    cota_numero: Mapped[int]
    modalidade: Mapped[Modalidade] = mapped_column(str_enum(Modalidade, 24))
    status: Mapped[StatusContemplacao] = mapped_column(
        str_enum(StatusContemplacao, 16), default=StatusContemplacao.ATIVA
    )
    valor_credito: Mapped[Decimal]
    #: The carta de crédito (credit minus embutido) or the restitution amount.
    valor_liberado: Mapped[Decimal]
    percentual_lance: Mapped[Decimal | None] = mapped_column(Percent)
    valor_lance: Mapped[Decimal | None]
    valor_embutido: Mapped[Decimal | None]
    #: What the winner must pay in by the deadline.
    valor_lance_a_pagar: Mapped[Decimal | None]
    do_fundo_comum: Mapped[Decimal]
    do_fundo_reserva: Mapped[Decimal]
    detalhe: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    notificado_em: Mapped[datetime | None]
    #: Lance awards only: last day to pay ``valor_lance_a_pagar``; after it the
    #: award is disqualified and the next bid wins.
    prazo_pagamento_lance: Mapped[date | None]
    #: When and by whom the lance payment was registered (kept after an estorno: see ``lance_pago``).
    lance_pago_em: Mapped[datetime | None]
    lance_pago_por: Mapped[uuid.UUID | None]
    #: The pagamento (forma lance) that paid the lance; the latest one after an estorno and a new payment.
    pagamento_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("pagamentos.id"))
    pagamento_lance: Mapped[Pagamento | None] = relationship(lazy="selectin")

    @property
    def lance_pago(self) -> bool:
        """The lance is paid while its pagamento stands: an estorno of it makes the lance unpaid again."""
        if self.pagamento_lance is not None:
            return self.pagamento_lance.status is StatusPagamento.CONFIRMADO
        # Lances paid before they were recorded as pagamentos (revision 2026_12_06_1700).
        return self.lance_pago_em is not None
