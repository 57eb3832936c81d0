"""Clients of the shared services: PostgreSQL, Redis, Vault, and database snapshots."""
