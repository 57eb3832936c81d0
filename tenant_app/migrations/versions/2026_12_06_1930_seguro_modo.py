"""grupos.seguro_modo: seguro prestamista as % of the credit (as before) or % a month of the saldo devedor

Revision ID: 2026_12_06_1930
Revises: 2026_12_06_1920
Create Date: 2026-12-06 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_06_1930"
down_revision: str | None = "2026_12_06_1920"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing groups keep the clause they were priced with: a percentage of the credit.
    op.add_column(
        "grupos",
        sa.Column("seguro_modo", sa.String(length=24), server_default="percentual_credito", nullable=False),
    )


def downgrade() -> None:
    op.drop_column("grupos", "seguro_modo")
