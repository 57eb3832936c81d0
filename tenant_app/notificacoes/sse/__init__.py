"""See tenant_app.notificacoes."""
