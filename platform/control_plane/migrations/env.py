"""Alembic environment: always handed a live connection by ``control_plane.migrations.runner``."""

from __future__ import annotations

from alembic import context

from control_plane.database.registry import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `python -m control_plane migrate`")

context.configure(connection=connection, target_metadata=metadata, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
