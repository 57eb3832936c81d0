"""antecipação da taxa de administração (Lei 11.795 art. 27 §3): grupos and parcelas columns

Revision ID: 2026_12_06_2000
Revises: 2026_12_06_1950
Create Date: 2026-12-06 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_06_2000"
down_revision: str | None = "2026_12_06_1950"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "grupos",
        sa.Column(
            "taxa_antecipada_pct",
            sa.Numeric(precision=9, scale=4),
            server_default=sa.text("0"),
            nullable=False,
        ),
    )
    op.create_check_constraint(
        op.f("ck_grupos_taxa_antecipada_dentro_da_taxa"),
        "grupos",
        "taxa_antecipada_pct between 0 and taxa_administracao_pct",
    )
    op.add_column(
        "parcelas",
        sa.Column(
            "valor_taxa_antecipada",
            sa.Numeric(precision=14, scale=2),
            server_default=sa.text("0"),
            nullable=False,
        ),
    )


def downgrade() -> None:
    op.drop_column("parcelas", "valor_taxa_antecipada")
    op.drop_constraint(op.f("ck_grupos_taxa_antecipada_dentro_da_taxa"), "grupos", type_="check")
    op.drop_column("grupos", "taxa_antecipada_pct")
