"""API clients of integrations: role-scoped keys, rotated with overlap, revoked at once."""
