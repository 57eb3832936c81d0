"""grupos.clausula_penal_pct: the contract's penalty on a restitution (Lei 11.795 art. 30)

Revision ID: 2026_12_06_1950
Revises: 2026_12_06_1940
Create Date: 2026-12-06 19:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_06_1950"
down_revision: str | None = "2026_12_06_1940"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "grupos",
        sa.Column(
            "clausula_penal_pct",
            sa.Numeric(precision=9, scale=4),
            server_default=sa.text("0"),
            nullable=False,
        ),
    )


def downgrade() -> None:
    op.drop_column("grupos", "clausula_penal_pct")
