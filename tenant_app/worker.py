"""The tenant's Celery app: broker on the tenant's Redis ACL user, every key under REDIS_KEY_PREFIX.

kombu's ``global_keyprefix`` puts the prefix on the queue lists, bindings and
unacked sets. Results are not stored (no backend), and remote control,
events and gossip are off because they use fanout channels and keys outside
the tenant's prefix.
"""

from __future__ import annotations

from typing import Any

from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_process_init, worker_ready

from consorcio_kit import celery_tracing
from tenant_app import calendario
from tenant_app.settings import Settings

QUEUE = "tenant-app"


def create_celery(settings: Settings) -> Celery:
    """Celery app bound to one tenant."""
    calendario.definir_fuso(settings.time_zone)
    # A task is a span in the trace of whoever queued it (an HTTP request, another task).
    celery_tracing.instrument()
    app = Celery("tenant_app", broker=settings.redis.url, set_as_current=False)
    app.conf.update(
        broker_transport_options={
            "global_keyprefix": settings.redis.key_prefix,
            "visibility_timeout": settings.shutdown.task_visibility_seconds,
            # Look for such expired messages every 10 s (kombu's default throttle makes it ~100 s).
            "unacked_restore_throttle": 1,
        },
        # Nothing lost when a worker stops (every task is idempotent, so at-least-once is
        # safe): a task is acknowledged after it ran, not when it was received. SIGTERM is a
        # warm shutdown (the running task finishes; the queued ones stay in Redis); a pool
        # process that dies mid-task (OOM kill) puts its task back at once; a worker killed
        # outright leaves the message unacknowledged, back in the queue after the visibility
        # timeout. One message reserved at a time: no prefetched task waits on a busy process.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        result_backend=None,
        task_ignore_result=True,
        task_default_queue=QUEUE,
        worker_enable_remote_control=False,
        worker_send_task_events=False,
        # Keep the JSON log format configured by the CLI.
        worker_hijack_root_logger=False,
        task_send_sent_event=False,
        timezone=settings.time_zone,
        enable_utc=True,
        # Feature modules whose tasks are declared with @shared_task.
        imports=(
            "tenant_app.assembleias.notificacao",
            "tenant_app.assembleias.tarefa_lances_vencidos",
            "tenant_app.credito.tarefas",
            "tenant_app.notificacoes.tarefas",
            "tenant_app.cobranca.tarefas",
            "tenant_app.relatorios.tarefa",
            "tenant_app.dados_pessoais.tarefas",
        ),
        beat_schedule={
            # Unused cartas 180 days old with nothing owed become cash (idempotent).
            "credito-especie": {
                "task": "credito.converter_em_especie",
                "schedule": crontab(hour=4, minute=0),
            },
            # PIX the webhook stored and whose queued settlement was lost (idempotent).
            "cobranca-pix": {"task": "cobranca.liquidar_pix", "schedule": 60.0},
            # Retornos kept at upload whose queued settlement was lost or died mid-file (idempotent).
            "cobranca-retornos": {"task": "cobranca.processar_retornos", "schedule": 60.0},
            "exclusao-diaria": {"task": "tenant_app.exclusao_diaria", "schedule": crontab(hour=3, minute=0)},
            # Repairs notifications whose message was lost (the task is idempotent).
            "notificar-contemplados": {"task": "assembleias.notificar_contemplados", "schedule": 600.0},
            # Winners who let the lance deadline pass lose the award to the next bid. Hourly,
            # not daily: the task is idempotent and a run postponed by a busy group lock
            # (or an error) is retried within the hour.
            "lances-vencidos": {"task": "assembleias.desclassificar_lances_vencidos", "schedule": 3600.0},
            # Active cotas and users are billed at their peak: an hourly reading
            # (daily would do) survives a missed run without losing the day.
            "uso-medicoes": {"task": "tenant_app.report_usage_gauges", "schedule": 3600.0},
            # Domain events: the 5 s sweep repairs lost nudges/leases; reminders are deduplicated.
            "notificacoes-varrer": {"task": "notificacoes.varrer", "schedule": 5.0},
            "notificacoes-vencimentos": {"task": "notificacoes.vencimentos", "schedule": 3600.0},
            # Personal data an older app version wrote in clear during a rolling update (the keys
            # were loaded at the worker's start, see __main__; every app start does it too).
            "dados-pessoais-legados": {"task": "dados_pessoais.cifrar_legados", "schedule": 900.0},
        },
    )

    @app.task(name="tenant_app.exclusao_diaria")
    def exclusao_diaria(ref_iso: str | None = None) -> list[str]:
        from tenant_app.inadimplencia.tasks import run_exclusao_diaria

        return run_exclusao_diaria(ref_iso)

    @app.task(name="tenant_app.report_usage_gauges")
    def report_usage_gauges() -> dict[str, int]:
        from tenant_app.platform_link.tasks import run_report_gauges

        return run_report_gauges()

    @worker_process_init.connect(weak=False)
    def nudge_dispatcher(**_: Any) -> None:
        # Events committed by this worker's own tasks (e.g. the daily exclusions) are dispatched at once.
        from tenant_app.eventos import sinal

        sinal.registrar(lambda: app.send_task("notificacoes.despachar", retry=False))

    @worker_ready.connect(weak=False)
    def measure_at_start(sender: Any = None, **_: Any) -> None:
        # Beat's first interval run comes an hour after start: read the gauges now too.
        if getattr(sender, "app", None) is app and settings.control_plane is not None:
            report_usage_gauges.delay()

    @app.task(name="tenant_app.ping")
    def ping(token: str) -> None:
        """Liveness probe of the worker: writes ``<prefix>worker:ping`` = token."""
        import redis

        client = redis.Redis.from_url(settings.redis.url)
        try:
            client.set(settings.redis.key("worker", "ping"), token, ex=300)
        finally:
            client.close()

    return app
