"""A local webhook receiver for the demo: ``python -m devstack.webhook_receiver --port 18090``.

Answers 200 to every POST and keeps the last 200 requests in memory; ``GET /`` lists them
(newest first, JSON: path, the Standard Webhooks headers, the body). The demo tenant's
endpoint points here (``DEMO_WEBHOOK_URL``), so a payment shows up at http://127.0.0.1:18090/.
"""

from __future__ import annotations

import argparse
import json
import os
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from devstack.config import HOST

PORT = int(os.environ.get("DEVSTACK_WEBHOOK_RECEIVER_PORT", "18090"))
_recebidos: deque[dict[str, Any]] = deque(maxlen=200)
_lock = threading.Lock()


def url() -> str:
    return f"http://{HOST}:{PORT}/webhooks"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        corpo = self.rfile.read(int(self.headers.get("content-length", "0")))
        try:
            dados: Any = json.loads(corpo)
        except ValueError:
            dados = corpo.decode(errors="replace")
        with _lock:
            _recebidos.appendleft(
                {
                    "recebido_em": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "caminho": self.path,
                    "webhook-id": self.headers.get("webhook-id"),
                    "webhook-timestamp": self.headers.get("webhook-timestamp"),
                    "webhook-signature": self.headers.get("webhook-signature"),
                    "corpo": dados,
                }
            )
        self._responder(200, b'{"ok":true}')

    def do_GET(self) -> None:
        with _lock:
            corpo = json.dumps(list(_recebidos), ensure_ascii=False, indent=2).encode()
        self._responder(200, corpo)

    def _responder(self, status: int, corpo: bytes) -> None:
        self.send_response(status)
        self.send_header("content-type", "application/json; charset=utf-8")
        self.send_header("content-length", str(len(corpo)))
        self.end_headers()
        self.wfile.write(corpo)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=PORT)
    args = ap.parse_args()
    ThreadingHTTPServer((HOST, args.port), _Handler).serve_forever()


if __name__ == "__main__":
    main()
