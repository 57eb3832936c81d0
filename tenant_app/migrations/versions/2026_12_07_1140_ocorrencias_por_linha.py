"""ocorrencias_por_linha: a retorno's ocorrências indexed in file order

The ocorrências route pages a retorno by ``linha`` (100,000 rows in a big file); the partial index
on pendentes goes, since an ocorrência is now written once with its result (never stored pendente).

Revision ID: 2026_12_07_1140
Revises: 2026_12_07_1110
Create Date: 2026-12-07 11:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_07_1140"
down_revision: str | None = "2026_12_07_1110"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_ocorrencias_cobranca_pendentes", table_name="ocorrencias_cobranca")
    op.create_index(
        "ix_ocorrencias_cobranca_retorno_linha", "ocorrencias_cobranca", ["retorno_id", "linha"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_ocorrencias_cobranca_retorno_linha", table_name="ocorrencias_cobranca")
    op.create_index(
        "ix_ocorrencias_cobranca_pendentes",
        "ocorrencias_cobranca",
        ["retorno_id"],
        unique=False,
        postgresql_where=sa.text("resultado = 'pendente'"),
    )
