"""Domain events: the outbox the unit of work writes in the same transaction as the change.

Below every feature (like ``audit_log``): services call ``uow.publicar(tipo, dados,
chave=...)``; ``tenant_app.notificacoes`` delivers the committed rows.
"""
