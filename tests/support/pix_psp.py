"""A local PSP implementing the published BCB Pix API contract ("API Pix", Banco Central do Brasil, v2):
OAuth 2.0 client credentials, ``cob`` and ``cobv`` (create with PUT, query with GET), webhook registration.

No PSP runs here: this server stands in for one, over real HTTP (uvicorn on 127.0.0.1), checking what the
contract requires (bearer token, txid 26–35 alphanumerics, amounts as "0.00" strings, key, debtor of a
cobv, due date) and answering with the contract's shapes and RFC 7807 errors. ``pagar`` simulates a
payer: it concludes the charge and returns the webhook notification the PSP would POST. ``cofre_no_vault``
gives a tenant's app its PSP secrets' Vault access on the real Vault, as the operator would.
"""

from __future__ import annotations

import base64
import re
import secrets
import socket
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import hvac
import uvicorn
from litestar import Litestar, Request, Response, get, post, put
from litestar.params import FromPath

from consorcio_contract.names import vault_tenant_prefix
from tenant_app.cobranca.cofre import CofrePsp, ConfigCofre

TXID = re.compile(r"^[A-Za-z0-9]{26,35}$")
VALOR = re.compile(r"^[0-9]{1,10}\.[0-9]{2}$")
ERRO = "https://pix.bcb.gov.br/api/v2/error/"


def _erro(status: int, tipo: str, detalhe: str) -> Response[Any]:
    return Response(
        {"type": ERRO + tipo, "title": tipo, "status": status, "detail": detalhe},
        status_code=status,
        media_type="application/problem+json",
    )


@dataclass
class EstadoPsp:
    client_id: str
    client_secret: str
    host: str = ""
    tokens: set[str] = field(default_factory=set)
    cobrancas: dict[str, dict[str, Any]] = field(default_factory=dict)
    webhooks: dict[str, dict[str, Any]] = field(default_factory=dict)
    chamadas: list[tuple[str, str]] = field(default_factory=list)


def criar_app(estado: EstadoPsp) -> Litestar:
    def autorizado(request: Request[Any, Any, Any]) -> bool:
        cabecalho = request.headers.get("authorization", "")
        return cabecalho.startswith("Bearer ") and cabecalho[7:] in estado.tokens

    @post("/oauth/token", status_code=200)
    async def token(request: Request[Any, Any, Any]) -> Response[Any]:
        basic = request.headers.get("authorization", "")
        esperado = base64.b64encode(f"{estado.client_id}:{estado.client_secret}".encode()).decode()
        form = await request.form()
        if basic != f"Basic {esperado}" or form.get("grant_type") != "client_credentials":
            return Response({"error": "invalid_client"}, status_code=401)
        t = secrets.token_urlsafe(24)
        estado.tokens.add(t)
        return Response(
            {"access_token": t, "token_type": "Bearer", "expires_in": 3600, "scope": form.get("scope")}
        )

    def _validar_comum(txid: str, corpo: dict[str, Any]) -> Response[Any] | None:
        if not TXID.fullmatch(txid):
            return _erro(400, "CobOperacaoInvalida", "txid deve ter de 26 a 35 caracteres alfanuméricos")
        if txid in estado.cobrancas:
            return _erro(400, "CobOperacaoInvalida", "já existe cobrança com este txid")
        valor = (corpo.get("valor") or {}).get("original")
        if not isinstance(valor, str) or not VALOR.fullmatch(valor) or valor == "0.00":
            return _erro(
                400, "CobOperacaoInvalida", "valor.original deve ser string com duas casas, positivo"
            )
        if not corpo.get("chave"):
            return _erro(400, "CobOperacaoInvalida", "chave obrigatória")
        return None

    def _criar(txid: str, corpo: dict[str, Any], tipo: str) -> Response[Any]:
        loc_id = len(estado.cobrancas) + 1
        location = f"{estado.host}/qr/v2/{tipo}/{uuid.uuid4().hex}"
        cob = {
            **corpo,
            "txid": txid,
            "revisao": 0,
            "status": "ATIVA",
            "loc": {"id": loc_id, "location": location, "tipoCob": tipo},
            "location": location,
            "calendario": {**corpo.get("calendario", {}), "criacao": datetime.now(UTC).isoformat()},
        }
        estado.cobrancas[txid] = cob
        return Response(cob, status_code=201)

    @put("/api/v2/cob/{txid:str}")
    async def criar_cob(txid: FromPath[str], request: Request[Any, Any, Any]) -> Response[Any]:
        estado.chamadas.append(("PUT", f"/cob/{txid}"))
        if not autorizado(request):
            return _erro(401, "AcessoNegado", "token ausente ou inválido")
        corpo = await request.json()
        return _validar_comum(txid, corpo) or _criar(txid, corpo, "cob")

    @put("/api/v2/cobv/{txid:str}")
    async def criar_cobv(txid: FromPath[str], request: Request[Any, Any, Any]) -> Response[Any]:
        estado.chamadas.append(("PUT", f"/cobv/{txid}"))
        if not autorizado(request):
            return _erro(401, "AcessoNegado", "token ausente ou inválido")
        corpo = await request.json()
        if erro := _validar_comum(txid, corpo):
            return erro
        devedor = corpo.get("devedor") or {}
        if not devedor.get("nome") or not (devedor.get("cpf") or devedor.get("cnpj")):
            return _erro(400, "CobVOperacaoInvalida", "devedor com nome e cpf ou cnpj é obrigatório na cobv")
        if not (corpo.get("calendario") or {}).get("dataDeVencimento"):
            return _erro(400, "CobVOperacaoInvalida", "calendario.dataDeVencimento obrigatório")
        return _criar(txid, corpo, "cobv")

    @get(["/api/v2/cob/{txid:str}", "/api/v2/cobv/{txid:str}"])
    async def consultar(txid: FromPath[str], request: Request[Any, Any, Any]) -> Response[Any]:
        if not autorizado(request):
            return _erro(401, "AcessoNegado", "token ausente ou inválido")
        cob = estado.cobrancas.get(txid)
        if cob is None:
            return _erro(404, "CobNaoEncontrado", "cobrança não encontrada")
        return Response(cob)

    @put("/api/v2/webhook/{chave:str}", status_code=200)
    async def registrar_webhook(chave: FromPath[str], request: Request[Any, Any, Any]) -> Response[Any]:
        if not autorizado(request):
            return _erro(401, "AcessoNegado", "token ausente ou inválido")
        url = (await request.json()).get("webhookUrl", "")
        if not isinstance(url, str) or not url.startswith("https://"):
            return _erro(400, "WebhookOperacaoInvalida", "webhookUrl deve ser https")
        estado.webhooks[chave] = {"webhookUrl": url, "chave": chave, "criacao": datetime.now(UTC).isoformat()}
        return Response(b"", status_code=204)

    @get("/api/v2/webhook/{chave:str}")
    async def consultar_webhook(chave: FromPath[str], request: Request[Any, Any, Any]) -> Response[Any]:
        if not autorizado(request):
            return _erro(401, "AcessoNegado", "token ausente ou inválido")
        if chave not in estado.webhooks:
            return _erro(404, "WebhookNaoEncontrado", "sem webhook para a chave")
        return Response(estado.webhooks[chave])

    return Litestar([token, criar_cob, criar_cobv, consultar, registrar_webhook, consultar_webhook])


@dataclass
class PspLocal:
    estado: EstadoPsp
    base_url: str  # the API base (…/api/v2)

    def pagar(self, txid: str, valor: str | None = None, horario: str | None = None) -> dict[str, Any]:
        """A payer pays the charge: status CONCLUIDA, and the webhook body the PSP would POST."""
        cob = self.estado.cobrancas[txid]
        pix = {
            "endToEndId": ("E" + uuid.uuid4().hex + uuid.uuid4().hex)[:32],
            "txid": txid,
            "valor": valor or cob["valor"]["original"],
            "horario": horario or datetime.now(UTC).isoformat(),
        }
        cob["status"] = "CONCLUIDA"
        cob.setdefault("pix", []).append(pix)
        return {"pix": [pix]}


def _porta_livre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def psp_local(client_id: str = "cliente-teste", client_secret: str | None = None) -> Iterator[PspLocal]:
    """Serve the local PSP on a free port for the duration of the block."""
    estado = EstadoPsp(client_id, client_secret or secrets.token_urlsafe(16))
    porta = _porta_livre()
    estado.host = f"http://127.0.0.1:{porta}"
    servidor = uvicorn.Server(
        uvicorn.Config(criar_app(estado), host="127.0.0.1", port=porta, log_level="warning")
    )
    fio = threading.Thread(target=servidor.run, daemon=True)
    fio.start()
    limite = time.monotonic() + 10
    while not servidor.started:
        if time.monotonic() > limite:
            raise RuntimeError("PSP local não subiu")
        time.sleep(0.05)
    try:
        yield PspLocal(estado, f"{estado.host}/api/v2")
    finally:
        servidor.should_exit = True
        fio.join(timeout=10)


@contextmanager
def cofre_no_vault(vault: Any, slug: str, pasta: Path, apps: Sequence[Litestar]) -> Iterator[CofrePsp]:
    """The tenant's Vault access on the real Vault: a token whose policy reaches only
    ``secret/data/namespaces/tenant-<slug>/psp/*`` (what the tenant's role will grant), in a token
    file; ``apps`` use it while the block runs."""
    raiz = hvac.Client(url=vault.addr, token=vault.token)
    politica = f"cobranca-teste-{slug}"
    raiz.sys.create_or_update_policy(
        politica,
        f'path "secret/data/{vault_tenant_prefix(slug)}/psp/*" '
        '{ capabilities = ["create", "update", "read"] }\n',
    )
    token = raiz.auth.token.create(policies=[politica], ttl="1h")["auth"]["client_token"]
    arquivo = pasta / "vault-token"
    arquivo.write_text(token)
    cofre = CofrePsp(ConfigCofre(addr=vault.addr, tenant_slug=slug, token_file=str(arquivo)))
    anteriores = [app.state.get("cofre_psp") for app in apps]
    for app in apps:
        app.state.cofre_psp = cofre
    try:
        yield cofre
    finally:
        for app, anterior in zip(apps, anteriores, strict=True):
            app.state.cofre_psp = anterior
        raiz.sys.delete_policy(politica)
