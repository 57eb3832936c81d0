"""Alembic migrations of the control-plane database (run with ``python -m control_plane migrate``)."""
