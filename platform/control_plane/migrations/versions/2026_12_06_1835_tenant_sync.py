"""Tenants registered from the cluster (origin) and the history of plan/suspension/deletion changes.

Revision ID: 2026_12_06_1835
Revises: 2026_11_23_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "2026_12_06_1835"
down_revision = "2026_11_23_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "tenants",
        sa.Column(
            "origin",
            sa.Enum("control-plane", "cluster", name="tenantorigin", native_enum=False, length=32),
            server_default="control-plane",
            nullable=False,
        ),
    )
    op.create_table(
        "tenant_state_changes",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("old_value", sa.String(length=64), nullable=True),
        sa.Column("new_value", sa.String(length=64), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_tenant_state_changes_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenant_state_changes")),
    )
    op.create_index(
        "ix_tenant_state_changes_tenant_at", "tenant_state_changes", ["tenant_id", "changed_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_tenant_state_changes_tenant_at", table_name="tenant_state_changes")
    op.drop_table("tenant_state_changes")
    op.drop_column("tenants", "origin")
