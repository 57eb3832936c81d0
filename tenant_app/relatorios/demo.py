"""Files of the demo tenant (``seed-demo`` with object storage): a contract template, every demo cota's
contrato de adesão PDF and the last month's Doc 2080, in the tenant's bucket. Idempotent."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from tenant_app.armazenamento.store import ObjectStore
from tenant_app.cotas.models import Cota
from tenant_app.documentos.contrato import service as contratos
from tenant_app.documentos.models import CategoriaDocumento, Documento, ModeloContrato
from tenant_app.grupos.models import Grupo
from tenant_app.relatorios import service as relatorios
from tenant_app.relatorios.models import FormatoRelatorio, Relatorio, StatusRelatorio, TipoRelatorio
from tenant_app.relatorios.schemas import ParametrosIn
from tenant_app.relatorios.tarefa import gerar
from tenant_app.unit_of_work import UnitOfWork

MODELO_DEMO: dict[str, Any] = {
    "administradora_nome": "Consórcio Demonstração Administradora Ltda.",
    "administradora_cnpj": "11222333000181",
    "administradora_endereco": "Av. Paulista, 1000, 10º andar, Bela Vista, São Paulo/SP, CEP 01310-100",
    "autorizacao_bcb": "autorização de funcionamento do Banco Central do Brasil (dados de demonstração)",
    "foro": "São Paulo/SP",
    "clausulas_adicionais": [
        {
            "titulo": "Atendimento",
            "texto": "Dúvidas e reclamações: central de atendimento e ouvidoria da administradora.",
        }
    ],
}


async def seed_arquivos(uow: UnitOfWork, store: ObjectStore, grupo_codigo: str, today: date) -> str:
    session = uow.session
    if (await session.execute(select(ModeloContrato.id).limit(1))).first() is None:
        await contratos.criar_modelo(uow, dict(MODELO_DEMO))
    com_contrato = select(Documento.entidade_id).where(
        Documento.categoria == CategoriaDocumento.CONTRATO_ADESAO
    )
    cotas = list(
        (
            await session.execute(
                select(Cota.id)
                .join(Grupo, Grupo.id == Cota.grupo_id)
                .where(Grupo.codigo == grupo_codigo, Cota.id.not_in(com_contrato))
                .order_by(Cota.numero)
            )
        ).scalars()
    )
    for cota_id in cotas:
        await contratos.gerar_contrato(uow, store, cota_id, today)

    mes = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    feito = (
        await session.execute(
            select(Relatorio.id).where(
                Relatorio.tipo == TipoRelatorio.DOC_2080,
                Relatorio.status == StatusRelatorio.PRONTO,
                Relatorio.parametros["mes"].astext == mes,
            )
        )
    ).first()
    doc2080 = "already there"
    if feito is None:
        rel = await relatorios.solicitar(
            uow, TipoRelatorio.DOC_2080, FormatoRelatorio.JSON, ParametrosIn(mes=mes), today
        )
        engine = session.bind
        await gerar(engine, store, rel.id)  # type: ignore[arg-type]
        doc2080 = "generated"
    return f", {len(cotas)} contract PDFs, Doc 2080 {mes} {doc2080}"
