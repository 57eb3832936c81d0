"""Retornos too big to settle within a request: kept at upload (``processando``), settled by the worker.

A bank's retorno of 100,000 títulos takes over a minute to settle, longer than the ingress, a browser
or an HTTP client waits. The upload still reads the whole file and answers at once for a bad line
(422 with the line) or an unknown account; a good file is kept with status ``processando`` and the
answer is 202. The worker then settles it through the same ``retornos.processar`` as a small file,
in one transaction, and marks it ``processado``. The same file sent again is the same row.

A file is claimed with ``FOR UPDATE SKIP LOCKED``: the task queued by the upload and the periodic
sweep (the safety net for a lost message or a worker that died mid-file) never settle one twice,
and a worker killed mid-file rolls back, leaving it ``processando`` for the next run.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from sqlalchemy import func, select

from tenant_app.cobranca import retornos
from tenant_app.cobranca.cnab240 import ErroCnab
from tenant_app.cobranca.models import (
    ContaCobranca,
    OcorrenciaRetorno,
    ResultadoOcorrencia,
    RetornoArquivo,
    StatusRetorno,
    ValorAIdentificar,
)
from tenant_app.erros import ErroDominio
from tenant_app.pagamentos.models import Pagamento
from tenant_app.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

PROCESSAR_RETORNOS = "cobranca.processar_retornos"


async def _proximo(uow: UnitOfWork, retorno_id: uuid.UUID | None) -> RetornoArquivo | None:
    stmt = (
        select(RetornoArquivo)
        .where(RetornoArquivo.status == StatusRetorno.PROCESSANDO)
        .order_by(RetornoArquivo.recebido_em)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if retorno_id is not None:
        stmt = stmt.where(RetornoArquivo.id == retorno_id)
    return (await uow.session.execute(stmt)).scalar_one_or_none()


def _rejeitar(arquivo: RetornoArquivo, linha: int | None, motivo: str) -> None:
    arquivo.status = StatusRetorno.REJEITADO
    arquivo.erro_linha = linha
    arquivo.erro_motivo = motivo


async def processar_pendentes(uow: UnitOfWork, retorno_id: uuid.UUID | None = None) -> int:
    """Settle kept retornos still ``processando`` (only ``retorno_id``, or all), each in its own
    transaction; how many were settled.

    A domain refusal (the file no longer reads, its account is gone, the money path refuses) rejects
    the file with the reason and applies nothing. Any other error rolls back and propagates: the
    file stays ``processando`` and the retry or the next sweep settles it.
    """
    feitos = 0
    while (arquivo := await _proximo(uow, retorno_id)) is not None:
        uow.track(arquivo)
        arquivo_id = arquivo.id
        conta = None if arquivo.conta_id is None else await uow.session.get(ContaCobranca, arquivo.conta_id)
        try:
            lido = retornos.ler(arquivo.conteudo)
            if conta is None:
                _rejeitar(arquivo, 1, "a conta de cobrança do arquivo não existe mais")
            else:
                await retornos.processar(uow, arquivo, lido, conta)
                feitos += 1
        except ErroCnab as erro:
            _rejeitar(arquivo, erro.linha, erro.motivo)
        except ErroDominio as erro:
            await uow.rollback()
            arquivo = await uow.session.get(RetornoArquivo, arquivo_id, with_for_update=True)
            assert arquivo is not None
            uow.track(arquivo)
            _rejeitar(arquivo, None, f"nada foi aplicado: {erro.detail}")
        await uow.commit()
        log.info("retorno %s: %s", arquivo_id, arquivo.status.value)
        if retorno_id is not None:
            break
    return feitos


async def resumo_gravado(uow: UnitOfWork, arquivo: RetornoArquivo) -> retornos.Resumo:
    """What a kept file did, read back from its ocorrências (the upload's answer, for any file later)."""
    resumo = retornos.Resumo(arquivo)
    o = OcorrenciaRetorno
    por_resultado = await uow.session.execute(
        select(o.resultado, func.count(), func.coalesce(func.sum(o.valor_tarifa), 0))
        .where(o.retorno_id == arquivo.id)
        .group_by(o.resultado)
    )
    for resultado, quantas, tarifas in por_resultado:
        chave = resultado.value if isinstance(resultado, ResultadoOcorrencia) else str(resultado)
        resumo.contagem[chave] = quantas
        resumo.tarifas += tarifas
    resumo.valor_liquidado += (
        await uow.session.execute(
            select(func.coalesce(func.sum(Pagamento.valor), 0))
            .join(o, o.pagamento_id == Pagamento.id)
            .where(o.retorno_id == arquivo.id)
        )
    ).scalar_one()
    resumo.valor_a_identificar += (
        await uow.session.execute(
            select(func.coalesce(func.sum(ValorAIdentificar.valor), 0))
            .join(o, o.id == ValorAIdentificar.ocorrencia_id)
            .where(o.retorno_id == arquivo.id)
        )
    ).scalar_one()
    return resumo


def enfileirar(celery_app: Any, retorno_id: uuid.UUID) -> bool:
    """Queue the settlement of one kept file; a broker failure is logged (the sweep settles it)."""
    try:
        celery_app.send_task(PROCESSAR_RETORNOS, args=[str(retorno_id)], retry=False)
    except Exception:  # the broker's errors vary by transport
        log.exception("could not queue retorno %s; the periodic sweep will settle it", retorno_id)
        return False
    return True
