"""A lean keep-alive HTTP/1.1 load client for benchmarks.

httpx spends a few milliseconds of CPU per request; on a 2-core machine that
shares the cores with the server and PostgreSQL, the load generator itself
became the bottleneck. This client pre-encodes requests and parses only the
status line and Content-Length, so almost all CPU goes to the system measured.
"""

from __future__ import annotations

import asyncio


class LoadClient:
    """Up to ``size`` persistent connections to one server; ``request`` returns the status code."""

    def __init__(self, host: str, port: int, headers: dict[str, str], size: int = 64) -> None:
        self._host, self._port, self._size = host, port, size
        self._common = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self._idle: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
        self._opened = 0

    async def _connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self._idle.empty() and self._opened < self._size:
            self._opened += 1
            try:
                return await asyncio.open_connection(self._host, self._port)
            except OSError:
                self._opened -= 1
                raise
        return await self._idle.get()

    async def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> int:
        """Send one request and read the whole answer; raises OSError on a broken connection."""
        extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        content = f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n" if body else ""
        head = f"{method} {path} HTTP/1.1\r\nHost: {self._host}\r\n{self._common}{extra}{content}\r\n"
        reader, writer = await self._connection()
        try:
            writer.write(head.encode() + body)
            status_line = await reader.readline()
            status = int(status_line.split(b" ", 2)[1])
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            await reader.readexactly(length)
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as exc:
            writer.close()
            self._opened -= 1
            raise OSError(f"connection failed: {exc}") from exc
        self._idle.put_nowait((reader, writer))
        return status

    async def close(self) -> None:
        """Close the idle connections."""
        while not self._idle.empty():
            _, writer = self._idle.get_nowait()
            writer.close()
