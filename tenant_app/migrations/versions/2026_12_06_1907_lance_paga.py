"""regras_assembleia.lance_paga: what a lance pays of the parcelas it covers (issue 12 item 10)

Revision ID: 2026_12_06_1907
Revises: 2026_12_06_1836
Create Date: 2026-12-06 19:07:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_06_1907"
down_revision: str | None = "2026_12_06_1836"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing groups keep the clause their apurações were made with: the lance pays the fundo comum only.
    op.add_column(
        "regras_assembleia",
        sa.Column("lance_paga", sa.String(length=20), server_default="fundo_comum", nullable=False),
    )


def downgrade() -> None:
    op.drop_column("regras_assembleia", "lance_paga")
