"""assembleias: lance payment deadline (contract parameter) and payment record on the contemplação

Revision ID: 2026_11_23_1100
Revises: 2026_11_23_0501
Create Date: 2026-11-23 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_11_23_1100"
down_revision: str | None = "2026_11_23_0501"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "regras_assembleia",
        sa.Column("prazo_pagamento_lance_dias", sa.Integer(), server_default=sa.text("3"), nullable=False),
    )
    op.create_check_constraint(
        op.f("ck_regras_assembleia_prazo_pagamento_lance"),
        "regras_assembleia",
        "prazo_pagamento_lance_dias between 1 and 30",
    )
    op.add_column("contemplacoes", sa.Column("prazo_pagamento_lance", sa.Date(), nullable=True))
    op.add_column("contemplacoes", sa.Column("lance_pago_em", sa.DateTime(timezone=True), nullable=True))
    op.add_column("contemplacoes", sa.Column("lance_pago_por", sa.Uuid(), nullable=True))


def downgrade() -> None:
    op.drop_column("contemplacoes", "lance_pago_por")
    op.drop_column("contemplacoes", "lance_pago_em")
    op.drop_column("contemplacoes", "prazo_pagamento_lance")
    op.drop_constraint(op.f("ck_regras_assembleia_prazo_pagamento_lance"), "regras_assembleia", type_="check")
    op.drop_column("regras_assembleia", "prazo_pagamento_lance_dias")
