"""The control plane's own PostgreSQL database: declarative base, engine, sessions."""
