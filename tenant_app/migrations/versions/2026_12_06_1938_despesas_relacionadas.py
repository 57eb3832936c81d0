"""grupos.despesas_relacionadas_pct: the contract's limit of related expenses (a cheaper bem's difference)

Revision ID: 2026_12_06_1938
Revises: 2026_12_06_1915
Create Date: 2026-12-06 19:38:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_06_1938"
down_revision: str | None = "2026_12_06_1915"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing groups keep the limit they had (10 % of the crédito, the BCB ceiling).
    op.add_column(
        "grupos",
        sa.Column(
            "despesas_relacionadas_pct",
            sa.Numeric(precision=9, scale=4),
            server_default=sa.text("10"),
            nullable=False,
        ),
    )
    op.create_check_constraint(
        op.f("ck_grupos_despesas_relacionadas_max_10"), "grupos", "despesas_relacionadas_pct between 0 and 10"
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_grupos_despesas_relacionadas_max_10"), "grupos", type_="check")
    op.drop_column("grupos", "despesas_relacionadas_pct")
