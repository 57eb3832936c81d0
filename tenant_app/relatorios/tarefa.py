"""Generating a report: stream the rows into a temporary file, upload it to the tenant's bucket.

Runs in the Celery worker (``relatorios.gerar``). The rows come from a
server-side cursor and go straight to the writer; the file is then streamed
to the bucket in parts, so memory stays flat whatever the report's size.
Progress (0–100, by rows written against a COUNT made first) is committed on
its own short transactions so the API shows it while the task runs.
"""

from __future__ import annotations

import asyncio
import json
import logging
import tempfile
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from celery import shared_task
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from tenant_app.armazenamento.store import Finalidade, ObjectStore, chave
from tenant_app.documentos.models import ModeloContrato
from tenant_app.erros import ErroDominio
from tenant_app.eventos.tipos import RELATORIO_PRONTO
from tenant_app.relatorios import doc2080
from tenant_app.relatorios.definicoes import CONSULTAS, Coluna, Consulta, TipoColuna, parametros_sql
from tenant_app.relatorios.escritores import CONTENT_TYPES, escritor
from tenant_app.relatorios.models import FormatoRelatorio, Relatorio, StatusRelatorio, TipoRelatorio
from tenant_app.unit_of_work import Actor, UnitOfWork

log = logging.getLogger("tenant_app.relatorios")

NOME_TAREFA = "relatorios.gerar"
#: Rows between progress updates (and the cursor's fetch size).
LOTE = 5000


async def _progresso(engine: AsyncEngine, relatorio_id: uuid.UUID, **valores: Any) -> None:
    async with engine.begin() as conn:
        await conn.execute(update(Relatorio).where(Relatorio.id == relatorio_id).values(**valores))


def _totais(consulta: Consulta, somas: list[Decimal]) -> list[Any]:
    linha: list[Any] = [None] * len(consulta.colunas)
    linha[0] = "Total" if consulta.colunas[0].tipo is TipoColuna.TEXTO else None
    for i, c in enumerate(consulta.colunas):
        if c.somar:
            linha[i] = somas[i]
    if linha[0] is None:
        linha[1] = "Total"
    return linha


async def _escrever_consulta(engine: AsyncEngine, rel: Relatorio, consulta: Consulta, destino: Any) -> int:
    params = parametros_sql(consulta.parametros)
    async with engine.connect() as conn:
        total = int((await conn.execute(consulta.contagem, params)).scalar() or 0)
    out = escritor(rel.formato.value, destino, consulta.titulo, consulta.colunas)
    somar = [i for i, c in enumerate(consulta.colunas) if c.somar]
    somas = [Decimal(0)] * len(consulta.colunas)
    linhas = 0
    filtro = consulta.filtro_total
    async with engine.connect() as conn:
        # Straight from asyncpg's cursor: SQLAlchemy's Row layer cost a third of the CPU of a big
        # extrato, and these rows need no ORM. Same SQL, compiled to asyncpg's $n parameters.
        compilado = consulta.sql.compile(dialect=engine.dialect)
        argumentos = [params[nome] for nome in compilado.positiontup or ()]
        bruta = (await conn.get_raw_connection()).driver_connection
        assert bruta is not None
        async with bruta.transaction(readonly=True):
            cursor = await bruta.cursor(str(compilado), *argumentos)
            while particao := await cursor.fetch(LOTE):
                for row in particao:
                    out.linha(row)
                    if somar and (filtro is None or row[filtro[0]] == filtro[1]):
                        for i in somar:
                            somas[i] += row[i] or 0
                linhas += len(particao)
                await _progresso(
                    engine, rel.id, linhas=linhas, progresso=min(99, linhas * 100 // max(total, 1))
                )
    out.fechar(_totais(consulta, somas) if somar else None)
    return linhas


def _json_default(v: Any) -> Any:
    if isinstance(v, Decimal):
        return f"{v:.2f}" if v == v.quantize(Decimal("0.01")) else str(v)
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v)


async def _escrever_doc2080(engine: AsyncEngine, rel: Relatorio, destino: Any) -> int:
    from sqlalchemy.ext.asyncio import AsyncSession

    async with AsyncSession(engine) as session:
        modelo = (
            await session.execute(select(ModeloContrato).order_by(ModeloContrato.versao.desc()).limit(1))
        ).scalar_one_or_none()
        administradora = (
            {"nome": modelo.administradora_nome, "cnpj": modelo.administradora_cnpj} if modelo else {}
        )
        estrutura = await doc2080.calcular(session, rel.parametros["mes"], administradora)
    if rel.formato is FormatoRelatorio.JSON:
        destino.write(json.dumps(estrutura, default=_json_default, ensure_ascii=False, indent=2).encode())
        return len(estrutura["grupos"])
    colunas = (Coluna("Segmento"), Coluna("Item (IN 525 art. 1º § 1º)"), Coluna("Campo"), Coluna("Valor"))
    out = escritor(rel.formato.value, destino, f"Doc 2080 — data-base {rel.parametros['mes']}", colunas)
    n = 0
    for seg, item, campo, valor in doc2080.linhas(estrutura):
        out.linha((seg, item, campo, _json_default(valor) if isinstance(valor, Decimal) else str(valor)))
        n += 1
    out.fechar(None)
    return n


def _nome_arquivo(rel: Relatorio) -> str:
    p = rel.parametros
    sufixo = p.get("mes") or (
        f"{p['desde']}_{p['ate']}" if "desde" in p else rel.criado_em.strftime("%Y%m%d-%H%M%S")
    )
    return f"{rel.tipo.value}-{sufixo}.{rel.formato.value}"


async def gerar(engine: AsyncEngine, store: ObjectStore, relatorio_id: uuid.UUID) -> Relatorio:
    """Generate one report (idempotent: a report already pronto is left as it is)."""
    from tenant_app.database.session import create_session_factory

    sessions = create_session_factory(engine)
    async with sessions() as session:
        rel = await session.get(Relatorio, relatorio_id)
        if rel is None:
            raise ValueError(f"relatorio {relatorio_id} does not exist")
        if rel.status is StatusRelatorio.PRONTO:
            return rel
    await _progresso(
        engine,
        relatorio_id,
        status=StatusRelatorio.GERANDO,
        iniciado_em=datetime.now(UTC),
        erro=None,
        progresso=0,
    )
    try:
        with tempfile.TemporaryFile() as arquivo:
            if rel.tipo is TipoRelatorio.DOC_2080:
                linhas = await _escrever_doc2080(engine, rel, arquivo)
            else:
                linhas = await _escrever_consulta(engine, rel, CONSULTAS[rel.tipo](rel.parametros), arquivo)
            arquivo.seek(0)
            nome = _nome_arquivo(rel)
            key = chave(Finalidade.RELATORIOS, rel.tipo.value, f"{rel.id}-{nome}")
            stored = await store.upload(key, arquivo, CONTENT_TYPES[rel.formato.value])
    except ErroDominio as err:
        await _progresso(
            engine,
            relatorio_id,
            status=StatusRelatorio.FALHOU,
            erro=err.detail,
            concluido_em=datetime.now(UTC),
        )
        raise
    except Exception:
        log.exception("relatorio %s failed", relatorio_id)
        await _progresso(
            engine,
            relatorio_id,
            status=StatusRelatorio.FALHOU,
            erro="Erro inesperado ao gerar o relatório; tente de novo ou informe o suporte.",
            concluido_em=datetime.now(UTC),
        )
        raise
    async with UnitOfWork.start(sessions, Actor(rel.solicitado_por, "tarefa:relatorios")) as uow:
        rel = await uow.session.get(Relatorio, relatorio_id, populate_existing=True)  # type: ignore[assignment]
        assert rel is not None
        rel.status = StatusRelatorio.PRONTO
        rel.progresso = 100
        rel.linhas = linhas
        rel.chave = stored.key
        rel.nome_arquivo = nome
        rel.tamanho = stored.size
        rel.sha256 = stored.sha256
        rel.concluido_em = datetime.now(UTC)
        uow.auditar(
            "gerado",
            "relatorios",
            str(rel.id),
            None,
            {
                "tipo": rel.tipo.value,
                "formato": rel.formato.value,
                "sha256": stored.sha256,
                "tamanho": stored.size,
            },
        )
        uow.publicar(
            RELATORIO_PRONTO,
            {"relatorio_id": rel.id, "tipo": rel.tipo.value, "formato": rel.formato.value, "linhas": linhas},
            chave=f"relatorio:{rel.id}",
            usuario_id=rel.solicitado_por,
        )
        await uow.commit()
    return rel


async def _rodar(relatorio_id: uuid.UUID) -> str:
    from tenant_app.database.session import create_engine
    from tenant_app.settings import Settings

    settings = Settings.from_env()
    store = ObjectStore.from_settings(settings.object_store)
    engine = create_engine(settings.database)
    try:
        if store is None:
            await _progresso(
                engine,
                relatorio_id,
                status=StatusRelatorio.FALHOU,
                erro="Este tenant não tem armazenamento de arquivos configurado.",
            )
            return "falhou"
        rel = await gerar(engine, store, relatorio_id)
        return rel.status.value
    finally:
        await engine.dispose()
        if store is not None:
            store.close()


@shared_task(name=NOME_TAREFA)
def gerar_relatorio(relatorio_id: str) -> str:
    """Celery task: generate the report ``relatorio_id``; its row says how it went."""
    try:
        return asyncio.run(_rodar(uuid.UUID(relatorio_id)))
    except ErroDominio:
        return "falhou"  # recorded on the row, in Portuguese, for the API
