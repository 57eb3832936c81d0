"""Web UI of the tenant app."""
