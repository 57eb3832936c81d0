"""``/api/cobranca/contas``: the bank accounts that issue títulos."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
from litestar import Controller, Request, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from tenant_app.cobranca import contas
from tenant_app.cobranca.cofre import CofreIndisponivel
from tenant_app.cobranca.controller.comum import CONFIGURAR, LER, cofre_do_app
from tenant_app.cobranca.schemas import ContaCobrancaIn, ContaCobrancaOut, ContaCobrancaPatch, SegredoPspIn
from tenant_app.http.schemas import to_schema
from tenant_app.unit_of_work import UnitOfWork


def _out(c: Any) -> ContaCobrancaOut:
    return to_schema(ContaCobrancaOut, c)


class ContaCobrancaController(Controller):
    path = "/api/cobranca/contas"
    tags = ["cobrança"]  # noqa: RUF012

    @post(
        "/",
        operation_id="createBillingAccount",
        summary="Configurar conta de cobrança",
        guards=CONFIGURAR,
        status_code=201,
    )
    async def criar(
        self, data: JSONBody[ContaCobrancaIn], uow: NamedDependency[UnitOfWork]
    ) -> ContaCobrancaOut:
        """A bank account for one grupo (``grupo_id``) or the administradora's default (no ``grupo_id``):
        banco (001, 237, 341), agência, conta, convênio, carteira, beneficiário, chave PIX and PSP.
        Checked against the bank's layout (422 ``conta_cobranca_invalida``); one per grupo and one
        default (409 ``conta_cobranca_existente``)."""
        dados = contas.DadosConta(**msgspec.structs.asdict(data))
        return _out(await contas.criar_conta(uow, dados))

    @get("/", operation_id="listBillingAccounts", summary="Listar contas de cobrança", guards=LER)
    async def listar(self, uow: NamedDependency[UnitOfWork]) -> list[ContaCobrancaOut]:
        """Every configured account, oldest first, with the next nosso número and remessa numbers."""
        return [_out(c) for c in await contas.listar_contas(uow)]

    @get("/{conta_id:uuid}", operation_id="getBillingAccount", summary="Conta de cobrança", guards=LER)
    async def obter(
        self, conta_id: FromPath[uuid.UUID], uow: NamedDependency[UnitOfWork]
    ) -> ContaCobrancaOut:
        """One account."""
        return _out(await contas.obter_conta(uow, conta_id))

    @put(
        "/{conta_id:uuid}/psp-segredo",
        operation_id="setPspSecret",
        summary="Guardar o segredo do PSP no Vault",
        guards=CONFIGURAR,
        status_code=204,
    )
    async def segredo_psp(
        self,
        conta_id: FromPath[uuid.UUID],
        data: JSONBody[SegredoPspIn],
        uow: NamedDependency[UnitOfWork],
        request: Request[Any, Any, Any],
    ) -> None:
        """Write the PSP's OAuth client secret to the tenant's own Vault path
        (``namespaces/tenant-<tenant>/psp/<conta>``, through the tenant's Kubernetes-auth role); it
        never touches the database and is never returned. 503 ``cofre_indisponivel`` when Vault is
        not reachable."""
        await contas.obter_conta(uow, conta_id)
        cofre = cofre_do_app(request.app.state)
        if cofre is None:
            raise CofreIndisponivel("Este tenant não tem acesso ao Vault configurado (VAULT_ADDR).")
        await cofre.guardar(conta_id, data.client_secret)
        uow.auditar(
            "segredo_psp_alterado", "conta_cobranca", str(conta_id), None, {"cofre": cofre.caminho(conta_id)}
        )
        await uow.commit()

    @patch(
        "/{conta_id:uuid}",
        operation_id="updateBillingAccount",
        summary="Alterar conta de cobrança",
        guards=CONFIGURAR,
    )
    async def alterar(
        self,
        conta_id: FromPath[uuid.UUID],
        data: JSONBody[ContaCobrancaPatch],
        uow: NamedDependency[UnitOfWork],
    ) -> ContaCobrancaOut:
        """Change the beneficiário's name, city, chave PIX or PSP; the bank identity (banco, agência,
        conta, convênio, carteira) is fixed once títulos carry it."""
        mudancas = msgspec.structs.asdict(data)
        mudancas = {k: v for k, v in mudancas.items() if k in msgspec.to_builtins(data)}
        return _out(await contas.alterar_conta(uow, conta_id, mudancas))
