"""pagamento_reprogramacoes: a reduzir_prazo lance leaves the parcelas it paid off really paid

Revision ID: 2026_12_06_1920
Revises: 2026_12_06_1910
Create Date: 2026-12-06 19:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_06_1920"
down_revision: str | None = "2026_12_06_1910"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MONEY = sa.Numeric(precision=14, scale=2)


def upgrade() -> None:
    op.create_table(
        "pagamento_reprogramacoes",
        sa.Column("pagamento_id", sa.Uuid(), nullable=False),
        sa.Column("parcela_id", sa.Uuid(), nullable=False),
        sa.Column("parcela_numero", sa.Integer(), nullable=False),
        sa.Column("taxa_administracao", _MONEY, nullable=False),
        sa.Column("fundo_reserva", _MONEY, nullable=False),
        sa.Column("seguro", _MONEY, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pagamento_id"],
            ["pagamentos.id"],
            name=op.f("fk_pagamento_reprogramacoes_pagamento_id_pagamentos"),
        ),
        sa.ForeignKeyConstraint(
            ["parcela_id"], ["parcelas.id"], name=op.f("fk_pagamento_reprogramacoes_parcela_id_parcelas")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pagamento_reprogramacoes")),
    )
    op.create_index(
        op.f("ix_pagamento_reprogramacoes_pagamento_id"), "pagamento_reprogramacoes", ["pagamento_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_pagamento_reprogramacoes_pagamento_id"), table_name="pagamento_reprogramacoes")
    op.drop_table("pagamento_reprogramacoes")
