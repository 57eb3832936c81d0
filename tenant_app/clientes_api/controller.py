"""``/api/clientes-api``: admins register integrations and manage their keys."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import unquote_plus

from litestar import Controller, Request, delete, get, patch, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, JSONBody

from tenant_app.clientes_api import oauth, service
from tenant_app.clientes_api.models import ChaveApi, ClienteApi
from tenant_app.clientes_api.schemas import (
    ChaveApiOut,
    ChaveCriadaOut,
    ClienteApiCriadoOut,
    ClienteApiIn,
    ClienteApiOut,
    ClienteApiPatch,
    PerfilCliente,
    RotacaoChaveIn,
    TokenClienteIn,
    TokenClienteOut,
)
from tenant_app.erros import NaoAutenticado
from tenant_app.http.pagination import PAGE_DEPENDENCY, PageParams, Pagina
from tenant_app.unit_of_work import UnitOfWork
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission, Role


def _chave(c: ChaveApi, agora: datetime) -> ChaveApiOut:
    valida = c.revogada_em is None and (c.expira_em is None or c.expira_em > agora)
    return ChaveApiOut(
        id=c.id,
        prefixo=c.prefixo,
        criada_em=c.criada_em,
        expira_em=c.expira_em,
        revogada_em=c.revogada_em,
        ultimo_uso_em=c.ultimo_uso_em,
        valida=valida,
    )


def _out(c: ClienteApi, chaves: list[ChaveApi]) -> ClienteApiOut:
    agora = datetime.now(UTC)
    return ClienteApiOut(
        id=c.id,
        nome=c.nome,
        descricao=c.descricao,
        perfil=PerfilCliente(c.perfil.value),
        permissoes=sorted(service.escopo(c.perfil, c.permissoes)),
        limite_por_minuto=c.limite_por_minuto,
        ativo=c.ativo,
        revogado_em=c.revogado_em,
        criado_em=c.created_at,
        chaves=[_chave(k, agora) for k in chaves],
    )


async def _com_chaves(uow: UnitOfWork, cliente: ClienteApi) -> ClienteApiOut:
    return _out(cliente, (await service.chaves_de(uow.session, [cliente.id]))[cliente.id])


class ClienteApiController(Controller):
    """Only admins (``users:manage``); a key never has that permission, so keys cannot mint keys."""

    path = "/api/clientes-api"
    tags = ["clientes-api"]  # noqa: RUF012
    guards = [requires(Permission.USERS_MANAGE)]  # noqa: RUF012
    dependencies = PAGE_DEPENDENCY

    @post("/", operation_id="createClienteApi", status_code=201)
    async def criar(
        self, data: JSONBody[ClienteApiIn], uow: NamedDependency[UnitOfWork], state: State
    ) -> ClienteApiCriadoOut:
        """Cadastra um cliente de API (integração) e emite a primeira chave.

        O cliente age com as permissões do `perfil` (gestor, operador, financeiro ou auditor),
        restritas a `permissoes` quando informadas. A chave vem só nesta resposta; o servidor guarda
        apenas o seu SHA-256. Use-a como `Authorization: Bearer <chave>`. Cada chamada do cliente
        aparece na auditoria com `autor_id` igual ao `id` do cliente.
        """
        cliente, chave, texto = await service.criar(
            uow,
            state.settings.tenant_slug,
            nome=data.nome,
            perfil=Role(data.perfil.value),
            descricao=data.descricao,
            permissoes=[p.value for p in data.permissoes],
            limite_por_minuto=data.limite_por_minuto,
        )
        return ClienteApiCriadoOut(
            cliente=_out(cliente, [chave]),
            chave=ChaveCriadaOut(
                cliente_id=cliente.id, chave_id=chave.id, chave=texto, anteriores_expiram_em=None
            ),
        )

    @get("/", operation_id="listClientesApi")
    async def listar(
        self, uow: NamedDependency[UnitOfWork], page: NamedDependency[PageParams]
    ) -> Pagina[ClienteApiOut]:
        """Lista os clientes de API, por nome, com as suas chaves (nunca os segredos)."""
        rows, total = await service.listar(uow.session, page)
        por_cliente = await service.chaves_de(uow.session, [c.id for c in rows])
        return Pagina(
            items=[_out(c, por_cliente[c.id]) for c in rows],
            total=total,
            limit=page.limit,
            offset=page.offset,
        )

    @get("/{cliente_id:uuid}", operation_id="getClienteApi")
    async def obter(self, cliente_id: FromPath[uuid.UUID], uow: NamedDependency[UnitOfWork]) -> ClienteApiOut:
        """Um cliente de API e as suas chaves (prefixo, validade, último uso)."""
        return await _com_chaves(uow, await service.obter(uow.session, cliente_id))

    @patch("/{cliente_id:uuid}", operation_id="updateClienteApi")
    async def alterar(
        self,
        cliente_id: FromPath[uuid.UUID],
        data: JSONBody[ClienteApiPatch],
        uow: NamedDependency[UnitOfWork],
    ) -> ClienteApiOut:
        """Altera nome, descrição, perfil, permissões ou limite por minuto.

        O novo escopo vale a partir da próxima requisição do cliente. Trocar o perfil sem informar
        `permissoes` dá ao cliente todas as permissões do novo perfil. 409 se o cliente foi revogado.
        """
        cliente = await service.alterar(
            uow,
            cliente_id,
            nome=data.nome,
            descricao=data.descricao,
            perfil=Role(data.perfil.value) if data.perfil is not None else None,
            permissoes=[p.value for p in data.permissoes] if data.permissoes is not None else None,
            limite_por_minuto=data.limite_por_minuto,
        )
        return await _com_chaves(uow, cliente)

    @post("/{cliente_id:uuid}/rotacao", operation_id="rotateClienteApiKey", status_code=201)
    async def rotacionar(
        self,
        cliente_id: FromPath[uuid.UUID],
        data: JSONBody[RotacaoChaveIn],
        uow: NamedDependency[UnitOfWork],
        state: State,
    ) -> ChaveCriadaOut:
        """Emite uma nova chave; as anteriores valem ainda por `sobreposicao_horas` (rotação sem parada).

        Troque a chave no sistema integrado dentro da sobreposição. Com `sobreposicao_horas: 0` as
        anteriores deixam de valer na hora. 409 se o cliente foi revogado.
        """
        chave, texto, fim = await service.rotacionar(
            uow, state.settings.tenant_slug, cliente_id, data.sobreposicao_horas
        )
        return ChaveCriadaOut(
            cliente_id=cliente_id, chave_id=chave.id, chave=texto, anteriores_expiram_em=fim
        )

    @post("/{cliente_id:uuid}/revogacao", operation_id="revokeClienteApi", status_code=200)
    async def revogar(
        self, cliente_id: FromPath[uuid.UUID], uow: NamedDependency[UnitOfWork]
    ) -> ClienteApiOut:
        """Revoga o cliente e todas as suas chaves, com efeito na próxima requisição.

        Irreversível (cadastre outro cliente para voltar a integrar) e idempotente: repetir devolve
        o mesmo cliente revogado.
        """
        return await _com_chaves(uow, await service.revogar(uow, cliente_id))

    @delete("/{cliente_id:uuid}/chaves/{chave_id:uuid}", operation_id="revokeChaveApi", status_code=204)
    async def revogar_chave(
        self, cliente_id: FromPath[uuid.UUID], chave_id: FromPath[uuid.UUID], uow: NamedDependency[UnitOfWork]
    ) -> None:
        """Revoga uma chave só (ex.: a antiga, vazada, depois de uma rotação), com efeito imediato."""
        await service.revogar_chave(uow, cliente_id, chave_id)


def _basic(request: Request[Any, Any, Any]) -> tuple[str | None, str | None]:
    """(client_id, client_secret) of an ``Authorization: Basic`` header (RFC 6749 §2.3.1), if any."""
    esquema, _, valor = request.headers.get("authorization", "").partition(" ")
    if esquema.lower() != "basic" or not valor:
        return None, None
    try:
        texto = base64.b64decode(valor.strip(), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        raise NaoAutenticado("Cabeçalho Authorization Basic malformado.") from None
    client_id, sep, segredo = texto.partition(":")
    if not sep:
        raise NaoAutenticado("Cabeçalho Authorization Basic malformado.")
    return unquote_plus(client_id), unquote_plus(segredo)


class TokenClienteController(Controller):
    """OAuth 2.0 client credentials for integrations (public route: the client's key is the credential)."""

    path = "/api/auth/token"
    tags = ["auth"]  # noqa: RUF012

    @post("/", operation_id="createClienteToken", status_code=200)
    async def token(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[TokenClienteIn, Body(media_type=RequestEncodingType.URL_ENCODED)],
        uow: NamedDependency[UnitOfWork],
        state: State,
    ) -> TokenClienteOut:
        """Emite um token de acesso OAuth 2.0 para um cliente de API (client credentials, RFC 6749 §4.4).

        Corpo `application/x-www-form-urlencoded` com `grant_type=client_credentials` e a chave do
        cliente em `client_secret` (ou `client_id`/`client_secret` em HTTP Basic). O token vale
        15 minutos e deixa de valer na hora se a chave ou o cliente for revogado. Erros em
        problem+json: 401 `credenciais_invalidas`; 503 se o Redis não responde.
        """
        basic_id, basic_segredo = _basic(request)
        segredo = basic_segredo or data.client_secret
        if not segredo:
            raise NaoAutenticado("Informe a chave do cliente em client_secret ou em HTTP Basic.")
        token, cliente = await oauth.emitir(
            uow,
            state.redis,
            state.settings.redis,
            state.settings.tenant_slug,
            basic_id or data.client_id,
            segredo,
        )
        return TokenClienteOut(
            access_token=token,
            expires_in=oauth.TTL_SEGUNDOS,
            scope=" ".join(sorted(service.escopo(cliente.perfil, cliente.permissoes))),
        )
