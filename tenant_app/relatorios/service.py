"""Requesting, listing and downloading reports (the generation itself is ``tarefa.py``)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.armazenamento.store import ObjectStore
from tenant_app.assembleias.models import Assembleia
from tenant_app.cotas.models import Cota
from tenant_app.erros import ConflitoError, FieldError, NaoEncontrado, RegraVioladaError
from tenant_app.grupos.models import Grupo
from tenant_app.relatorios.models import FormatoRelatorio, Relatorio, StatusRelatorio, TipoRelatorio
from tenant_app.relatorios.schemas import ParametrosIn
from tenant_app.unit_of_work import UnitOfWork

#: The parameters each report takes (others are refused, so a typo is not silently ignored).
ACEITOS: dict[TipoRelatorio, frozenset[str]] = {
    TipoRelatorio.EXTRATO_COTA: frozenset({"cota_id", "grupo_id"}),
    TipoRelatorio.POSICAO_GRUPOS: frozenset({"grupo_id"}),
    TipoRelatorio.INADIMPLENCIA: frozenset({"grupo_id", "data_referencia"}),
    TipoRelatorio.ARRECADACAO: frozenset({"grupo_id", "desde", "ate"}),
    TipoRelatorio.CONTEMPLACOES: frozenset({"grupo_id", "assembleia_id"}),
    TipoRelatorio.DOC_2080: frozenset({"mes"}),
}
OBRIGATORIOS: dict[TipoRelatorio, frozenset[str]] = {
    TipoRelatorio.ARRECADACAO: frozenset({"desde", "ate"}),
    TipoRelatorio.DOC_2080: frozenset({"mes"}),
}


async def _validar(
    session: AsyncSession, tipo: TipoRelatorio, formato: FormatoRelatorio, p: ParametrosIn, hoje: date
) -> dict[str, Any]:
    dados = {k: v for k, v in ((f, getattr(p, f)) for f in p.__struct_fields__) if v is not None}
    erros = [
        FieldError(f"parametros.{k}", f"parâmetro não usado pelo relatório {tipo.value}")
        for k in sorted(set(dados) - ACEITOS[tipo])
    ]
    erros += [
        FieldError(f"parametros.{k}", "campo obrigatório")
        for k in sorted(OBRIGATORIOS.get(tipo, frozenset()) - set(dados))
    ]
    if formato is FormatoRelatorio.JSON and tipo is not TipoRelatorio.DOC_2080:
        erros.append(FieldError("formato", "json só para o doc_2080; use csv, xlsx ou pdf"))
    if erros:
        raise RegraVioladaError(
            "Parâmetros do relatório inválidos.", errors=erros, code="parametros_relatorio"
        )
    if p.desde and p.ate and p.desde > p.ate:
        raise RegraVioladaError("`desde` deve ser anterior ou igual a `ate`.", campo="parametros.desde")
    if p.mes and p.mes > hoje.strftime("%Y-%m"):
        raise RegraVioladaError("A data-base do Doc 2080 não pode ser um mês futuro.", campo="parametros.mes")
    for campo, modelo, nome in (
        ("grupo_id", Grupo, "Grupo"),
        ("cota_id", Cota, "Cota"),
        ("assembleia_id", Assembleia, "Assembleia"),
    ):
        if campo in dados and await session.get(modelo, dados[campo]) is None:
            raise NaoEncontrado(nome)
    if tipo is TipoRelatorio.INADIMPLENCIA and "data_referencia" not in dados:
        dados["data_referencia"] = hoje
    return {k: (str(v) if not isinstance(v, (int, str)) else v) for k, v in dados.items()}


async def solicitar(
    uow: UnitOfWork, tipo: TipoRelatorio, formato: FormatoRelatorio, parametros: ParametrosIn, hoje: date
) -> Relatorio:
    """Record the request (audited); the caller queues the task after the commit."""
    dados = await _validar(uow.session, tipo, formato, parametros, hoje)
    rel = Relatorio(
        id=uuid.uuid4(),
        tipo=tipo,
        formato=formato,
        parametros=dados,
        status=StatusRelatorio.PENDENTE,
        progresso=0,
        linhas=0,
        solicitado_por=uow.actor.user_id,
        criado_em=datetime.now(UTC),
    )
    uow.session.add(rel)
    uow.auditar(
        "solicitacao",
        "relatorios",
        str(rel.id),
        None,
        {"tipo": tipo.value, "formato": formato.value, **dados},
    )
    await uow.commit()
    return rel


async def marcar_falha(uow: UnitOfWork, relatorio_id: uuid.UUID, erro: str) -> None:
    rel = await obter(uow.session, relatorio_id)
    rel.status = StatusRelatorio.FALHOU
    rel.erro = erro[:2000]
    rel.concluido_em = datetime.now(UTC)
    await uow.commit()


async def obter(session: AsyncSession, relatorio_id: uuid.UUID) -> Relatorio:
    rel = (
        await session.execute(
            select(Relatorio).where(Relatorio.id == relatorio_id).execution_options(populate_existing=True)
        )
    ).scalar_one_or_none()
    if rel is None:
        raise NaoEncontrado("Relatório")
    return rel


async def listar(
    session: AsyncSession,
    *,
    tipo: TipoRelatorio | None,
    status: StatusRelatorio | None,
    limit: int,
    offset: int,
) -> tuple[list[Relatorio], int]:
    q = select(Relatorio)
    if tipo is not None:
        q = q.where(Relatorio.tipo == tipo)
    if status is not None:
        q = q.where(Relatorio.status == status)
    total = int(await session.scalar(select(func.count()).select_from(q.subquery())) or 0)
    rows = await session.execute(
        q.order_by(Relatorio.criado_em.desc(), Relatorio.id).limit(limit).offset(offset)
    )
    return list(rows.scalars()), total


async def link_download(
    uow: UnitOfWork, store: ObjectStore, relatorio_id: uuid.UUID
) -> tuple[Relatorio, str, datetime]:
    rel = await obter(uow.session, relatorio_id)
    if rel.status is not StatusRelatorio.PRONTO or rel.chave is None:
        raise ConflitoError(
            f"O relatório ainda não está pronto (situação: {rel.status.value}).", code="relatorio_nao_pronto"
        )
    segundos = store.settings.presign_seconds
    url = store.presigned_get_url(rel.chave, expires_seconds=segundos, filename=rel.nome_arquivo)
    uow.auditar("download", "relatorios", str(rel.id), None, {"sha256": rel.sha256})
    await uow.commit()
    return rel, url, datetime.now(UTC) + timedelta(seconds=segundos)
