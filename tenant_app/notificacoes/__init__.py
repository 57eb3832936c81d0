"""Delivering domain events (``tenant_app.eventos``): webhooks, e-mail and live updates (SSE).

``despacho.py`` turns each committed outbox row into delivery rows (one per webhook
endpoint subscribed, one per e-mail) in one transaction, and publishes it to the live
channel; ``tarefas.py`` holds the Celery tasks and beat sweeps that drive it.
"""
