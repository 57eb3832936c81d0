"""grupos.rateio_inclui_excluidas: who shares the funds' remainder at the closing (Lei 11.795 arts. 31-32)

Revision ID: 2026_12_06_1836
Revises: 2026_12_06_1820
Create Date: 2026-12-06 18:36:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_06_1836"
down_revision: str | None = "2026_12_06_1820"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "grupos",
        sa.Column("rateio_inclui_excluidas", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )


def downgrade() -> None:
    op.drop_column("grupos", "rateio_inclui_excluidas")
