"""Alembic migrations of the tenant database, run by ``python -m tenant_app migrate``."""
