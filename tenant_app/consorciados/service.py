"""Consorciado registration, LGPD consent, anonymization and portability export."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from consorcio_contract.identifiers import normalize_cnpj
from tenant_app.armazenamento.store import ObjectStore
from tenant_app.audit_log.chain import jsonable
from tenant_app.consorciados.models import (
    DOCUMENTO,
    ConsentimentoLGPD,
    Consorciado,
    Contato,
    Endereco,
    TipoPessoa,
)
from tenant_app.consorciados.schemas import (
    ConsentimentoIn,
    ConsorciadoCreate,
    ConsorciadoUpdate,
    ContatoIn,
    EnderecoIn,
)
from tenant_app.cotas.models import Cota
from tenant_app.credito import lgpd as credito_lgpd
from tenant_app.dados_pessoais import indices
from tenant_app.documentos.service import apagar_documentos_pessoais, resumo_para_exportacao
from tenant_app.erros import ConflitoError, NaoEncontrado, RegraVioladaError
from tenant_app.eventos.tipos import CONSORCIADO_CRIADO
from tenant_app.http.pagination import PageParams, paginate
from tenant_app.pagamentos.models import Pagamento
from tenant_app.parcelas.models import Parcela
from tenant_app.unit_of_work import UnitOfWork

ANON_NOME = "Titular anonimizado"


async def get_consorciado(session: AsyncSession, consorciado_id: uuid.UUID) -> Consorciado:
    """The member or 404."""
    obj = await session.get(Consorciado, consorciado_id)
    if obj is None:
        raise NaoEncontrado("Consorciado")
    return obj


async def listar_consorciados(
    session: AsyncSession, page: PageParams, *, q: str | None = None, tipo_pessoa: TipoPessoa | None = None
) -> tuple[list[Consorciado], int]:
    """One page of members by name, filtered by part of the name or the exact document, and the total."""
    stmt = select(Consorciado).order_by(Consorciado.nome, Consorciado.id)
    if q:
        like = f"%{q.replace('%', '').replace('_', '')}%"
        documento = indices.indice(DOCUMENTO, normalize_cnpj(q))
        stmt = stmt.where(or_(Consorciado.nome.ilike(like), Consorciado.documento_indice == documento))
    if tipo_pessoa is not None:
        stmt = stmt.where(Consorciado.tipo_pessoa == tipo_pessoa)
    return await paginate(session, stmt, page)


def _ensure_not_anonymized(obj: Consorciado) -> None:
    if obj.anonimizado_em is not None:
        raise RegraVioladaError("Titular anonimizado: os dados pessoais não podem mais ser alterados.")


def _contato(data: ContatoIn) -> Contato:
    return Contato(tipo=data.tipo, valor=data.valor, principal=data.principal)


def _endereco(data: EnderecoIn) -> Endereco:
    return Endereco(
        tipo=data.tipo,
        logradouro=data.logradouro,
        numero=data.numero,
        complemento=data.complemento,
        bairro=data.bairro,
        cidade=data.cidade,
        uf=data.uf,
        cep=data.cep.replace("-", ""),
    )


def _consentimento(
    consorciado_id: uuid.UUID, data: ConsentimentoIn, user_id: uuid.UUID | None
) -> ConsentimentoLGPD:
    return ConsentimentoLGPD(
        consorciado_id=consorciado_id,
        finalidade=data.finalidade,
        concedido=data.concedido,
        canal=data.canal,
        versao_termo=data.versao_termo,
        observacao=data.observacao,
        registrado_em=datetime.now(UTC),
        registrado_por=user_id,
    )


async def create_consorciado(uow: UnitOfWork, data: ConsorciadoCreate) -> Consorciado:
    """Register a member (CPF/CNPJ validated and unique)."""
    documento = data.normalized_documento()
    mesmo_documento = Consorciado.documento_indice == indices.indice(DOCUMENTO, documento)
    if (await uow.session.execute(select(Consorciado.id).where(mesmo_documento))).first():
        raise ConflitoError("Já existe um consorciado com este documento.", code="documento_duplicado")
    obj = Consorciado(
        id=uuid.uuid4(),
        tipo_pessoa=data.tipo_pessoa,
        documento=documento,
        nome=data.nome,
        email=data.email,
        telefone=data.telefone,
        data_nascimento=data.data_nascimento,
        cpf_conjuge=data.normalized_cpf_conjuge(),
        contatos=[_contato(c) for c in data.contatos],
        enderecos=[_endereco(e) for e in data.enderecos],
    )
    uow.add(obj)
    uow.add_all([*obj.contatos, *obj.enderecos])
    await uow.flush()  # consent rows reference the member (no ORM relationship orders them)
    for c in data.consentimentos:
        uow.add(_consentimento(obj.id, c, uow.actor.user_id))
    # No personal data in the event: consumers read the member by id (LGPD).
    uow.publicar(
        CONSORCIADO_CRIADO,
        {"consorciado_id": obj.id, "tipo_pessoa": obj.tipo_pessoa},
        chave=f"consorciado:{obj.id}",
    )
    await uow.commit()
    return obj


async def update_consorciado(
    uow: UnitOfWork, consorciado_id: uuid.UUID, data: ConsorciadoUpdate
) -> Consorciado:
    """Change name, contact data or the cônjuge's CPF."""
    obj = await get_consorciado(uow.session, consorciado_id)
    _ensure_not_anonymized(obj)
    uow.track(obj)
    for field in ("nome", "email", "telefone"):
        value = getattr(data, field)
        if value is not None:
            setattr(obj, field, value)
    if data.cpf_conjuge is not None:
        obj.cpf_conjuge = data.cpf_conjuge_validado(obj.tipo_pessoa, obj.documento)
    await uow.commit()
    return obj


async def add_contato(uow: UnitOfWork, consorciado_id: uuid.UUID, data: ContatoIn) -> Consorciado:
    """Append a contact channel."""
    obj = await get_consorciado(uow.session, consorciado_id)
    _ensure_not_anonymized(obj)
    contato = _contato(data)
    uow.add(contato)
    obj.contatos.append(contato)
    await uow.commit()
    return obj


async def add_endereco(uow: UnitOfWork, consorciado_id: uuid.UUID, data: EnderecoIn) -> Consorciado:
    """Append an address."""
    obj = await get_consorciado(uow.session, consorciado_id)
    _ensure_not_anonymized(obj)
    endereco = _endereco(data)
    uow.add(endereco)
    obj.enderecos.append(endereco)
    await uow.commit()
    return obj


async def record_consent(
    uow: UnitOfWork, consorciado_id: uuid.UUID, data: ConsentimentoIn
) -> ConsentimentoLGPD:
    """Append a consent decision (earlier ones stay as history)."""
    obj = await get_consorciado(uow.session, consorciado_id)
    _ensure_not_anonymized(obj)
    consent = _consentimento(obj.id, data, uow.actor.user_id)
    uow.add(consent)
    await uow.commit()
    return consent


async def list_consents(session: AsyncSession, consorciado_id: uuid.UUID) -> list[ConsentimentoLGPD]:
    """All decisions, oldest first."""
    await get_consorciado(session, consorciado_id)
    rows = await session.execute(
        select(ConsentimentoLGPD)
        .where(ConsentimentoLGPD.consorciado_id == consorciado_id)
        .order_by(ConsentimentoLGPD.registrado_em)
    )
    return list(rows.scalars())


async def anonymize(
    uow: UnitOfWork, consorciado_id: uuid.UUID, armazenamento: ObjectStore | None = None
) -> Consorciado:
    """Remove personal data on request (LGPD Art. 18 IV); cotas, parcelas and payments stay, de-identified.

    The personal documents' files are deleted from the tenant's bucket (every version);
    the contrato de adesão is kept (see ``documentos.service.PESSOAIS``). The favorecidos', sellers'
    and fiadores' data of his cartas de crédito are cleared (see ``credito.lgpd``).
    """
    obj = await get_consorciado(uow.session, consorciado_id)
    if obj.anonimizado_em is not None:
        return obj
    await credito_lgpd.anonimizar(uow, obj.id)
    await apagar_documentos_pessoais(uow, armazenamento, obj.id, "anonimização LGPD a pedido do titular")
    uow.track(obj)
    obj.documento = None
    obj.nome = ANON_NOME
    obj.email = None
    obj.telefone = None
    obj.data_nascimento = None
    obj.cpf_conjuge = None
    obj.anonimizado_em = datetime.now(UTC)
    for pessoal in [*obj.contatos, *obj.enderecos]:
        await uow.delete(pessoal)
    obj.contatos.clear()
    obj.enderecos.clear()
    await uow.commit()
    return obj


async def export_data(uow: UnitOfWork, consorciado_id: uuid.UUID) -> dict[str, Any]:
    """Everything held about the member (LGPD Art. 18 V), as JSON; the export itself is audited."""
    session = uow.session
    obj = await get_consorciado(session, consorciado_id)
    consents = await list_consents(session, consorciado_id)
    cotas = list((await session.execute(select(Cota).where(Cota.consorciado_id == obj.id))).scalars())
    cota_ids = [c.id for c in cotas]
    parcelas = (
        list((await session.execute(select(Parcela).where(Parcela.cota_id.in_(cota_ids)))).scalars())
        if cota_ids
        else []
    )
    pagamentos = (
        list((await session.execute(select(Pagamento).where(Pagamento.cota_id.in_(cota_ids)))).scalars())
        if cota_ids
        else []
    )

    def row(o: Any, *fields: str) -> dict[str, Any]:
        return {f: jsonable(getattr(o, f)) for f in fields}

    uow.auditar("exportacao_lgpd", "consorciados", str(obj.id))
    export = {
        "gerado_em": datetime.now(UTC).isoformat(),
        "titular": row(
            obj,
            "id",
            "tipo_pessoa",
            "documento",
            "nome",
            "email",
            "telefone",
            "data_nascimento",
            "cpf_conjuge",
            "anonimizado_em",
        ),
        "contatos": [row(c, "tipo", "valor", "principal") for c in obj.contatos],
        "enderecos": [
            row(e, "tipo", "logradouro", "numero", "complemento", "bairro", "cidade", "uf", "cep")
            for e in obj.enderecos
        ],
        "consentimentos": [
            row(c, "finalidade", "concedido", "canal", "versao_termo", "registrado_em") for c in consents
        ],
        # Which documents are held, which anonymisation deletes and which it keeps (and why).
        "documentos": await resumo_para_exportacao(session, obj.id),
        # Payouts and guarantees of his cartas de crédito, and what anonymisation clears or keeps.
        "creditos": await credito_lgpd.resumo_para_exportacao(uow, obj.id),
        "cotas": [
            {
                **row(
                    c, "id", "grupo_id", "numero", "status", "data_adesao", "contemplada", "contemplada_em"
                ),
                "parcelas": [
                    row(p, "numero", "vencimento", "valor_total", "status", "paga_em")
                    for p in sorted(parcelas, key=lambda p: p.numero)
                    if p.cota_id == c.id
                ],
                "pagamentos": [
                    row(p, "id", "valor", "data_pagamento", "forma", "status")
                    for p in pagamentos
                    if p.cota_id == c.id
                ],
            }
            for c in cotas
        ],
    }
    await uow.commit()
    return export
