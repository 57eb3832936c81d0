"""One HTTP POST of a signed payload, within the SSRF rules and the size/time limits."""

from __future__ import annotations

import asyncio
import functools
import logging
import ssl
import time
from dataclasses import dataclass

import httpx

from tenant_app.notificacoes.webhooks.ssrf import DestinoProibido, analisar_url, resolver

USER_AGENT = "Consorcio-Webhooks/1.0"

# One INFO line per request from httpx would flood the worker's log; attempts are in the delivery log.
logging.getLogger("httpx").setLevel(logging.WARNING)


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


def novo_cliente(concorrencia: int = 50) -> httpx.AsyncClient:
    """Shared per batch. Never follows redirects (a 3xx is a failure: it could point inside)
    and ignores proxy variables (the target must be the address we checked)."""
    return httpx.AsyncClient(
        follow_redirects=False,
        trust_env=False,
        verify=_tls(),
        limits=httpx.Limits(max_connections=concorrencia, max_keepalive_connections=concorrencia),
        timeout=httpx.Timeout(10.0),
    )


async def _ler_limitado(resposta: httpx.Response, limite: int) -> None:
    lidos = 0
    async for bloco in resposta.aiter_raw():
        lidos += len(bloco)
        if lidos > limite:
            break  # the rest is not read: a huge body cannot hold the worker


async def enviar(
    cliente: httpx.AsyncClient,
    url: str,
    corpo: bytes,
    cabecalhos: dict[str, str],
    *,
    producao: bool,
    limite_segundos: float,
    max_resposta: int,
    resolvidos: dict[tuple[str, int], asyncio.Future[str]] | None = None,
) -> Resultado:
    """POST ``corpo`` to ``url``; the whole exchange (DNS, connect, body) within ``limite_segundos``."""
    inicio = time.monotonic()

    def fim(status: int | None, erro: str | None) -> Resultado:
        return Resultado(status, erro, int((time.monotonic() - inicio) * 1000))

    try:
        async with asyncio.timeout(limite_segundos):
            destino = analisar_url(url, producao=producao)
            if resolvidos is None:
                ip = await resolver(destino, producao=producao)
            else:
                # One resolution (and one check) per host in a batch; still the address we connect to.
                chave = (destino.host, destino.porta)
                if chave not in resolvidos:
                    resolvidos[chave] = asyncio.ensure_future(resolver(destino, producao=producao))
                ip = await asyncio.shield(resolvidos[chave])
            host_ip = f"[{ip}]" if ":" in ip else ip
            alvo = f"{destino.esquema}://{host_ip}:{destino.porta}{destino.caminho}"
            padrao = (destino.esquema == "https" and destino.porta == 443) or (
                destino.esquema == "http" and destino.porta == 80
            )
            headers = {
                **cabecalhos,
                "content-type": "application/json",
                "user-agent": USER_AGENT,
                "host": destino.host if padrao else f"{destino.host}:{destino.porta}",
            }
            requisicao = cliente.build_request(
                "POST",
                alvo,
                content=corpo,
                headers=headers,
                # TLS is checked against the name, while the socket goes to the checked address.
                extensions={"sni_hostname": destino.host} if destino.esquema == "https" else {},
            )
            resposta = await cliente.send(requisicao, stream=True)
            try:
                await _ler_limitado(resposta, max_resposta)
            finally:
                await resposta.aclose()
            if 300 <= resposta.status_code < 400:
                return fim(resposta.status_code, "redirecionamento não seguido")
            return fim(resposta.status_code, None)
    except DestinoProibido as err:
        return fim(None, str(err))
    except TimeoutError:
        return fim(None, f"tempo esgotado ({limite_segundos:g} s)")
    except httpx.HTTPError as err:
        return fim(None, f"{type(err).__name__}: {err}"[:500])
    except OSError as err:
        return fim(None, f"{type(err).__name__}: {err}"[:500])
