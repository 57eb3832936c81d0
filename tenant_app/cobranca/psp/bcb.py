"""A client of the BCB Pix API (Banco Central do Brasil, "API Pix" v2, the contract every PSP publishes):

* OAuth 2.0 client credentials (``POST`` to the PSP's token endpoint, HTTP Basic with client id/secret);
* ``PUT /cob/{txid}`` (immediate charge), ``PUT /cobv/{txid}`` (charge with a due date, multa, juros),
  ``GET /cob/{txid}``, ``GET /cobv/{txid}``;
* ``PUT /webhook/{chave}`` (``{"webhookUrl": ...}``), ``GET /webhook/{chave}``.

Money is a string with two decimals (``"123.45"``); txid is 26–35 letters/digits. Errors are RFC 7807
documents whose ``type`` names the API error (e.g. ``CobOperacaoInvalida``): ``ErroPsp`` carries it.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

import httpx

TXID = re.compile(r"^[A-Za-z0-9]{26,35}$")


class ErroPsp(Exception):
    """The PSP refused or failed: HTTP status, the API error's type/title, what it said."""

    def __init__(self, status: int, tipo: str, detalhe: str) -> None:
        super().__init__(f"PSP respondeu {status} {tipo}: {detalhe}")
        self.status = status
        self.tipo = tipo
        self.detalhe = detalhe


@dataclass(frozen=True)
class CredenciaisPsp:
    base_url: str  # e.g. https://pix.psp.example/api/v2
    client_id: str
    client_secret: str  # read from Vault at use, never stored in the database
    #: mTLS client certificate and key (PEM paths), when the PSP requires them (most do).
    certificado: tuple[str, str] | None = None


@dataclass(frozen=True)
class CobrancaPix:
    """What the PSP answered for a charge: its ``location`` (for the dynamic BR Code) and status."""

    txid: str
    revisao: int
    status: str
    location: str
    valor: Decimal
    pix_copia_e_cola: str | None
    bruto: dict[str, Any]


def _dinheiro(valor: Decimal) -> str:
    return f"{valor.quantize(Decimal('0.01'))}"


class ClientePix:
    """The BCB Pix API as published; subclasses adjust a PSP's particulars (token path, scopes)."""

    caminho_token: ClassVar[str] = "/oauth/token"
    escopos: ClassVar[str] = "cob.write cob.read cobv.write cobv.read webhook.write webhook.read"

    def __init__(self, credenciais: CredenciaisPsp, *, timeout: float = 10.0) -> None:
        self.credenciais = credenciais
        self._http = httpx.AsyncClient(
            base_url=credenciais.base_url.rstrip("/"),
            timeout=timeout,
            cert=credenciais.certificado,
        )
        self._token: str | None = None
        self._expira = 0.0

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> ClientePix:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    def url_token(self) -> str:
        return self.caminho_token

    async def _autenticar(self) -> str:
        if self._token and time.monotonic() < self._expira - 30:
            return self._token
        r = await self._http.post(
            self.url_token(),
            data={"grant_type": "client_credentials", "scope": self.escopos},
            auth=(self.credenciais.client_id, self.credenciais.client_secret),
        )
        corpo = self._corpo(r)
        self._token = str(corpo["access_token"])
        self._expira = time.monotonic() + float(corpo.get("expires_in", 300))
        return self._token

    @staticmethod
    def _corpo(r: httpx.Response) -> dict[str, Any]:
        if r.status_code >= 400:
            try:
                erro = r.json()
                tipo = str(erro.get("type", "")).rsplit("/", 1)[-1] or str(erro.get("title", ""))
                detalhe = str(erro.get("detail") or erro.get("title") or r.text)
            except ValueError:
                tipo, detalhe = "", r.text
            raise ErroPsp(r.status_code, tipo, detalhe)
        if r.status_code == 204 or not r.content:
            return {}
        return dict(r.json())

    async def _chamar(self, metodo: str, caminho: str, json: dict[str, Any] | None = None) -> dict[str, Any]:
        token = await self._autenticar()
        r = await self._http.request(metodo, caminho, json=json, headers={"Authorization": f"Bearer {token}"})
        if r.status_code == 401:  # token revoked before its expiry: once more with a new one
            self._token = None
            token = await self._autenticar()
            r = await self._http.request(
                metodo, caminho, json=json, headers={"Authorization": f"Bearer {token}"}
            )
        return self._corpo(r)

    @staticmethod
    def _txid(txid: str) -> str:
        if not TXID.fullmatch(txid):
            raise ValueError("txid deve ter de 26 a 35 letras ou dígitos")
        return txid

    @staticmethod
    def _cobranca(corpo: dict[str, Any]) -> CobrancaPix:
        loc = corpo.get("loc") or {}
        return CobrancaPix(
            txid=str(corpo["txid"]),
            revisao=int(corpo.get("revisao", 0)),
            status=str(corpo["status"]),
            location=str(corpo.get("location") or loc.get("location") or ""),
            valor=Decimal(str(corpo["valor"]["original"])),
            pix_copia_e_cola=corpo.get("pixCopiaECola"),
            bruto=corpo,
        )

    async def criar_cob(
        self, txid: str, *, chave: str, valor: Decimal, expiracao: int = 86400, solicitacao: str | None = None
    ) -> CobrancaPix:
        corpo: dict[str, Any] = {
            "calendario": {"expiracao": expiracao},
            "valor": {"original": _dinheiro(valor)},
            "chave": chave,
        }
        if solicitacao:
            corpo["solicitacaoPagador"] = solicitacao[:140]
        return self._cobranca(await self._chamar("PUT", f"/cob/{self._txid(txid)}", corpo))

    async def criar_cobv(
        self,
        txid: str,
        *,
        chave: str,
        valor: Decimal,
        vencimento: date,
        devedor_documento: str,
        devedor_nome: str,
        multa_pct: Decimal = Decimal(0),
        juros_mensal_pct: Decimal = Decimal(0),
        validade_apos_vencimento: int = 60,
    ) -> CobrancaPix:
        devedor = {
            "cpf" if len(devedor_documento) == 11 else "cnpj": devedor_documento,
            "nome": devedor_nome[:200],
        }
        valores: dict[str, Any] = {"original": _dinheiro(valor)}
        if multa_pct > 0:
            valores["multa"] = {"modalidade": "2", "valorPerc": _dinheiro(multa_pct)}  # 2: percentual
        if juros_mensal_pct > 0:
            valores["juros"] = {"modalidade": "3", "valorPerc": _dinheiro(juros_mensal_pct)}  # 3: % a.m.
        corpo = {
            "calendario": {
                "dataDeVencimento": vencimento.isoformat(),
                "validadeAposVencimento": validade_apos_vencimento,
            },
            "devedor": devedor,
            "valor": valores,
            "chave": chave,
        }
        return self._cobranca(await self._chamar("PUT", f"/cobv/{self._txid(txid)}", corpo))

    async def consultar_cob(self, txid: str) -> CobrancaPix:
        return self._cobranca(await self._chamar("GET", f"/cob/{self._txid(txid)}"))

    async def consultar_cobv(self, txid: str) -> CobrancaPix:
        return self._cobranca(await self._chamar("GET", f"/cobv/{self._txid(txid)}"))

    async def registrar_webhook(self, chave: str, webhook_url: str) -> None:
        await self._chamar("PUT", f"/webhook/{chave}", {"webhookUrl": webhook_url})

    async def consultar_webhook(self, chave: str) -> str | None:
        corpo = await self._chamar("GET", f"/webhook/{chave}")
        return corpo.get("webhookUrl")


class ClientePixTokenNaRaiz(ClientePix):
    """PSPs whose OAuth endpoint is at the host's root (``https://host/oauth/token``) while the API is
    under a versioned path: the token URL is absolute."""

    def url_token(self) -> str:
        base = httpx.URL(self.credenciais.base_url)
        return str(base.copy_with(path="/oauth/token", query=None))


#: PSP name (``ContaCobranca.psp``) → client class.
PSPS: dict[str, type[ClientePix]] = {
    "bcb": ClientePix,
    "bcb-token-na-raiz": ClientePixTokenNaRaiz,
}


def cliente_para(psp: str, credenciais: CredenciaisPsp) -> ClientePix:
    try:
        return PSPS[psp](credenciais)
    except KeyError:
        raise ValueError(f"PSP {psp!r} desconhecido (conhecidos: {', '.join(sorted(PSPS))})") from None
