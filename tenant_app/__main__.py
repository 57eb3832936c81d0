"""Command line: ``python -m tenant_app migrate|create-admin|seed-demo|serve|worker``.

The operator's migration Job runs ``migrate``; ``make up`` runs ``migrate``,
``seed-demo`` and ``serve`` with the demo tenant's Secret as environment.
Every command is safe to run twice.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from tenant_app.settings import Settings, SettingsError


async def _with_unit_of_work(settings: Settings, work):  # type: ignore[no-untyped-def]
    from tenant_app.database.session import create_engine, create_session_factory
    from tenant_app.unit_of_work import Actor, UnitOfWork

    engine = create_engine(settings.database)
    try:
        async with UnitOfWork.start(create_session_factory(engine), Actor(None, "cli")) as uow:
            return await work(uow)
    finally:
        await engine.dispose()


def _chaves_dos_dados_pessoais(settings: Settings) -> bool:
    """Load the personal-data keys into this process (before a worker forks its pool); False: refused."""
    from tenant_app.dados_pessoais.chaves import ChaveIndisponivel
    from tenant_app.dados_pessoais.inicio import carregar_chaves_e_cifrar_legados
    from tenant_app.database.session import create_engine

    async def carregar() -> None:
        engine = create_engine(settings.database)
        try:
            await carregar_chaves_e_cifrar_legados(engine)
        finally:
            await engine.dispose()

    try:
        asyncio.run(carregar())
    except ChaveIndisponivel as erro:
        print(f"dados pessoais: {erro}", file=sys.stderr)
        return False
    return True


def cmd_migrate(_: argparse.Namespace) -> int:
    """Upgrade the tenant database to the latest revision; create the first admin if configured."""
    from tenant_app.migrations import runner

    url = os.environ.get("DATABASE_URL", "")
    if not url:
        print("DATABASE_URL is required", file=sys.stderr)
        return 2
    asyncio.run(runner.upgrade(url))
    revision = asyncio.run(runner.current_revision(url))
    print(f"database at revision {revision}")
    if os.environ.get("INITIAL_ADMIN_EMAIL") and os.environ.get("INITIAL_ADMIN_PASSWORD"):
        return cmd_create_admin(argparse.Namespace(email=None, password=None))
    return 0


def cmd_create_admin(args: argparse.Namespace) -> int:
    """Create an admin (from flags or INITIAL_ADMIN_*); a no-op when that e-mail exists."""
    from sqlalchemy import func, select

    from tenant_app.users.models import User
    from tenant_app.users.roles import Role
    from tenant_app.users.service import create_user

    settings = Settings.from_env()
    email = args.email or settings.initial_admin_email
    password = args.password or settings.initial_admin_password
    if not email or not password:
        print(
            "--email/--password or INITIAL_ADMIN_EMAIL/INITIAL_ADMIN_PASSWORD are required", file=sys.stderr
        )
        return 2
    if len(password) < 10:
        print("the password must have at least 10 characters", file=sys.stderr)
        return 2

    async def work(uow):  # type: ignore[no-untyped-def]
        existing = (
            await uow.session.execute(select(User.id).where(func.lower(User.email) == email.lower()))
        ).scalar_one_or_none()
        if existing is not None:
            return False
        await create_user(uow, email, "Administrador", Role.ADMIN, password)
        return True

    created = asyncio.run(_with_unit_of_work(settings, work))
    print(f"admin {email} {'created' if created else 'already exists'}")
    return 0


def cmd_seed_demo(_: argparse.Namespace) -> int:
    """Fill a realistic demo group (idempotent)."""
    from tenant_app.demo.seed import seed_demo

    settings = Settings.from_env()
    members = int(os.environ.get("SEED_DEMO_MEMBERS", "120"))
    from tenant_app.armazenamento.store import ObjectStore

    # With the tenant's bucket the demo gets its files too (contract PDFs, a Doc 2080).
    store = ObjectStore.from_settings(settings.object_store)
    if not _chaves_dos_dados_pessoais(settings):
        return 2
    summary = asyncio.run(
        _with_unit_of_work(settings, lambda uow: seed_demo(uow, members=members, armazenamento=store))
    )
    print(summary)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the HTTP app with uvicorn."""
    import uvicorn

    from tenant_app.observability.logging import configure_logging

    settings = Settings.from_env()
    configure_logging(settings.tenant_slug)
    uvicorn.run(
        "tenant_app.app:create_app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_config=None,
        access_log=False,
        proxy_headers=True,
        # SIGTERM: stop accepting, let the requests in flight finish, close what is still
        # open (SSE streams) after the grace period — before the pod's SIGKILL.
        timeout_graceful_shutdown=settings.shutdown.http_grace_seconds,
    )
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Run the Celery worker (with the beat scheduler unless --no-beat)."""
    from consorcio_kit import tracing
    from tenant_app.observability.logging import configure_logging
    from tenant_app.worker import create_celery

    settings = Settings.from_env()
    configure_logging(settings.tenant_slug)
    # Before the pool forks: the SDK's batch processor restarts its thread in each child.
    tracing.configure("consorcio-tenant-worker", attributes={"consorcio.tenant": settings.tenant_slug})
    if not _chaves_dos_dados_pessoais(settings):
        return 2
    celery = create_celery(settings)
    argv = [
        "worker",
        "--loglevel=INFO",
        f"--concurrency={args.concurrency}",
        "--without-gossip",
        "--without-mingle",
    ]
    if not args.no_beat:
        argv += ["--beat", f"--schedule={args.schedule_file}"]
    celery.worker_main(argv)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse and dispatch."""
    parser = argparse.ArgumentParser(prog="python -m tenant_app")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="upgrade the database (Alembic)").set_defaults(func=cmd_migrate)
    admin = sub.add_parser("create-admin", help="create an admin user")
    admin.add_argument("--email")
    admin.add_argument("--password")
    admin.set_defaults(func=cmd_create_admin)
    sub.add_parser("seed-demo", help="fill a demo group").set_defaults(func=cmd_seed_demo)
    serve = sub.add_parser("serve", help="run the HTTP app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(func=cmd_serve)
    worker = sub.add_parser("worker", help="run the Celery worker")
    worker.add_argument("--concurrency", type=int, default=1)
    worker.add_argument("--no-beat", action="store_true")
    worker.add_argument("--schedule-file", default="/tmp/tenant-app-celerybeat-schedule")
    worker.set_defaults(func=cmd_worker)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
