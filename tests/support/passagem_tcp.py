"""A TCP passage in front of a real server that a test can cut: the server stays up for every
other test, while the component under test sees it fail in the ways networks fail.

Modes: ``aberta`` forwards both ways; ``cortada`` resets every new connection (a server down
or a firewall rejecting); ``buraco`` accepts and never answers (a hung server or a dropped
route: only the client's own timeout ends the call).
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from typing import Literal

Modo = Literal["aberta", "cortada", "buraco"]


class Passagem:
    def __init__(self, host: str, porta: int) -> None:
        self.destino = (host, porta)
        self.modo: Modo = "aberta"
        self._escuta = socket.create_server(("127.0.0.1", 0))
        self.porta = int(self._escuta.getsockname()[1])
        self._abertos: list[socket.socket] = []
        self._fim = threading.Event()
        threading.Thread(target=self._aceitar, name="passagem", daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.porta}"

    def mudar(self, modo: Modo) -> None:
        """From now on; connections already open are dropped so the client meets the new mode."""
        self.modo = modo
        self._fechar_abertos()

    def fechar(self) -> None:
        self._fim.set()
        self._escuta.close()
        self._fechar_abertos()

    def _fechar_abertos(self) -> None:
        for s in self._abertos:
            with contextlib.suppress(OSError):
                s.close()
        self._abertos.clear()

    def _aceitar(self) -> None:
        while not self._fim.is_set():
            try:
                cliente, _ = self._escuta.accept()
            except OSError:
                return
            if self.modo == "cortada":
                # SO_LINGER 0: close with RST, as a host with nothing listening answers.
                cliente.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                cliente.close()
                continue
            self._abertos.append(cliente)
            if self.modo == "buraco":
                continue  # accepted, never answered
            try:
                servidor = socket.create_connection(self.destino, timeout=5)
            except OSError:
                cliente.close()
                continue
            servidor.settimeout(None)
            self._abertos.append(servidor)
            for de, para in ((cliente, servidor), (servidor, cliente)):
                threading.Thread(target=_copiar, args=(de, para), daemon=True).start()


def _copiar(de: socket.socket, para: socket.socket) -> None:
    try:
        while dados := de.recv(65536):
            para.sendall(dados)
    except OSError:
        pass
    finally:
        for s in (de, para):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
