"""regras_assembleia: the sorteio clause — "000" as the highest cota, approximation after the candidates

Revision ID: 2026_12_06_1940
Revises: 2026_12_06_1930
Create Date: 2026-12-06 19:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_06_1940"
down_revision: str | None = "2026_12_06_1930"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # metodo_sorteio gains "centena_final" and direcao_aproximacao "alternada_abaixo" (VARCHAR, no DDL).
    op.add_column(
        "regras_assembleia",
        sa.Column("zero_vale_maior_cota", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    # From now on a centena draw always reaches an eligible cota; stored apurações keep their
    # canonical inputs (which lack the field) and so their hash and result.
    op.add_column(
        "regras_assembleia",
        sa.Column("aproximar_sem_candidato", sa.Boolean(), server_default=sa.text("true"), nullable=False),
    )


def downgrade() -> None:
    op.drop_column("regras_assembleia", "aproximar_sem_candidato")
    op.drop_column("regras_assembleia", "zero_vale_maior_cota")
