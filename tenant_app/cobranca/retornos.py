"""Importing a CNAB 240 retorno: keep the file, record each título's ocorrência once, act on it.

* The file is stored as received (``retornos_cobranca.conteudo``), also when it is rejected: a bad
  line rejects the whole file with its line number and reason (``ErroCnab``), nothing is applied.
* The same file twice is the same row (SHA-256 unique): the second import changes nothing.
* Each ocorrência is unique on (account, nosso número, code, date): one that came in an earlier file
  is skipped, so overlapping files settle nothing twice.
* 06/17 liquidação → ``liquidacao.liquidar`` (money path, forma BOLETO, the bank's credit date);
  02 → registrado; 03 → rejeitado (motivos kept); 09 → baixado; 28 → tarifa (reported); others kept.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.dialects.postgresql import insert

from tenant_app import calendario
from tenant_app.cobranca.cnab240 import ErroCnab, Ocorrencia, Retorno, ler_retorno
from tenant_app.cobranca.liquidacao import Recebimento
from tenant_app.cobranca.liquidacao_lote import LiquidacaoEmLote, TituloLido, titulos_da_conta
from tenant_app.cobranca.models import (
    ATIVOS,
    ContaCobranca,
    OcorrenciaRetorno,
    OrigemValor,
    ResultadoOcorrencia,
    RetornoArquivo,
    StatusRetorno,
    StatusTitulo,
)
from tenant_app.erros import FieldError, NaoEncontrado, RegraVioladaError
from tenant_app.unit_of_work import UnitOfWork

SEM_DATA = date(1900, 1, 1)  # a zero-filled date in the file: kept non-null so the unique key holds
LIQUIDACOES = {Ocorrencia.LIQUIDACAO.value, Ocorrencia.LIQUIDACAO_APOS_BAIXA.value}
_OCORRENCIAS = cast(Table, OcorrenciaRetorno.__table__)


class RetornoRejeitado(RegraVioladaError):
    """A retorno that cannot be read or does not belong to this tenant; the file is kept."""

    def __init__(self, retorno_id: uuid.UUID, linha: int, motivo: str) -> None:
        onde = f"linha {linha}" if linha else "arquivo"
        super().__init__(
            f"Retorno rejeitado ({onde}): {motivo}. O arquivo foi guardado como {retorno_id}.",
            errors=[FieldError(onde, motivo)],
            code="retorno_invalido",
        )
        self.retorno_id = retorno_id


@dataclass
class Resumo:
    retorno: RetornoArquivo
    repetido: bool = False
    contagem: dict[str, int] = field(default_factory=dict)
    valor_liquidado: Decimal = Decimal("0.00")
    valor_a_identificar: Decimal = Decimal("0.00")
    tarifas: Decimal = Decimal("0.00")


def sha256(conteudo: bytes) -> str:
    return hashlib.sha256(conteudo).hexdigest()


async def arquivo_existente(uow: UnitOfWork, digest: str) -> RetornoArquivo | None:
    return (
        await uow.session.execute(select(RetornoArquivo).where(RetornoArquivo.sha256 == digest))
    ).scalar_one_or_none()


async def conta_do_arquivo(uow: UnitOfWork, r: Retorno) -> ContaCobranca | None:
    """The configured account the header names: bank, agência and conta (numbers compared as numbers)."""
    contas = (
        await uow.session.execute(select(ContaCobranca).where(ContaCobranca.banco == r.banco))
    ).scalars()
    for conta in contas:
        if conta.agencia.lstrip("0") == r.agencia.lstrip("0") and conta.conta.lstrip("0") == r.conta.lstrip(
            "0"
        ):
            return conta
    return None


async def guardar_rejeitado(
    uow: UnitOfWork, nome: str, conteudo: bytes, linha: int, motivo: str
) -> RetornoArquivo:
    """Keep a rejected file for inspection (its own commit: the rejection must not roll it back)."""
    digest = sha256(conteudo)
    existente = await arquivo_existente(uow, digest)
    if existente is not None:
        return existente
    arquivo = RetornoArquivo(
        id=uuid.uuid4(),
        nome_arquivo=nome[:200],
        sha256=digest,
        conteudo=conteudo,
        recebido_em=datetime.now(UTC),
        recebido_por=uow.actor.user_id,
        status=StatusRetorno.REJEITADO,
        erro_linha=linha,
        erro_motivo=motivo,
        ocorrencias=0,
    )
    uow.add(arquivo)
    await uow.commit()
    return arquivo


def ler(conteudo: bytes) -> Retorno:
    """Parse or raise ``ErroCnab`` (line, reason)."""
    return ler_retorno(conteudo)


async def importar(
    uow: UnitOfWork, nome: str, conteudo: bytes, retorno: Retorno, conta: ContaCobranca
) -> Resumo:
    """Store a parsed retorno of ``conta`` (``conta_do_arquivo``) and act on every new ocorrência.

    Everything is one transaction: the caller commits once, for the whole file.
    """
    resumo = await receber(uow, nome, conteudo, retorno, conta)
    if resumo.repetido:
        return resumo
    return await processar(uow, resumo.retorno, retorno, conta)


async def receber(
    uow: UnitOfWork, nome: str, conteudo: bytes, retorno: Retorno, conta: ContaCobranca
) -> Resumo:
    """Keep the file (``processando``), or find it already kept (``repetido``); nothing applied yet."""
    digest = sha256(conteudo)
    existente = await arquivo_existente(uow, digest)
    if existente is not None:
        return Resumo(existente, repetido=True)
    arquivo = RetornoArquivo(
        id=uuid.uuid4(),
        nome_arquivo=nome[:200],
        sha256=digest,
        conteudo=conteudo,
        recebido_em=datetime.now(UTC),
        recebido_por=uow.actor.user_id,
        conta_id=conta.id,
        banco=retorno.banco,
        numero=retorno.numero,
        status=StatusRetorno.PROCESSANDO,
        ocorrencias=len(retorno.titulos),
    )
    uow.add(arquivo)
    await uow.flush()
    return Resumo(arquivo)


async def processar(
    uow: UnitOfWork, arquivo: RetornoArquivo, retorno: Retorno, conta: ContaCobranca
) -> Resumo:
    """Act on every ocorrência of a kept file not seen before, and mark it ``processado``."""
    resumo = Resumo(arquivo)
    novas = await _registrar_ocorrencias(uow, arquivo, conta, retorno)
    titulos = await titulos_da_conta(uow, conta.id, {o.nosso_numero for o in novas})
    recebimentos = [
        (titulos[o.nosso_numero], o.valor_pago)
        for o in novas
        if o.codigo_movimento in LIQUIDACOES and o.nosso_numero in titulos
    ]
    lote = await LiquidacaoEmLote.abrir(uow, titulos.values(), recebimentos)
    for ocorrencia in novas:
        _aplicar(lote, ocorrencia, titulos.get(ocorrencia.nosso_numero), resumo)
    await lote.gravar()
    await _gravar_ocorrencias(uow, novas)
    arquivo.status = StatusRetorno.PROCESSADO
    return resumo


@dataclass(slots=True, eq=False)
class _OcorrenciaNova:
    """An ocorrência inserted by this import (earlier files' are skipped), and what it did."""

    id: uuid.UUID
    linha: int
    nosso_numero: str
    codigo_movimento: str
    data_ocorrencia: date
    data_credito: date | None
    valor_pago: Decimal
    valor_tarifa: Decimal
    motivos: str
    titulo_id: uuid.UUID | None = None
    resultado: ResultadoOcorrencia = ResultadoOcorrencia.PENDENTE
    pagamento_id: uuid.UUID | None = None
    processada_em: datetime | None = None


async def _registrar_ocorrencias(
    uow: UnitOfWork, arquivo: RetornoArquivo, conta: ContaCobranca, retorno: Retorno
) -> list[_OcorrenciaNova]:
    """Insert the file's ocorrências, skipping those already known; the new ones, in file order."""
    linhas: list[dict[str, Any]] = [
        {
            "id": uuid.uuid4(),
            "retorno_id": arquivo.id,
            "conta_id": conta.id,
            "linha": t.linha,
            "nosso_numero": t.nosso_numero,
            "codigo_movimento": t.codigo_movimento,
            "data_ocorrencia": t.data_ocorrencia or SEM_DATA,
            "data_credito": t.data_credito,
            "valor_nominal": t.valor_nominal,
            "valor_pago": t.valor_pago,
            "valor_tarifa": t.valor_tarifa,
            "motivos": "".join(t.motivos)[:20],
            "resultado": ResultadoOcorrencia.PENDENTE.value,
        }
        for t in retorno.titulos
    ]
    ids: set[uuid.UUID] = set()
    # One statement compiled once, sent as executemany (batched multi-row VALUES by the driver layer);
    # a literal multi-row .values(list) recompiled a 2,000-row statement per batch.
    inserir = (
        insert(_OCORRENCIAS)
        .on_conflict_do_nothing(constraint="uq_ocorrencias_cobranca")
        .returning(_OCORRENCIAS.c.id)
    )
    for inicio in range(0, len(linhas), 2000):
        inseridas = await uow.session.execute(inserir, linhas[inicio : inicio + 2000])
        ids.update(inseridas.scalars())
    novas = [
        _OcorrenciaNova(
            id=linha["id"],
            linha=linha["linha"],
            nosso_numero=linha["nosso_numero"],
            codigo_movimento=linha["codigo_movimento"],
            data_ocorrencia=linha["data_ocorrencia"],
            data_credito=linha["data_credito"],
            valor_pago=linha["valor_pago"],
            valor_tarifa=linha["valor_tarifa"],
            motivos=linha["motivos"],
        )
        for linha in linhas
        if linha["id"] in ids
    ]
    novas.sort(key=lambda o: o.linha)
    return novas


async def _gravar_ocorrencias(uow: UnitOfWork, novas: list[_OcorrenciaNova]) -> None:
    """What each new ocorrência did, in one bulk UPDATE."""
    if not novas:
        return
    campos = ("titulo_id", "resultado", "pagamento_id", "processada_em")
    stmt = (
        update(_OCORRENCIAS)
        .where(_OCORRENCIAS.c.id == bindparam("_id"))
        .values({campo: bindparam(campo) for campo in campos})
    )
    await uow.session.execute(
        stmt, [{"_id": o.id, **{campo: getattr(o, campo) for campo in campos}} for o in novas]
    )


def _aplicar(lote: LiquidacaoEmLote, o: _OcorrenciaNova, titulo: TituloLido | None, resumo: Resumo) -> None:
    codigo = o.codigo_movimento
    o.titulo_id = None if titulo is None else titulo.id
    agora = datetime.now(UTC)
    o.processada_em = agora
    if codigo in LIQUIDACOES:
        data_credito = o.data_credito or (
            o.data_ocorrencia if o.data_ocorrencia != SEM_DATA else calendario.hoje()
        )
        resultado = lote.liquidar(
            titulo,
            Recebimento(OrigemValor.RETORNO, o.nosso_numero, o.valor_pago, data_credito, ocorrencia_id=o.id),
        )
        if resultado.pagamento is not None:
            o.resultado = ResultadoOcorrencia.LIQUIDADO
            o.pagamento_id = resultado.pagamento.id
            resumo.valor_liquidado += resultado.pagamento.valor
        else:
            o.resultado = ResultadoOcorrencia.A_IDENTIFICAR
        resumo.valor_a_identificar += sum((i.valor for i in resultado.a_identificar), Decimal("0.00"))
    elif titulo is None:
        o.resultado = ResultadoOcorrencia.IGNORADO
    elif codigo == Ocorrencia.ENTRADA_CONFIRMADA.value:
        o.resultado = ResultadoOcorrencia.REGISTRADO
        if titulo.status is StatusTitulo.EMITIDO:
            lote.alterar(titulo, status=StatusTitulo.REGISTRADO, registrado_em=agora)
    elif codigo == Ocorrencia.ENTRADA_REJEITADA.value:
        o.resultado = ResultadoOcorrencia.REJEITADO
        if titulo.status in ATIVOS:
            lote.alterar(
                titulo,
                status=StatusTitulo.REJEITADO,
                motivo=f"rejeitado pelo banco, motivos {o.motivos or '-'}",
            )
    elif codigo == Ocorrencia.BAIXA.value:
        o.resultado = ResultadoOcorrencia.BAIXADO
        if titulo.status in ATIVOS:
            lote.alterar(
                titulo,
                status=StatusTitulo.BAIXADO,
                baixado_em=agora,
                motivo=f"baixa pelo banco, motivos {o.motivos or '-'}",
            )
    elif codigo == Ocorrencia.TARIFA.value:
        o.resultado = ResultadoOcorrencia.TARIFA
    else:
        o.resultado = ResultadoOcorrencia.IGNORADO
    if o.valor_tarifa:
        resumo.tarifas += o.valor_tarifa
    resumo.contagem[o.resultado.value] = resumo.contagem.get(o.resultado.value, 0) + 1


async def obter_retorno(uow: UnitOfWork, retorno_id: uuid.UUID) -> RetornoArquivo:
    arquivo = await uow.session.get(RetornoArquivo, retorno_id)
    if arquivo is None:
        raise NaoEncontrado("Retorno")
    return arquivo


async def ocorrencias_do_retorno(uow: UnitOfWork, retorno_id: uuid.UUID) -> list[OcorrenciaRetorno]:
    rows = await uow.session.execute(
        select(OcorrenciaRetorno)
        .where(OcorrenciaRetorno.retorno_id == retorno_id)
        .order_by(OcorrenciaRetorno.linha)
    )
    return list(rows.scalars())


__all__ = ["ErroCnab", "RetornoRejeitado", "conta_do_arquivo", "importar", "ler", "processar", "receber"]
