"""webhook_segredos.segredo_cifrado nullable: the secrets move to the tenant's Vault path

Revision ID: 2026_12_06_2201
Revises: 2026_12_06_2152
Create Date: 2026-12-06 22:01:00

The rows keep the id, endpoint and validity; the secret itself is written to
``<kv>/tenants/<slug>/webhooks/<id>``. Moving the existing ones needs Vault, which a
migration Job may not reach: the worker's sweep moves them (webhooks/cofre.py
``mover_para_o_cofre``), and until then they are read as before.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_06_2201"
down_revision: str | None = "2026_12_06_2152"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.alter_column("webhook_segredos", "segredo_cifrado", existing_type=sa.LargeBinary(), nullable=True)


def downgrade() -> None:
    # Secrets already in Vault have no database copy: a downgrade cannot restore them.
    op.execute("DELETE FROM webhook_segredos WHERE segredo_cifrado IS NULL")
    op.alter_column("webhook_segredos", "segredo_cifrado", existing_type=sa.LargeBinary(), nullable=False)
