"""Staff users of the administradora, their roles and refresh tokens."""
