"""Área do consorciado: the administradora's customers' own access (login by e-mailed code, his data only)."""
