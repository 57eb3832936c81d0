"""Register, rescope, rotate and revoke API clients (admins); every change audited."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.clientes_api import chaves
from tenant_app.clientes_api.models import ChaveApi, ClienteApi
from tenant_app.erros import ConflitoError, NaoEncontrado, RegraVioladaError
from tenant_app.http.pagination import PageParams, paginate
from tenant_app.unit_of_work import UnitOfWork
from tenant_app.users.roles import ROLE_PERMISSIONS, Permission, Role


def escopo(perfil: Role, permissoes: Iterable[str]) -> frozenset[Permission]:
    """The permissions a client has: the listed ones (all of the role's when none). Pure."""
    pedidas = frozenset(Permission(p) for p in permissoes)
    return pedidas or ROLE_PERMISSIONS[perfil]


def _validar_escopo(perfil: Role, permissoes: Iterable[str]) -> list[str]:
    if perfil is Role.ADMIN:
        raise RegraVioladaError("Um cliente de API não pode ter o perfil admin.", campo="perfil")
    fora = sorted(str(p) for p in set(permissoes) - set(ROLE_PERMISSIONS[perfil]))
    if fora:
        raise RegraVioladaError(
            f"Permissões fora do perfil {perfil.value}: {', '.join(fora)}. "
            f"O perfil permite: {', '.join(sorted(ROLE_PERMISSIONS[perfil]))}.",
            campo="permissoes",
        )
    return sorted({str(p) for p in permissoes})


async def _nome_livre(uow: UnitOfWork, nome: str, exceto: uuid.UUID | None = None) -> None:
    stmt = select(ClienteApi.id).where(func.lower(ClienteApi.nome) == nome.strip().lower())
    if exceto is not None:
        stmt = stmt.where(ClienteApi.id != exceto)
    if (await uow.session.execute(stmt)).first() is not None:
        raise ConflitoError("Já existe um cliente de API com este nome.", code="conflito", campo="nome")


def _nova_chave(uow: UnitOfWork, cliente: ClienteApi, tenant: str, agora: datetime) -> tuple[ChaveApi, str]:
    nova = chaves.gerar(tenant)
    chave = ChaveApi(
        id=uuid.uuid4(), cliente_id=cliente.id, prefixo=nova.prefixo, hash=nova.hash, criada_em=agora
    )
    uow.add(chave)
    return chave, nova.texto


async def criar(
    uow: UnitOfWork,
    tenant: str,
    *,
    nome: str,
    perfil: Role,
    descricao: str | None,
    permissoes: list[str],
    limite_por_minuto: int | None,
) -> tuple[ClienteApi, ChaveApi, str]:
    """A new client and its first key (the key text is returned once, never stored)."""
    lista = _validar_escopo(perfil, permissoes)
    await _nome_livre(uow, nome)
    agora = datetime.now(UTC)
    cliente = ClienteApi(
        id=uuid.uuid4(),
        nome=nome.strip(),
        descricao=descricao,
        perfil=perfil,
        permissoes=lista,
        limite_por_minuto=limite_por_minuto,
        ativo=True,
        criado_por=uow.actor.user_id,
    )
    uow.add(cliente)
    await uow.flush()
    chave, texto = _nova_chave(uow, cliente, tenant, agora)
    await uow.commit()
    return cliente, chave, texto


async def listar(session: AsyncSession, page: PageParams) -> tuple[list[ClienteApi], int]:
    """One page of clients by name, and the total."""
    return await paginate(session, select(ClienteApi).order_by(ClienteApi.nome), page)


async def obter(session: AsyncSession, cliente_id: uuid.UUID) -> ClienteApi:
    """The client or 404."""
    cliente = await session.get(ClienteApi, cliente_id)
    if cliente is None:
        raise NaoEncontrado("Cliente de API")
    return cliente


async def chaves_de(session: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[ChaveApi]]:
    """The keys of each client in ``ids``, newest first."""
    out: dict[uuid.UUID, list[ChaveApi]] = {i: [] for i in ids}
    if ids:
        rows = await session.scalars(
            select(ChaveApi).where(ChaveApi.cliente_id.in_(ids)).order_by(ChaveApi.criada_em.desc())
        )
        for chave in rows:
            out[chave.cliente_id].append(chave)
    return out


async def _ativo(uow: UnitOfWork, cliente_id: uuid.UUID) -> ClienteApi:
    cliente = await uow.session.get(ClienteApi, cliente_id, with_for_update=True)
    if cliente is None:
        raise NaoEncontrado("Cliente de API")
    if not cliente.ativo:
        raise ConflitoError("O cliente de API foi revogado.", code="transicao_invalida")
    uow.track(cliente)
    return cliente


async def alterar(
    uow: UnitOfWork,
    cliente_id: uuid.UUID,
    *,
    nome: str | None,
    descricao: str | None,
    perfil: Role | None,
    permissoes: list[str] | None,
    limite_por_minuto: int | None,
) -> ClienteApi:
    """Change the fields given; a new scope applies to the very next request."""
    cliente = await _ativo(uow, cliente_id)
    novo_perfil = perfil or cliente.perfil
    novas = permissoes if permissoes is not None else (cliente.permissoes if perfil is None else [])
    cliente.permissoes = _validar_escopo(novo_perfil, novas)
    cliente.perfil = novo_perfil
    if nome is not None:
        await _nome_livre(uow, nome, exceto=cliente.id)
        cliente.nome = nome.strip()
    if descricao is not None:
        cliente.descricao = descricao
    if limite_por_minuto is not None:
        cliente.limite_por_minuto = limite_por_minuto
    await uow.commit()
    return cliente


async def rotacionar(
    uow: UnitOfWork, tenant: str, cliente_id: uuid.UUID, sobreposicao_horas: int
) -> tuple[ChaveApi, str, datetime]:
    """A new key; the valid previous ones keep working until the overlap ends (0 = at once)."""
    cliente = await _ativo(uow, cliente_id)
    agora = datetime.now(UTC)
    fim = agora + timedelta(hours=sobreposicao_horas)
    anteriores = await uow.session.scalars(
        select(ChaveApi).where(ChaveApi.cliente_id == cliente.id, ChaveApi.revogada_em.is_(None))
    )
    for anterior in anteriores:
        if anterior.expira_em is None or anterior.expira_em > fim:
            uow.track(anterior)
            anterior.expira_em = fim
    chave, texto = _nova_chave(uow, cliente, tenant, agora)
    await uow.commit()
    return chave, texto, fim


async def revogar(uow: UnitOfWork, cliente_id: uuid.UUID) -> ClienteApi:
    """Revoke the client and every key of it, effective on the next request. Idempotent."""
    cliente = await uow.session.get(ClienteApi, cliente_id, with_for_update=True)
    if cliente is None:
        raise NaoEncontrado("Cliente de API")
    if not cliente.ativo:
        return cliente
    uow.track(cliente)
    agora = datetime.now(UTC)
    cliente.ativo = False
    cliente.revogado_em = agora
    for chave in await uow.session.scalars(
        select(ChaveApi).where(ChaveApi.cliente_id == cliente.id, ChaveApi.revogada_em.is_(None))
    ):
        uow.track(chave)
        chave.revogada_em = agora
    await uow.commit()
    return cliente


async def revogar_chave(uow: UnitOfWork, cliente_id: uuid.UUID, chave_id: uuid.UUID) -> None:
    """Revoke one key (e.g. a leaked one after a rotation), effective on the next request. Idempotent."""
    chave = await uow.session.get(ChaveApi, chave_id, with_for_update=True)
    if chave is None or chave.cliente_id != cliente_id:
        raise NaoEncontrado("Chave de API")
    if chave.revogada_em is None:
        uow.track(chave)
        chave.revogada_em = datetime.now(UTC)
        await uow.commit()
