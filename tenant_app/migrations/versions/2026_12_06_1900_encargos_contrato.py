"""encargos: multa on what was unpaid at the due date, the fundo comum's part of multa/juros

Revision ID: 2026_12_06_1900
Revises: 2026_12_06_1800
Create Date: 2026-12-06 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_06_1900"
down_revision: str | None = "2026_12_06_1800"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MONEY = sa.Numeric(precision=14, scale=2)


def upgrade() -> None:
    # Lei 11.795 art. 25 parágrafo único: the contract destines multa/juros; 100 % = all to the group.
    op.add_column(
        "grupos",
        sa.Column(
            "encargos_fundo_comum_pct",
            sa.Numeric(precision=9, scale=4),
            server_default=sa.text("100"),
            nullable=False,
        ),
    )
    op.create_check_constraint(
        op.f("ck_grupos_encargos_fundo_comum_pct"), "grupos", "encargos_fundo_comum_pct between 0 and 100"
    )
    op.add_column(
        "pagamento_alocacoes",
        sa.Column("encargos_administradora", _MONEY, server_default=sa.text("0"), nullable=False),
    )
    # CDC art. 52 §1: the multa is charged on what was unpaid at the due date.
    op.add_column(
        "parcelas", sa.Column("pago_ate_vencimento", _MONEY, server_default=sa.text("0"), nullable=False)
    )
    # Existing parcelas: the principal of confirmed payments made on or before the due date.
    op.execute(
        """
        UPDATE parcelas p SET pago_ate_vencimento = s.valor
        FROM (
            SELECT a.parcela_id,
                   sum(a.fundo_comum + a.taxa_administracao + a.fundo_reserva + a.seguro) AS valor
            FROM pagamento_alocacoes a
            JOIN pagamentos g ON g.id = a.pagamento_id
            JOIN parcelas pp ON pp.id = a.parcela_id
            WHERE g.status = 'confirmado' AND g.data_pagamento <= pp.vencimento
            GROUP BY a.parcela_id
        ) s
        WHERE p.id = s.parcela_id
        """
    )
    op.create_check_constraint(
        op.f("ck_parcelas_pago_ate_vencimento"), "parcelas", "pago_ate_vencimento between 0 and valor_total"
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_parcelas_pago_ate_vencimento"), "parcelas", type_="check")
    op.drop_column("parcelas", "pago_ate_vencimento")
    op.drop_column("pagamento_alocacoes", "encargos_administradora")
    op.drop_constraint(op.f("ck_grupos_encargos_fundo_comum_pct"), "grupos", type_="check")
    op.drop_column("grupos", "encargos_fundo_comum_pct")
