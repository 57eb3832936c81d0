"""parcelas: one composite foreign key (cota_id, grupo_id) → cotas (id, grupo_id)

Replaces the separate keys parcelas.cota_id → cotas and parcelas.grupo_id →
grupos. Every parcela row then costs one referential check instead of two
(a grupo start writes hundreds of thousands of them in one statement), and
the database now also guarantees that a parcela's grupo is its cota's grupo.
The grupo's existence still follows, through cotas.grupo_id → grupos.

Revision ID: 2026_11_23_1200
Revises: 2026_11_23_1100
Create Date: 2026-11-23 12:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "2026_11_23_1200"
down_revision: str | None = "2026_11_23_1100"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A foreign key needs a unique index on exactly the referenced columns.
    op.create_index("uq_cotas_id_grupo_id", "cotas", ["id", "grupo_id"], unique=True)
    op.drop_constraint("fk_parcelas_grupo_id_grupos", "parcelas", type_="foreignkey")
    op.drop_constraint("fk_parcelas_cota_id_cotas", "parcelas", type_="foreignkey")
    # Validates the existing rows: a parcela filed under another grupo than its
    # cota's stops the migration instead of being carried over silently.
    op.create_foreign_key(
        "fk_parcelas_cota_id_cotas", "parcelas", "cotas", ["cota_id", "grupo_id"], ["id", "grupo_id"]
    )


def downgrade() -> None:
    op.drop_constraint("fk_parcelas_cota_id_cotas", "parcelas", type_="foreignkey")
    op.create_foreign_key("fk_parcelas_cota_id_cotas", "parcelas", "cotas", ["cota_id"], ["id"])
    op.create_foreign_key("fk_parcelas_grupo_id_grupos", "parcelas", "grupos", ["grupo_id"], ["id"])
    op.drop_index("uq_cotas_id_grupo_id", table_name="cotas")
