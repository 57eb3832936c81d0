"""Alembic environment: always called with a live connection by ``runner``."""

from __future__ import annotations

from alembic import context

from tenant_app.model_registry import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through tenant_app.migrations.runner (python -m tenant_app migrate)")

context.configure(connection=connection, target_metadata=metadata, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
