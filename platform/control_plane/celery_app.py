"""Celery wiring: the worker's tasks and beat's schedule.

* ``control_plane.issue_invoices`` runs every day at 03:00 (São Paulo) for the
  month that just ended. Daily rather than monthly so that a beat outage on
  the 1st, or a tenant whose usage arrived late, is still invoiced; the
  (tenant, period) unique key makes every repeat a no-op.
* ``control_plane.run_dunning`` runs hourly.
"""

from __future__ import annotations

from typing import Any

from celery import Celery
from celery.schedules import crontab

from control_plane.billing import tasks as billing_tasks
from control_plane.billing.periods import BILLING_TZ
from control_plane.settings import Settings, SettingsError


def create_celery(settings: Settings) -> Celery:
    if not settings.redis.url:
        raise SettingsError("CONTROL_PLANE_REDIS_URL is required for the worker and beat")
    app = Celery("control_plane", broker=settings.redis.url, backend=settings.redis.url)
    app.conf.update(
        task_default_queue=settings.worker.queue,
        timezone=str(BILLING_TZ),
        enable_utc=True,
        task_acks_late=True,  # a worker killed mid-run leaves the task queued; the tasks are idempotent
        task_reject_on_worker_lost=True,  # a pool process that dies mid-task requeues it at once
        worker_prefetch_multiplier=1,
        result_expires=86_400,
        broker_connection_retry_on_startup=True,
        beat_schedule={
            "issue-invoices-for-last-month": {
                "task": "control_plane.issue_invoices",
                "schedule": crontab(minute=0, hour=3),
            },
            "dunning": {"task": "control_plane.run_dunning", "schedule": crontab(minute=15)},
            # Invoices and dunning notices by e-mail (the notices table is the outbox).
            "billing-emails": {"task": "control_plane.send_billing_emails", "schedule": 60.0},
        },
    )

    @app.task(name="control_plane.issue_invoices")
    def issue_invoices(period: str | None = None) -> dict[str, Any]:
        result: dict[str, Any] = billing_tasks.run_sync(billing_tasks.issue_invoices(settings, period))
        return result

    @app.task(name="control_plane.run_dunning")
    def run_dunning(as_of: str | None = None) -> dict[str, Any]:
        result: dict[str, Any] = billing_tasks.run_sync(billing_tasks.run_dunning(settings, as_of))
        return result

    @app.task(name="control_plane.send_billing_emails")
    def send_billing_emails() -> dict[str, int]:
        from control_plane.billing import mailer

        result: dict[str, int] = billing_tasks.run_sync(mailer.run(settings))
        return result

    return app
