"""Request id (taken from X-Request-ID or generated) and one access log line per request."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from litestar import Request
from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from tenant_app.http.problems import handle_exception
from tenant_app.observability.logging import request_id_var

log = logging.getLogger("tenant_app.access")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestContextMiddleware:
    """Outermost middleware: every log line of a request shares its id."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id  # type: ignore[typeddict-unknown-key]
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                MutableScopeHeaders.from_message(message)["X-Request-ID"] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            # Errors raised by inner middleware (e.g. authentication) would otherwise be
            # answered outside this middleware, without the request id.
            if response_started:
                raise
            request: Request[Any, Any, Any] = Request(scope, receive)
            response = handle_exception(request, exc)
            await response.to_asgi_response(None, request)(scope, receive, send_with_id)
        finally:
            method = str(scope.get("method", ""))
            if scope["path"] not in ("/health", "/metrics"):
                log.info(
                    "%s %s %s",
                    method,
                    scope["path"],
                    status,
                    extra={
                        "method": method,
                        "path": scope["path"],
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                        # Who called: a staff user's id or an API client's (its audit ``autor_id``).
                        "actor_id": str(getattr(scope.get("user"), "id", "")),
                        "actor": str(getattr(scope.get("user"), "email", "")),
                    },
                )
            request_id_var.reset(token)
