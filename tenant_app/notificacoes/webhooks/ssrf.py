"""Where a webhook may go: SSRF rules, checked when the URL is registered and again at connect time.

In production only ``https`` URLs whose every resolved address is public are accepted;
the address we checked is the one we connect to (the request goes to the IP with the
original Host header and TLS server name), so a DNS answer that changes between the
check and the connection (rebinding) cannot point us at an internal service. In the
devstack mode ``http`` and loopback/private targets are allowed (local receivers).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit


class DestinoProibido(ValueError):
    """The URL or the address it resolves to is not allowed (message in Portuguese, for the API)."""


@dataclass(frozen=True)
class Destino:
    esquema: str
    host: str
    porta: int
    caminho: str


def analisar_url(url: str, *, producao: bool) -> Destino:
    """Syntax and scheme rules (no DNS): raises ``DestinoProibido``."""
    try:
        partes = urlsplit(url)
        porta = partes.port
    except ValueError:
        raise DestinoProibido("URL inválida.") from None
    if partes.scheme not in ("https", "http"):
        raise DestinoProibido("A URL deve começar com https://.")
    if producao and partes.scheme != "https":
        raise DestinoProibido("Somente URLs https:// são aceitas.")
    if not partes.hostname:
        raise DestinoProibido("A URL não tem host.")
    if partes.username or partes.password:
        raise DestinoProibido("A URL não pode conter usuário ou senha.")
    caminho = partes.path or "/"
    if partes.query:
        caminho += "?" + partes.query
    return Destino(
        partes.scheme, partes.hostname, porta or (443 if partes.scheme == "https" else 80), caminho
    )


def endereco_permitido(ip: str, *, producao: bool) -> bool:
    """Public unicast only in production (IPv4-mapped IPv6 judged as the IPv4 it carries)."""
    if not producao:
        return True
    addr = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    return bool(addr.is_global) and not (
        addr.is_private
        or addr.is_loopback
        or addr.is_link_local
        or addr.is_multicast
        or addr.is_reserved
        or addr.is_unspecified
    )


async def resolver(destino: Destino, *, producao: bool) -> str:
    """The address to connect to; every address the name resolves to must be allowed."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(
            destino.host, destino.porta, type=socket.SOCK_STREAM
        )
    except socket.gaierror:
        raise DestinoProibido(f"O host {destino.host} não foi encontrado.") from None
    enderecos = [str(info[4][0]) for info in infos]
    if not enderecos:
        raise DestinoProibido(f"O host {destino.host} não foi encontrado.")
    negados = [ip for ip in enderecos if not endereco_permitido(ip, producao=producao)]
    if negados:
        raise DestinoProibido(f"O host {destino.host} aponta para um endereço não público ({negados[0]}).")
    return enderecos[0]
