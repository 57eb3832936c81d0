"""The HTTP/1.1 exchange of a webhook delivery, within the SSRF rules and the size/time limits.

One :class:`Conexao` per endpoint and batch: a keep-alive connection carrying one request at
a time, so an endpoint receives its events in order, and the batch's endpoints are served
concurrently. Written on asyncio streams rather than an HTTP library because delivering is
all this does and the library's per-request machinery was most of the worker's CPU (httpx +
httpcore: ~4 ms per delivery, profiled with cProfile on 3,000 deliveries: the connection pool,
anyio wrappers and header models); here a delivery costs a few hundred microseconds.

What a request may and may not do is unchanged: the address is resolved and checked
(``ssrf.resolver``) and the socket goes to that address (TLS checked against the host name),
redirects are never followed (a 3xx is a failure), proxies are ignored, the whole exchange —
connect, request, response headers and body — fits in ``limite_segundos``, at most
``max_resposta`` bytes of the body are read (then the connection is dropped).
"""

from __future__ import annotations

import asyncio
import functools
import ssl
import time
from dataclasses import dataclass
from urllib.parse import quote

from tenant_app.notificacoes.webhooks.ssrf import Destino, DestinoProibido, analisar_url, resolver

USER_AGENT = "Consorcio-Webhooks/1.0"
#: Longest status line + headers accepted from a receiver.
MAX_CABECALHOS = 64 * 1024


@dataclass(frozen=True)
class Resultado:
    status_http: int | None
    erro: str | None
    duracao_ms: int

    @property
    def sucesso(self) -> bool:
        return self.status_http is not None and 200 <= self.status_http < 300


@functools.cache
def _tls() -> ssl.SSLContext:
    """One TLS context per process: loading the CA bundle costs ~90 ms of CPU each time."""
    return ssl.create_default_context()


class RespostaInvalida(ValueError):
    pass


def _alvo(caminho: str) -> str:
    # urlsplit keeps what the tenant typed; the request line must not carry spaces or controls.
    return quote(caminho, safe="!#$%&'()*+,/:;=?@[]~")


class Conexao:
    """A keep-alive connection to one endpoint (reopened when the address, or the server, changes).

    ``resolvidos`` is shared by the batch: one resolution and check per host.
    """

    def __init__(
        self,
        *,
        producao: bool,
        limite_segundos: float,
        max_resposta: int,
        resolvidos: dict[tuple[str, int], asyncio.Future[str]] | None = None,
    ) -> None:
        self.producao = producao
        self.limite_segundos = limite_segundos
        self.max_resposta = max_resposta
        self._resolvidos = {} if resolvidos is None else resolvidos
        self._leitor: asyncio.StreamReader | None = None
        self._escritor: asyncio.StreamWriter | None = None
        self._aberta_para: tuple[str, int, str, str] | None = None

    async def _ip(self, destino: Destino) -> str:
        chave = (destino.host, destino.porta)
        if chave not in self._resolvidos:
            self._resolvidos[chave] = asyncio.ensure_future(resolver(destino, producao=self.producao))
        return await asyncio.shield(self._resolvidos[chave])

    async def _abrir(self, destino: Destino, ip: str) -> None:
        self.fechar()
        https = destino.esquema == "https"
        self._leitor, self._escritor = await asyncio.open_connection(
            ip,
            destino.porta,
            ssl=_tls() if https else None,
            # TLS is checked against the name, while the socket goes to the checked address.
            server_hostname=destino.host if https else None,
            limit=MAX_CABECALHOS,
        )
        self._aberta_para = (ip, destino.porta, destino.esquema, destino.host)

    def fechar(self) -> None:
        if self._escritor is not None:
            self._escritor.close()
        self._leitor = self._escritor = None
        self._aberta_para = None

    async def enviar(self, url: str, corpo: bytes, cabecalhos: dict[str, str]) -> Resultado:
        """POST ``corpo`` to ``url``; the whole exchange within ``limite_segundos``."""
        inicio = time.monotonic()

        def fim(status: int | None, erro: str | None) -> Resultado:
            return Resultado(status, erro, int((time.monotonic() - inicio) * 1000))

        try:
            async with asyncio.timeout(self.limite_segundos):
                destino = analisar_url(url, producao=self.producao)
                ip = await self._ip(destino)
                reutilizada = self._aberta_para == (ip, destino.porta, destino.esquema, destino.host)
                if not reutilizada:
                    await self._abrir(destino, ip)
                requisicao = self._requisicao(destino, corpo, cabecalhos)
                try:
                    status, mantem = await self._trocar(requisicao)
                except (ConnectionError, asyncio.IncompleteReadError) as erro:
                    # A kept-alive connection the receiver closed meanwhile (nothing answered):
                    # once more on a new one. At-least-once: receivers deduplicate by webhook-id.
                    if not reutilizada or (isinstance(erro, asyncio.IncompleteReadError) and erro.partial):
                        raise
                    await self._abrir(destino, ip)
                    status, mantem = await self._trocar(requisicao)
                if not mantem:
                    self.fechar()
                if 300 <= status < 400:
                    return fim(status, "redirecionamento não seguido")
                return fim(status, None)
        except DestinoProibido as err:
            self.fechar()
            return fim(None, str(err))
        except TimeoutError:
            self.fechar()
            return fim(None, f"tempo esgotado ({self.limite_segundos:g} s)")
        except asyncio.IncompleteReadError:
            self.fechar()
            return fim(None, "conexão encerrada pelo receptor antes da resposta completa")
        except asyncio.LimitOverrunError:
            self.fechar()
            return fim(None, "cabeçalhos da resposta grandes demais")
        except (RespostaInvalida, ValueError) as err:
            self.fechar()
            return fim(None, f"resposta HTTP inválida: {err}"[:500])
        except OSError as err:
            self.fechar()
            return fim(None, f"{type(err).__name__}: {err}"[:500])

    @staticmethod
    def _requisicao(destino: Destino, corpo: bytes, cabecalhos: dict[str, str]) -> bytes:
        padrao = (destino.esquema == "https" and destino.porta == 443) or (
            destino.esquema == "http" and destino.porta == 80
        )
        host = destino.host if padrao else f"{destino.host}:{destino.porta}"
        if ":" in destino.host and not padrao:
            host = f"[{destino.host}]:{destino.porta}"
        linhas = [
            f"POST {_alvo(destino.caminho)} HTTP/1.1",
            f"host: {host}",
            "content-type: application/json",
            f"user-agent: {USER_AGENT}",
            f"content-length: {len(corpo)}",
            *(f"{k}: {v}" for k, v in cabecalhos.items()),
        ]
        return ("\r\n".join(linhas) + "\r\n\r\n").encode("latin-1") + corpo

    async def enviar_varios(self, url: str, pedidos: list[tuple[bytes, dict[str, str]]]) -> list[Resultado]:
        """Several POSTs to one URL pipelined on the connection (HTTP/1.1): written back to back,
        answered in order, so the receiver still gets them one after the other in this order
        while the worker does not wait a round trip for each.

        Returns the results of a prefix of ``pedidos``: every one answered, then (if any) the
        first that failed; those after it got no answer and count as not sent (they may have
        reached the receiver: at-least-once, the webhook-id deduplicates). The window is
        bounded by the caller; the whole window fits in ``limite_segundos`` per request.
        """
        if len(pedidos) == 1:
            return [await self.enviar(url, *pedidos[0])]
        inicio = time.monotonic()
        resultados: list[Resultado] = []

        def fim(status: int | None, erro: str | None) -> Resultado:
            return Resultado(status, erro, int((time.monotonic() - inicio) * 1000))

        try:
            async with asyncio.timeout(self.limite_segundos * len(pedidos)):
                destino = analisar_url(url, producao=self.producao)
                ip = await self._ip(destino)
                reutilizada = self._aberta_para == (ip, destino.porta, destino.esquema, destino.host)
                if not reutilizada:
                    await self._abrir(destino, ip)
                dados = b"".join(self._requisicao(destino, corpo, cab) for corpo, cab in pedidos)
                try:
                    await self._escrever(dados)
                    primeira = await self._resposta()
                except (ConnectionError, asyncio.IncompleteReadError) as erro:
                    if not reutilizada or (isinstance(erro, asyncio.IncompleteReadError) and erro.partial):
                        raise
                    await self._abrir(destino, ip)  # closed while idle: the whole window again
                    await self._escrever(dados)
                    primeira = await self._resposta()
                respostas = [primeira]
                while respostas[-1][1] and len(respostas) < len(pedidos):
                    respostas.append(await self._resposta())
                for status, _ in respostas:
                    resultados.append(
                        fim(status, "redirecionamento não seguido" if 300 <= status < 400 else None)
                    )
                if not respostas[-1][1]:
                    self.fechar()  # the receiver closes after it: the rest were not answered
        except Exception as erro:  # the same failures as enviar(), for the first unanswered request
            self.fechar()
            if not isinstance(erro, _FALHAS):
                raise
            resultados.append(fim(None, _descrever(erro, self.limite_segundos)))
        return resultados

    async def _escrever(self, dados: bytes) -> None:
        assert self._escritor is not None
        self._escritor.write(dados)
        await self._escritor.drain()

    async def _trocar(self, requisicao: bytes) -> tuple[int, bool]:
        """Send one request, read its response; (status, whether the connection can carry another)."""
        await self._escrever(requisicao)
        return await self._resposta()

    async def _resposta(self) -> tuple[int, bool]:
        """Read one response; (status, whether the connection can carry another)."""
        leitor = self._leitor
        assert leitor is not None
        while True:
            bruto = await leitor.readuntil(b"\r\n\r\n")
            status, versao, cab = _cabecalhos(bruto)
            if not 100 <= status < 200:
                break  # 1xx: interim answers, the real one follows
        mantem = versao == "HTTP/1.1" and cab.get("connection", "").lower() != "close"
        if status in (204, 304):
            return status, mantem
        if "chunked" in cab.get("transfer-encoding", "").lower():
            return status, mantem and await self._corpo_em_partes(leitor)
        if "content-length" in cab:
            tamanho = int(cab["content-length"])
            if tamanho < 0:
                raise RespostaInvalida("content-length negativo")
            if tamanho > self.max_resposta:
                return status, False  # not read: the connection is dropped instead
            await leitor.readexactly(tamanho)
            return status, mantem
        # Delimited by the end of the connection: read up to the limit, then drop it.
        lidos = 0
        while lidos <= self.max_resposta and (bloco := await leitor.read(65536)):
            lidos += len(bloco)
        return status, False

    async def _corpo_em_partes(self, leitor: asyncio.StreamReader) -> bool:
        """A chunked body up to the limit; True when read whole (the connection can be reused)."""
        lidos = 0
        while True:
            linha = await leitor.readuntil(b"\r\n")
            tamanho = int(linha.split(b";", 1)[0].strip(), 16)
            if tamanho == 0:
                while await leitor.readuntil(b"\r\n") != b"\r\n":
                    pass  # trailers
                return True
            lidos += tamanho
            if lidos > self.max_resposta:
                return False
            await leitor.readexactly(tamanho + 2)


_FALHAS = (
    DestinoProibido,
    TimeoutError,
    OSError,
    ValueError,
    asyncio.IncompleteReadError,
    asyncio.LimitOverrunError,
)


def _descrever(erro: BaseException, limite_segundos: float) -> str:
    if isinstance(erro, DestinoProibido):
        return str(erro)
    if isinstance(erro, TimeoutError):
        return f"tempo esgotado ({limite_segundos:g} s)"
    if isinstance(erro, asyncio.IncompleteReadError):
        return "conexão encerrada pelo receptor antes da resposta completa"
    if isinstance(erro, asyncio.LimitOverrunError):
        return "cabeçalhos da resposta grandes demais"
    if isinstance(erro, ValueError):
        return f"resposta HTTP inválida: {erro}"[:500]
    return f"{type(erro).__name__}: {erro}"[:500]


def _cabecalhos(bruto: bytes) -> tuple[int, str, dict[str, str]]:
    linhas = bruto.decode("latin-1").split("\r\n")
    partes = linhas[0].split(" ", 2)
    if len(partes) < 2 or not partes[0].startswith("HTTP/1.") or not partes[1].isdigit():
        raise RespostaInvalida(linhas[0][:80])
    cab: dict[str, str] = {}
    for linha in linhas[1:]:
        if linha:
            nome, _, valor = linha.partition(":")
            cab[nome.strip().lower()] = valor.strip()
    return int(partes[1]), partes[0], cab
