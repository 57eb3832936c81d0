"""What a logged-in consorciado may see and do — always his own, never anybody else's.

Every function takes the consorciado's id from his session and starts its query from it:
a cota, parcela, lance or document of someone else is "not found" (404, the same answer
as an id that does not exist, so ids cannot be probed). The rules themselves are the
features' own services (cronograma, emissão, lances, documentos, LGPD), called after the
ownership check: the área adds no second copy of any rule.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.armazenamento.store import ObjectStore
from tenant_app.assembleias import lances_service
from tenant_app.assembleias.models import Assembleia, ContemplacaoCota, LanceAssembleia, StatusLance
from tenant_app.assembleias.schemas import LanceCreate
from tenant_app.cobranca import emissao
from tenant_app.cobranca.cofre import CofrePsp
from tenant_app.cobranca.models import Titulo
from tenant_app.consorciados import service as consorciados
from tenant_app.consorciados.models import ConsentimentoLGPD, Consorciado
from tenant_app.consorciados.schemas import ConsentimentoIn
from tenant_app.cotas.models import Cota
from tenant_app.documentos import service as documentos
from tenant_app.documentos.models import Documento, EntidadeDocumento
from tenant_app.erros import NaoEncontrado, RegraVioladaError
from tenant_app.grupos.models import Grupo
from tenant_app.pagamentos.models import Pagamento
from tenant_app.parcelas import consultas
from tenant_app.parcelas.models import Parcela, StatusParcela
from tenant_app.unit_of_work import Actor, UnitOfWork

#: Consents the consorciado decides himself here. The contract's own processing (LGPD art. 7 V)
#: is not a consent and cannot be withdrawn from a web page.
FINALIDADES_LIVRES = {"marketing": "Receber ofertas e novidades da administradora por e-mail"}
CANAL = "area_consorciado"


def ator(consorciado_id: uuid.UUID, request_id: str | None) -> Actor:
    """The audit trail's actor for what a consorciado does himself (no staff user behind it)."""
    return Actor(None, f"consorciado:{consorciado_id}", request_id)


async def titular(session: AsyncSession, consorciado_id: uuid.UUID) -> Consorciado | None:
    """The session's consorciado, or None when he was anonymised or removed since the login."""
    pessoa = await session.get(Consorciado, consorciado_id)
    return None if pessoa is None or pessoa.anonimizado_em is not None else pessoa


async def minhas_cotas(session: AsyncSession, consorciado_id: uuid.UUID) -> list[tuple[Cota, Grupo]]:
    """His cotas (active, excluded, contemplated) with their grupos."""
    rows = await session.execute(
        select(Cota, Grupo)
        .join(Grupo, Grupo.id == Cota.grupo_id)
        .where(Cota.consorciado_id == consorciado_id)
        .order_by(Grupo.codigo, Cota.numero)
    )
    return [(c, g) for c, g in rows.all()]


async def minha_cota(
    session: AsyncSession, consorciado_id: uuid.UUID, cota_id: uuid.UUID
) -> tuple[Cota, Grupo]:
    """One of his cotas; anybody else's is not found."""
    row = (
        await session.execute(
            select(Cota, Grupo)
            .join(Grupo, Grupo.id == Cota.grupo_id)
            .where(Cota.id == cota_id, Cota.consorciado_id == consorciado_id)
        )
    ).first()
    if row is None:
        raise NaoEncontrado("Cota")
    return row[0], row[1]


@dataclass(frozen=True)
class ResumoCota:
    cota: Cota
    grupo: Grupo
    saldo: Any
    #: The oldest parcela not fully paid (None when the plan is paid off).
    proxima: Parcela | None


async def resumo_das_cotas(session: AsyncSession, consorciado_id: uuid.UUID, hoje: date) -> list[ResumoCota]:
    """His cotas with what is open on each: the balance and the next parcela (not the whole extrato)."""
    resumo = []
    for cota, grupo in await minhas_cotas(session, consorciado_id):
        proxima = await session.scalar(
            select(Parcela)
            .where(Parcela.cota_id == cota.id, Parcela.status != StatusParcela.PAGA)
            .order_by(Parcela.numero)
            .limit(1)
        )
        resumo.append(ResumoCota(cota, grupo, await consultas.saldo(session, cota.id, hoje), proxima))
    return resumo


@dataclass(frozen=True)
class Extrato:
    cota: Cota
    grupo: Grupo
    parcelas: list[Any]
    saldo: Any
    titulos: list[Titulo]
    pagamentos: list[Pagamento]


async def extrato(
    session: AsyncSession, consorciado_id: uuid.UUID, cota_id: uuid.UUID, hoje: date
) -> Extrato:
    """The cota's parcelas (with late charges as of today), balance, títulos and payments."""
    cota, grupo = await minha_cota(session, consorciado_id, cota_id)
    titulos = await session.scalars(
        select(Titulo)
        .where(Titulo.cota_id == cota.id)
        .order_by(Titulo.vencimento.desc(), Titulo.numero.desc())
    )
    pagamentos = await session.scalars(
        select(Pagamento)
        .where(Pagamento.cota_id == cota.id)
        .order_by(Pagamento.data_pagamento.desc())
        .limit(60)
    )
    return Extrato(
        cota=cota,
        grupo=grupo,
        parcelas=await consultas.cronograma(session, cota.id, hoje),
        saldo=await consultas.saldo(session, cota.id, hoje),
        titulos=list(titulos),
        pagamentos=list(pagamentos),
    )


async def meu_titulo(session: AsyncSession, consorciado_id: uuid.UUID, titulo_id: uuid.UUID) -> Titulo:
    """One título of one of his cotas."""
    titulo = await session.scalar(
        select(Titulo)
        .join(Cota, Cota.id == Titulo.cota_id)
        .where(Titulo.id == titulo_id, Cota.consorciado_id == consorciado_id)
    )
    if titulo is None:
        raise NaoEncontrado("Título")
    return titulo


async def segunda_via(
    uow: UnitOfWork, consorciado_id: uuid.UUID, parcela_id: uuid.UUID, hoje: date, cofre: CofrePsp | None
) -> Titulo:
    """A payable boleto/PIX for one of his open parcelas: the live título while it is not due yet;
    an overdue one re-issued for today (multa and juros up to today, the cobrança's own rule);
    a new one when the parcela has none."""
    parcela = await uow.session.scalar(
        select(Parcela)
        .join(Cota, Cota.id == Parcela.cota_id)
        .where(Parcela.id == parcela_id, Cota.consorciado_id == consorciado_id)
    )
    if parcela is None:
        raise NaoEncontrado("Parcela")
    if parcela.saldo <= 0:
        raise RegraVioladaError("Esta parcela já está paga.")
    vivo = await emissao.titulo_ativo(uow, parcela.id)
    if vivo is not None and vivo.vencimento >= hoje:
        return vivo
    if vivo is not None:
        return await emissao.reemitir(uow, vivo.id, hoje, hoje=hoje, cofre=cofre)
    titulo, _ = await emissao.emitir(uow, parcela.id, None, hoje=hoje, cofre=cofre)
    return titulo


@dataclass(frozen=True)
class AssembleiaDoConsorciado:
    assembleia: Assembleia
    grupo: Grupo
    #: His cotas in this grupo that may still bid (active, not contemplated).
    cotas: list[Cota]
    #: His own active lances in it (his, so not sealed from him): (lance, cota número).
    lances: list[tuple[LanceAssembleia, int]]
    #: The published result: every contemplated cota number and how.
    contemplacoes: list[ContemplacaoCota]


async def minhas_assembleias(
    session: AsyncSession, consorciado_id: uuid.UUID
) -> list[AssembleiaDoConsorciado]:
    """The assembleias of his grupos, newest first, with his lances and the results."""
    cotas = await minhas_cotas(session, consorciado_id)
    grupos = {g.id: g for _, g in cotas}
    if not grupos:
        return []
    assembleias = list(
        await session.scalars(
            select(Assembleia)
            .where(Assembleia.grupo_id.in_(grupos))
            .order_by(Assembleia.data_assembleia.desc(), Assembleia.numero.desc())
            .limit(24)
        )
    )
    ids = [a.id for a in assembleias]
    minhas_ids = {c.id: c for c, _ in cotas}
    lances = (
        await session.execute(
            select(LanceAssembleia, Cota.numero)
            .join(Cota, Cota.id == LanceAssembleia.cota_id)
            .where(
                LanceAssembleia.assembleia_id.in_(ids),
                LanceAssembleia.cota_id.in_(minhas_ids),
                LanceAssembleia.status == StatusLance.ATIVO,
            )
        )
    ).all()
    contemplacoes = await session.scalars(
        select(ContemplacaoCota)
        .where(ContemplacaoCota.assembleia_id.in_(ids))
        .order_by(ContemplacaoCota.cota_numero)
    )
    por_assembleia: dict[uuid.UUID, list[tuple[LanceAssembleia, int]]] = {}
    for lance, numero in lances:
        por_assembleia.setdefault(lance.assembleia_id, []).append((lance, numero))
    resultado: dict[uuid.UUID, list[ContemplacaoCota]] = {}
    for c in contemplacoes:
        resultado.setdefault(c.assembleia_id, []).append(c)
    return [
        AssembleiaDoConsorciado(
            assembleia=a,
            grupo=grupos[a.grupo_id],
            cotas=[
                c for c, g in cotas if g.id == a.grupo_id and c.status.value == "ativa" and not c.contemplada
            ],
            lances=por_assembleia.get(a.id, []),
            contemplacoes=resultado.get(a.id, []),
        )
        for a in assembleias
    ]


async def oferecer_lance(
    uow: UnitOfWork,
    consorciado_id: uuid.UUID,
    assembleia_id: uuid.UUID,
    cota_id: uuid.UUID,
    tipo: Any,
    percentual: Decimal,
    percentual_embutido: Decimal,
) -> tuple[LanceAssembleia, int]:
    """A sealed lance for one of his cotas in an assembleia of that cota's grupo; the contract's rules
    (window, cut-off, types, minimum, arrears, one active lance) are the lances service's."""
    cota, _ = await minha_cota(uow.session, consorciado_id, cota_id)
    grupo_da_assembleia = await uow.session.scalar(
        select(Assembleia.grupo_id).where(Assembleia.id == assembleia_id)
    )
    if grupo_da_assembleia != cota.grupo_id:
        raise NaoEncontrado("Assembleia")
    dados = LanceCreate(
        cota_numero=cota.numero, tipo=tipo, percentual=percentual, percentual_embutido=percentual_embutido
    )
    return await lances_service.registrar_lance(uow, assembleia_id, dados, None)


async def retirar_lance(
    uow: UnitOfWork, consorciado_id: uuid.UUID, assembleia_id: uuid.UUID, lance_id: uuid.UUID
) -> None:
    """Cancel one of his lances before the cut-off (the lances service checks the window)."""
    dono = await uow.session.scalar(
        select(Cota.consorciado_id)
        .join(LanceAssembleia, LanceAssembleia.cota_id == Cota.id)
        .where(LanceAssembleia.id == lance_id, LanceAssembleia.assembleia_id == assembleia_id)
    )
    if dono != consorciado_id:
        raise NaoEncontrado("Lance")
    await lances_service.cancelar_lance(uow, assembleia_id, lance_id)


def _meus_documentos(consorciado_id: uuid.UUID, grupos: list[uuid.UUID]) -> Any:
    # His own (identity, contrato de adesão, his cotas' files) and his grupos' public ones
    # (regulamento, atas); never another member's.
    return or_(
        Documento.consorciado_id == consorciado_id,
        (Documento.entidade_tipo == EntidadeDocumento.GRUPO) & Documento.entidade_id.in_(grupos),
    )


async def meus_documentos(session: AsyncSession, consorciado_id: uuid.UUID) -> list[Documento]:
    """His documents and his grupos' documents, newest first."""
    grupos = [g.id for _, g in await minhas_cotas(session, consorciado_id)]
    rows = await session.scalars(
        select(Documento)
        .where(_meus_documentos(consorciado_id, grupos))
        .order_by(Documento.created_at.desc(), Documento.id)
        .limit(100)
    )
    return list(rows)


async def baixar_documento(
    uow: UnitOfWork, store: ObjectStore, consorciado_id: uuid.UUID, documento_id: uuid.UUID
) -> str:
    """A short-lived download URL of one of his documents (the download is audited)."""
    grupos = [g.id for _, g in await minhas_cotas(uow.session, consorciado_id)]
    achado = await uow.session.scalar(
        select(Documento.id).where(Documento.id == documento_id, _meus_documentos(consorciado_id, grupos))
    )
    if achado is None:
        raise NaoEncontrado("Documento")
    return (await documentos.link_download(uow, store, documento_id)).url


@dataclass(frozen=True)
class Privacidade:
    pessoa: Consorciado
    #: Latest decision per purpose.
    consentimentos: dict[str, ConsentimentoLGPD]
    historico: list[ConsentimentoLGPD]


async def privacidade(session: AsyncSession, consorciado_id: uuid.UUID) -> Privacidade:
    """His personal data on file and his consent decisions (LGPD art. 9 and 18 I-II)."""
    pessoa = await consorciados.get_consorciado(session, consorciado_id)
    historico = await consorciados.list_consents(session, consorciado_id)
    ultimos = {c.finalidade: c for c in historico}
    return Privacidade(pessoa=pessoa, consentimentos=ultimos, historico=historico)


async def decidir_consentimento(
    uow: UnitOfWork, consorciado_id: uuid.UUID, finalidade: str, concedido: bool
) -> None:
    """Grant or withdraw one of the purposes he decides himself (LGPD art. 8 §5: as easily as given)."""
    if finalidade not in FINALIDADES_LIVRES:
        raise RegraVioladaError("Esta finalidade não depende de consentimento.", campo="finalidade")
    await consorciados.record_consent(
        uow, consorciado_id, ConsentimentoIn(finalidade=finalidade, concedido=concedido, canal=CANAL)
    )


async def exportar(uow: UnitOfWork, consorciado_id: uuid.UUID) -> dict[str, Any]:
    """Everything held about him (LGPD art. 18 V), the same export the staff hands out (audited)."""
    return await consorciados.export_data(uow, consorciado_id)
