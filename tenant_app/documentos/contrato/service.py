"""Contrato de adesão: gather the data, render, store as the cota's ``contrato_adesao`` document.

The tenant's template (``ModeloContrato``) is versioned: a new version is a
new row, never an edit; each generated contract names the version it used.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app import calendario
from tenant_app.armazenamento.store import ObjectStore
from tenant_app.consorciados.models import Consorciado
from tenant_app.cotas.models import Cota, StatusCota
from tenant_app.documentos.contrato.dados import ComponentePrimeiraParcela, DadosContrato
from tenant_app.documentos.contrato.pdf import renderizar
from tenant_app.documentos.models import (
    CategoriaDocumento,
    Documento,
    DocumentoVersao,
    EntidadeDocumento,
    ModeloContrato,
)
from tenant_app.documentos.service import gravar_gerado
from tenant_app.erros import NaoEncontrado, RegraVioladaError
from tenant_app.grupos.models import Grupo
from tenant_app.parcelas.models import Parcela
from tenant_app.parcelas.schedule import first_parcela_breakdown
from tenant_app.parcelas.service import plano_of
from tenant_app.unit_of_work import UnitOfWork

_NOMES = {
    "fundo_comum": "Fundo comum",
    "taxa_administracao": "Taxa de administração",
    "taxa_antecipada": "Antecipação da taxa de administração",
    "fundo_reserva": "Fundo de reserva",
    "seguro": "Seguro prestamista",
    "total": "Total",
}


async def modelo_atual(session: AsyncSession) -> ModeloContrato:
    modelo = (
        await session.execute(select(ModeloContrato).order_by(ModeloContrato.versao.desc()).limit(1))
    ).scalar_one_or_none()
    if modelo is None:
        raise RegraVioladaError(
            "Cadastre o modelo de contrato do tenant (dados da administradora) antes de gerar contratos: "
            "POST /api/contratos/modelos.",
            code="modelo_contrato_ausente",
        )
    return modelo


async def listar_modelos(session: AsyncSession) -> list[ModeloContrato]:
    rows = await session.execute(select(ModeloContrato).order_by(ModeloContrato.versao.desc()))
    return list(rows.scalars())


async def criar_modelo(uow: UnitOfWork, dados: dict[str, Any]) -> ModeloContrato:
    """A new version of the template (the previous ones stay, as contracts refer to them)."""
    ultima = await uow.session.scalar(select(func.max(ModeloContrato.versao)))
    modelo = ModeloContrato(
        id=uuid.uuid4(), versao=int(ultima or 0) + 1, criado_por=uow.actor.user_id, **dados
    )
    uow.add(modelo)
    await uow.commit()
    return modelo


def _endereco(pessoa: Consorciado) -> str:
    if not pessoa.enderecos:
        return "endereço não informado"
    e = pessoa.enderecos[0]
    complemento = f", {e.complemento}" if e.complemento else ""
    cep = f"{e.cep[:5]}-{e.cep[5:]}" if len(e.cep) == 8 else e.cep
    return f"{e.logradouro}, {e.numero}{complemento}, {e.bairro}, {e.cidade}/{e.uf}, CEP {cep}"


async def _primeira_parcela(
    session: AsyncSession, grupo: Grupo, cota: Cota
) -> list[ComponentePrimeiraParcela]:
    """The cota's own parcela 1 when its schedule exists (what is charged), else the plan's."""
    parcela = (
        await session.execute(select(Parcela).where(Parcela.cota_id == cota.id, Parcela.numero == 1))
    ).scalar_one_or_none()
    credito = grupo.valor_credito
    if parcela is None:
        quebra = first_parcela_breakdown(plano_of(grupo), grupo.prazo_meses)
        valores = {nome: q["valor"] for nome, q in quebra.items()}
    else:
        valores = {
            "fundo_comum": parcela.valor_fundo_comum,
            "taxa_administracao": parcela.valor_taxa_administracao - parcela.valor_taxa_antecipada,
            "taxa_antecipada": parcela.valor_taxa_antecipada,
            "fundo_reserva": parcela.valor_fundo_reserva,
            "seguro": parcela.valor_seguro,
            "total": parcela.valor_total,
        }
    out = []
    for chave, nome in _NOMES.items():
        valor = Decimal(valores.get(chave, Decimal(0)))
        if chave in ("taxa_antecipada", "seguro", "fundo_reserva") and not valor:
            continue
        out.append(
            ComponentePrimeiraParcela(nome, valor, (valor * 100 / credito).quantize(Decimal("0.0001")))
        )
    return out


async def reunir(session: AsyncSession, cota_id: uuid.UUID, hoje: date | None = None) -> DadosContrato:
    """The contract's content for a cota, from the database."""
    cota = await session.get(Cota, cota_id)
    if cota is None:
        raise NaoEncontrado("Cota")
    grupo = await session.get(Grupo, cota.grupo_id)
    pessoa = await session.get(Consorciado, cota.consorciado_id)
    assert grupo is not None and pessoa is not None
    if pessoa.anonimizado_em is not None:
        raise RegraVioladaError(
            "Titular anonimizado: não se gera contrato com dados pessoais dele.", code="titular_anonimizado"
        )
    modelo = await modelo_atual(session)
    ativas = await session.scalar(
        select(func.count())
        .select_from(Cota)
        .where(Cota.grupo_id == grupo.id, Cota.status == StatusCota.ATIVA)
    )
    return DadosContrato(
        modelo_versao=modelo.versao,
        administradora_nome=modelo.administradora_nome,
        administradora_cnpj=modelo.administradora_cnpj,
        administradora_endereco=modelo.administradora_endereco,
        autorizacao_bcb=modelo.autorizacao_bcb,
        foro=modelo.foro,
        consorciado_nome=pessoa.nome,
        consorciado_documento=pessoa.documento,
        consorciado_tipo=pessoa.tipo_pessoa.value,
        consorciado_endereco=_endereco(pessoa),
        consorciado_email=pessoa.email,
        grupo_codigo=grupo.codigo,
        segmento=grupo.tipo_bem.value,
        valor_credito=grupo.valor_credito,
        prazo_meses=grupo.prazo_meses,
        numero_cotas=grupo.numero_cotas,
        # Res. BCB 285/2023: with the cônjuge, at most 10 % of the active cotas (at least one).
        max_cotas_por_consorciado=max(1, int(ativas or 0) * 10 // 100),
        cota_numero=cota.numero,
        data_adesao=cota.data_adesao,
        data_inicio=grupo.data_inicio,
        dia_vencimento=grupo.dia_vencimento,
        dia_assembleia=grupo.dia_assembleia,
        taxa_administracao_pct=grupo.taxa_administracao_pct,
        taxa_antecipada_pct=grupo.taxa_antecipada_pct,
        fundo_reserva_pct=grupo.fundo_reserva_pct,
        seguro_pct=grupo.seguro_pct,
        seguro_modo=grupo.seguro_modo.value,
        indice_correcao=grupo.indice_correcao.value,
        multa_pct=grupo.multa_pct,
        juros_mensal_pct=grupo.juros_mensal_pct,
        encargos_fundo_comum_pct=grupo.encargos_fundo_comum_pct,
        parcelas_para_exclusao=grupo.parcelas_para_exclusao,
        clausula_penal_pct=grupo.clausula_penal_pct,
        primeira_parcela=await _primeira_parcela(session, grupo, cota),
        gerado_em=hoje or calendario.hoje(),
        clausulas_adicionais=list(modelo.clausulas_adicionais or []),
    )


async def gerar_contrato(
    uow: UnitOfWork, store: ObjectStore, cota_id: uuid.UUID, hoje: date | None = None
) -> tuple[Documento, DocumentoVersao]:
    """Render the cota's contract and store it as a new version of its ``contrato_adesao`` document."""
    dados = await reunir(uow.session, cota_id, hoje)
    pdf = await asyncio.to_thread(renderizar, dados)  # CPU work off the event loop
    return await gravar_gerado(
        uow,
        store,
        entidade_tipo=EntidadeDocumento.COTA,
        entidade_id=cota_id,
        categoria=CategoriaDocumento.CONTRATO_ADESAO,
        titulo=f"Contrato de adesão — grupo {dados.grupo_codigo}, cota {dados.cota_numero}",
        nome_arquivo=f"contrato-{dados.grupo_codigo}-cota-{dados.cota_numero}-modelo-v{dados.modelo_versao}.pdf",
        dados=pdf,
    )
