"""garantias_registro_cifrado: a guarantee's registration data (a fiador's CPF, income) encrypted

The JSONB becomes its JSON text, which the app encrypts at start like the other personal columns
(``dados_pessoais.backfill``: a row in clear holds the JSON text). The downgrade only fits rows in clear.

Revision ID: 2026_12_07_1110
Revises: 2026_12_07_1100
Create Date: 2026-12-07 11:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "2026_12_07_1110"
down_revision: str | None = "2026_12_07_1100"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.alter_column(
        "cartas_credito_garantias",
        "registro",
        type_=sa.Text(),
        existing_type=postgresql.JSONB(astext_type=sa.Text()),
        existing_nullable=False,
        postgresql_using="registro::text",
    )


def downgrade() -> None:
    op.alter_column(
        "cartas_credito_garantias",
        "registro",
        type_=postgresql.JSONB(astext_type=sa.Text()),
        existing_type=sa.Text(),
        existing_nullable=False,
        postgresql_using="registro::jsonb",
    )
