"""The área do consorciado's web pages (``/cliente``); the rules are in ``tenant_app.portal``."""
