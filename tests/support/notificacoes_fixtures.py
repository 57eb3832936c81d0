"""Real pieces for the notification tests: Mailpit (devstack), a local webhook receiver, a Celery worker.

The receiver is a real HTTP server on loopback whose paths behave like the failures a
tenant's system can have: ``/ok`` (200), ``/erro`` (500), ``/lento`` (answers after 5 s),
``/corpo-lento`` (headers at once, then a body trickling for 5 s), ``/redireciona``
(302 to a link-local/metadata address), and ``/grande`` (a 5 MB body).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from devstack import mail_server, stack
from devstack.config import StackConfig


@dataclass
class Recebido:
    caminho: str
    headers: dict[str, str]
    corpo: bytes
    em: float


@dataclass
class Receptor:
    """A webhook receiver on 127.0.0.1 recording every request."""

    porta: int
    recebidos: list[Recebido] = field(default_factory=list)
    falhar: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, caminho: str) -> str:
        return f"http://127.0.0.1:{self.porta}{caminho}"

    def de(self, caminho: str) -> list[Recebido]:
        with self._lock:
            return [r for r in self.recebidos if r.caminho.split("?")[0] == caminho]

    def esperar(self, caminho: str, n: int = 1, timeout: float = 30) -> list[Recebido]:
        fim = time.monotonic() + timeout
        while time.monotonic() < fim:
            got = self.de(caminho)
            if len(got) >= n:
                return got
            time.sleep(0.05)
        raise AssertionError(f"{caminho}: {len(self.de(caminho))} of {n} requests in {timeout}s")


def _handler(receptor: Receptor) -> type[BaseHTTPRequestHandler]:
    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            corpo = self.rfile.read(int(self.headers.get("content-length", "0")))
            caminho = self.path.split("?")[0]
            with receptor._lock:
                receptor.recebidos.append(
                    Recebido(self.path, {k.lower(): v for k, v in self.headers.items()}, corpo, time.time())
                )
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._responder(caminho)

        def _responder(self, caminho: str) -> None:
            if caminho == "/ok-lento" and not receptor.falhar:
                time.sleep(0.05)
                self._enviar(200, b'{"ok":true}')
            elif caminho.startswith("/ok") and not receptor.falhar:
                self._enviar(200, b'{"ok":true}')
            elif caminho == "/erro" or receptor.falhar:
                self._enviar(500, b"erro interno")
            elif caminho == "/lento":
                time.sleep(5)
                self._enviar(200, b"tarde demais")
            elif caminho == "/corpo-lento":
                self.send_response(200)
                self.send_header("content-length", "1000")
                self.end_headers()
                for _ in range(50):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.1)
            elif caminho == "/redireciona":
                self.send_response(302)
                self.send_header("location", "http://169.254.169.254/latest/meta-data/")
                self.send_header("content-length", "0")
                self.end_headers()
            elif caminho == "/grande":
                self._enviar(200, b"y" * (5 * 1024 * 1024))
            else:
                self._enviar(404, b"")

        def _enviar(self, status: int, corpo: bytes) -> None:
            self.send_response(status)
            self.send_header("content-length", str(len(corpo)))
            self.end_headers()
            self.wfile.write(corpo)

    return H


@pytest.fixture
def receptor() -> Iterator[Receptor]:
    """A fresh receiver per test."""
    servidor = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    r = Receptor(servidor.server_address[1])
    servidor.RequestHandlerClass = _handler(r)
    servidor.daemon_threads = True
    t = threading.Thread(target=servidor.serve_forever, daemon=True)
    t.start()
    yield r
    servidor.shutdown()
    servidor.server_close()


class Mailpit:
    """Reads what the SMTP server received (its HTTP API)."""

    def para(self, endereco: str) -> list[dict[str, Any]]:
        found = mail_server.api(f"/api/v1/search?query=to:{endereco}&limit=200")
        return list(found.get("messages") or [])

    def esperar(self, endereco: str, n: int = 1, timeout: float = 30) -> list[dict[str, Any]]:
        fim = time.monotonic() + timeout
        while time.monotonic() < fim:
            msgs = self.para(endereco)
            if len(msgs) >= n:
                return msgs
            time.sleep(0.2)
        raise AssertionError(f"{len(self.para(endereco))} of {n} e-mails to {endereco} in {timeout}s")

    def mensagem(self, ident: str) -> dict[str, Any]:
        return dict(mail_server.api(f"/api/v1/message/{ident}"))

    def cabecalhos(self, ident: str) -> dict[str, list[str]]:
        return dict(mail_server.api(f"/api/v1/message/{ident}/headers"))


@pytest.fixture(scope="session")
def mailpit(devstack_cfg: StackConfig) -> Mailpit:
    """The devstack SMTP server, started if needed; sets the SMTP variables for apps built in-process."""
    stack.up(devstack_cfg, ["mailpit"], log=lambda msg: print(f"[devstack] {msg}"))
    for k, v in mail_server.smtp_env().items():
        os.environ[k] = v
    return Mailpit()


def email_unico() -> str:
    return f"pessoa-{uuid.uuid4().hex[:10]}@exemplo.com.br"


@pytest.fixture
def iniciar_worker() -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    """Start real Celery workers (``python -m tenant_app worker``) for a tenant; stopped at the end."""
    workers: list[subprocess.Popen[bytes]] = []

    def start(env: dict[str, str], *, beat: bool = True) -> subprocess.Popen[bytes]:
        argv = [sys.executable, "-m", "tenant_app", "worker"]
        argv += ["--schedule-file", f"/tmp/beat-{uuid.uuid4().hex}"] if beat else ["--no-beat"]
        log = open(f"/tmp/tenant-worker-{env.get('TENANT_SLUG', 'x')}-{len(workers)}.log", "wb")  # noqa: SIM115
        w = subprocess.Popen(
            argv,
            env={**os.environ, **mail_server.smtp_env(), "WEBHOOK_MODO": "devstack", **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own process group: the main process and its pool children are stopped together.
            start_new_session=True,
        )
        log.close()
        workers.append(w)
        return w

    yield start
    for w in workers:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(w.pid, signal.SIGTERM)
        try:
            w.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(w.pid, signal.SIGKILL)


@pytest.fixture
def iniciar_servidor() -> Iterator[Callable[[dict[str, str]], str]]:
    """Start the tenant app with uvicorn (``python -m tenant_app serve``) on a free port; returns its URL.
    (SSE needs a real server: the in-process test client buffers a response until it ends.)"""
    import socket

    procs: list[subprocess.Popen[bytes]] = []

    def start(env: dict[str, str]) -> str:
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        porta = s.getsockname()[1]
        s.close()
        log = open(f"/tmp/tenant-app-{env.get('TENANT_SLUG', 'x')}-{porta}.log", "wb")  # noqa: SIM115
        p = subprocess.Popen(
            [sys.executable, "-m", "tenant_app", "serve", "--host", "127.0.0.1", "--port", str(porta)],
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        procs.append(p)
        url = f"http://127.0.0.1:{porta}"
        fim = time.monotonic() + 60
        import urllib.request

        while time.monotonic() < fim:
            assert p.poll() is None, "tenant app exited"
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=1):
                    return url
            except OSError:
                time.sleep(0.2)
        raise AssertionError("tenant app did not start")

    yield start
    for p in procs:
        p.terminate()
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
