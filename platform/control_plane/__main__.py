"""``python -m control_plane migrate|serve|worker|beat|create-admin|reset-totp``.

* ``migrate``: schema to head, instance secrets and the platform's feature flags; safe to run
  concurrently and repeatedly.
* ``serve [--host H] [--port P]``: the API (default 127.0.0.1:8100).
* ``worker [celery worker options]`` / ``beat [celery beat options]``.
* ``create-admin --email E [--password P] [--role R] [--print-token]``: create
  or update a staff account (idempotent). The password may also come from
  ``CONTROL_PLANE_ADMIN_PASSWORD``. ``--print-token`` prints only a fresh
  access token on stdout, for scripts: ``TOKEN=$(python -m control_plane create-admin ... --print-token)``.
  The token skips the TOTP code: whoever runs this already holds the database credentials.
* ``reset-totp --email E``: an administrator's reset of a staff member's TOTP (lost
  authenticator); audited as ``admin_user.totp_reset`` by ``system:cli``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys

from control_plane.settings import Settings, SettingsError


def _migrate(settings: Settings) -> None:
    from control_plane.auth.service import ensure_signing_key
    from control_plane.database.engine import make_engine, make_session_factory
    from control_plane.flags.defaults import ensure_platform_flags
    from control_plane.migrations.runner import upgrade

    async def run() -> None:
        await upgrade(settings.database.url)
        engine = make_engine(settings.database, pooled=False)
        try:
            async with make_session_factory(engine)() as session:
                await ensure_signing_key(session)
                created = await ensure_platform_flags(session)
                if created:
                    print(f"platform flags created: {', '.join(created)}", file=sys.stderr)
        finally:
            await engine.dispose()

    asyncio.run(run())
    print("control-plane database is at head", file=sys.stderr)


def _serve(settings: Settings, host: str | None, port: int | None) -> None:
    import uvicorn

    from consorcio_kit import tracing
    from control_plane.app import create_app

    # Spans exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set.
    tracing.configure("consorcio-control-plane")
    uvicorn.run(
        create_app(settings),
        host=host or settings.server.host,
        port=port or settings.server.port,
        log_level="info",
        proxy_headers=True,
        # SIGTERM drains: no new connections, the requests in flight finish (bounded).
        timeout_graceful_shutdown=settings.server.shutdown_grace_seconds,
    )


def _create_admin(settings: Settings, args: argparse.Namespace) -> None:
    from control_plane.audit.service import ActionContext
    from control_plane.auth.principals import AdminPrincipal
    from control_plane.auth.roles import Role
    from control_plane.auth.service import AdminUserService, ensure_signing_key
    from control_plane.auth.tokens import issue_admin_token
    from control_plane.database.engine import make_engine, make_session_factory

    password = args.password or os.environ.get("CONTROL_PLANE_ADMIN_PASSWORD")
    if not password:
        raise SettingsError("give --password or set CONTROL_PLANE_ADMIN_PASSWORD")
    role = Role(args.role)

    async def run() -> str | None:
        engine = make_engine(settings.database, pooled=False)
        try:
            async with make_session_factory(engine)() as session:
                user = await AdminUserService(session).upsert(
                    ActionContext.system("cli"), args.email, password, role, args.name or ""
                )
                if not args.print_token:
                    return None
                key = settings.auth.secret_key or await ensure_signing_key(session)
                principal = AdminPrincipal(user.id, user.email, user.role)
                return issue_admin_token(principal, key, settings.auth.admin_token_ttl_seconds)
        finally:
            await engine.dispose()

    token = asyncio.run(run())
    print(f"admin {args.email} ({role.value}) is ready", file=sys.stderr)
    if token:
        print(token)


def _reset_totp(settings: Settings, email: str) -> None:
    from control_plane.audit.service import ActionContext
    from control_plane.auth.second_factor import SecondFactorService
    from control_plane.database.engine import make_engine, make_session_factory
    from control_plane.problems import NotFound

    async def run() -> None:
        engine = make_engine(settings.database, pooled=False)
        try:
            async with make_session_factory(engine)() as session:
                await SecondFactorService(session).reset(ActionContext.system("cli"), email)
        except NotFound as err:
            raise SettingsError(str(err.detail)) from None
        finally:
            await engine.dispose()

    asyncio.run(run())
    print(f"TOTP of {email} is reset: the next login needs only the password", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m control_plane")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="bring the database schema to head")
    serve = commands.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    commands.add_parser("worker", help="run the Celery worker (extra args go to celery)", add_help=False)
    commands.add_parser("beat", help="run Celery beat (extra args go to celery)", add_help=False)
    admin = commands.add_parser("create-admin", help="create or update a staff account")
    admin.add_argument("--email", required=True)
    admin.add_argument("--password")
    admin.add_argument("--name")
    admin.add_argument(
        "--role", default="platform-admin", choices=["platform-admin", "billing", "sre-readonly"]
    )
    admin.add_argument("--print-token", action="store_true")
    reset = commands.add_parser("reset-totp", help="turn off a staff account's TOTP (lost authenticator)")
    reset.add_argument("--email", required=True)

    args, extra = parser.parse_known_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.from_env()
        if args.command == "migrate":
            _migrate(settings)
        elif args.command == "serve":
            _serve(settings, args.host, args.port)
        elif args.command == "create-admin":
            _create_admin(settings, args)
        elif args.command == "reset-totp":
            _reset_totp(settings, args.email)
        else:
            from control_plane.celery_app import create_celery

            celery = create_celery(settings)
            if args.command == "worker":
                celery.worker_main(["worker", "--loglevel=INFO", "--pool=solo", *extra])
            else:
                schedule = ["--schedule", settings.worker.beat_schedule_file]
                celery.start(["beat", "--loglevel=INFO", *schedule, *extra])
    except SettingsError as err:
        print(f"configuration error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
