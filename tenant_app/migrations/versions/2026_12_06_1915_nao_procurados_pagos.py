"""encerramento_cotas.pago_em/pago_por: a recurso não procurado paid when claimed (Lei 11.795 arts. 33-34)

Revision ID: 2026_12_06_1915
Revises: 2026_12_06_1907
Create Date: 2026-12-06 19:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_06_1915"
down_revision: str | None = "2026_12_06_1907"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("encerramento_cotas", sa.Column("pago_em", sa.DateTime(timezone=True), nullable=True))
    op.add_column("encerramento_cotas", sa.Column("pago_por", sa.Uuid(), nullable=True))


def downgrade() -> None:
    op.drop_column("encerramento_cotas", "pago_por")
    op.drop_column("encerramento_cotas", "pago_em")
