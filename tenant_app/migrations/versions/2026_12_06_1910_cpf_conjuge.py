"""consorciados.cpf_conjuge: the cônjuge/companheiro counts towards the 10 % cap (Res. BCB 285/2023)

Revision ID: 2026_12_06_1910
Revises: 2026_12_06_1900
Create Date: 2026-12-06 19:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_06_1910"
down_revision: str | None = "2026_12_06_1900"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("consorciados", sa.Column("cpf_conjuge", sa.String(length=11), nullable=True))
    op.create_index(op.f("ix_consorciados_cpf_conjuge"), "consorciados", ["cpf_conjuge"])


def downgrade() -> None:
    op.drop_index(op.f("ix_consorciados_cpf_conjuge"), table_name="consorciados")
    op.drop_column("consorciados", "cpf_conjuge")
