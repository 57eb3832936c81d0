"""One-line JSON logs that carry the current request id."""

from __future__ import annotations

import contextvars
import json
import logging
from datetime import UTC, datetime

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


class JsonFormatter(logging.Formatter):
    """time, level, logger, message, request_id, tenant (+ exception)."""

    def __init__(self, tenant: str | None = None) -> None:
        super().__init__()
        self.tenant = tenant

    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id_var.get(),
            "tenant": self.tenant,
        }
        for key in ("method", "path", "status", "duration_ms", "actor_id", "actor"):
            if hasattr(record, key):
                payload[key] = getattr(record, key)
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False)


def configure_logging(tenant: str | None, level: int = logging.INFO) -> None:
    """Route every logger (ours, uvicorn's, celery's) through the JSON formatter."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter(tenant))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # Access lines are written by our middleware with the request id.
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
