"""ids_no_banco: allocations and ledger rows get their id from the database when none is sent

A bank's retorno of 100,000 títulos writes about 500,000 of these rows with COPY, and nothing in
that transaction refers to them by id: drawing each uuid4 in the app cost about 2 s of the import's
single Python thread. ORM writers still send their own ids (the audit trail needs them before flush).

Revision ID: 2026_12_07_1800
Revises: 2026_12_07_1140
Create Date: 2026-12-07 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_07_1800"
down_revision: str | None = "2026_12_07_1140"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABELAS = ("pagamento_alocacoes", "lancamentos_fundo")


def upgrade() -> None:
    for tabela in TABELAS:
        op.alter_column(tabela, "id", server_default=sa.text("gen_random_uuid()"))


def downgrade() -> None:
    for tabela in TABELAS:
        op.alter_column(tabela, "id", server_default=None)
