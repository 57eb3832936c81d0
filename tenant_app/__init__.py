"""The administradora's consórcio application (one instance per tenant)."""
