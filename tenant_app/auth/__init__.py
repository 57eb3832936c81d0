"""Login, JWT access tokens, refresh-token rotation, lockout and route guards."""
