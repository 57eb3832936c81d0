"""pagamentos: a lance paid is a pagamento (valor_embutido on the pagamento, the contemplação points to it)

Revision ID: 2026_12_06_1700
Revises: 2026_11_23_1200
Create Date: 2026-12-06 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_06_1700"
down_revision: str | None = "2026_11_23_1200"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "pagamentos",
        sa.Column(
            "valor_embutido", sa.Numeric(precision=14, scale=2), server_default=sa.text("0"), nullable=False
        ),
    )
    op.create_check_constraint(
        op.f("ck_pagamentos_embutido_dentro_do_valor"), "pagamentos", "valor_embutido between 0 and valor"
    )
    # Lances paid before this revision keep lance_pago_em without a pagamento (and stay paid).
    op.add_column("contemplacoes", sa.Column("pagamento_id", sa.Uuid(), nullable=True))
    op.create_foreign_key(
        op.f("fk_contemplacoes_pagamento_id_pagamentos"),
        "contemplacoes",
        "pagamentos",
        ["pagamento_id"],
        ["id"],
    )


def downgrade() -> None:
    op.drop_constraint(op.f("fk_contemplacoes_pagamento_id_pagamentos"), "contemplacoes", type_="foreignkey")
    op.drop_column("contemplacoes", "pagamento_id")
    op.drop_constraint(op.f("ck_pagamentos_embutido_dentro_do_valor"), "pagamentos", type_="check")
    op.drop_column("pagamentos", "valor_embutido")
